#!/usr/bin/env node
// Builds when dist/ is missing or older than any source it is built from, so that `npm start` is
// enough on a fresh clone. Plain JavaScript: it must run before anything is compiled.
const { execSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const stamp = path.join(root, 'dist', 'src', 'server.js');
const inputs = ['src', 'bench', 'scripts', 'tsoa.json', 'tsconfig.json', 'tsconfig.build.json', 'package.json',
  'packages/client/src', 'packages/client/tsconfig.json', 'packages/client/package.json'];

function newest(file) {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(file)
    // Build output, benchmark results and prose are not sources.
    .filter((name) => name !== 'generated' && name !== 'out' && !name.endsWith('.md'))
    .reduce((max, name) => Math.max(max, newest(path.join(file, name))), stat.mtimeMs);
}

const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const sources = Math.max(...inputs.map((f) => newest(path.join(root, f))));
if (built < sources) {
  process.stderr.write('Building (tsoa spec-and-routes, tsc)...\n');
  execSync('npm run --silent build', { cwd: root, stdio: 'inherit' });
}
