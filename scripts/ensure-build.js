#!/usr/bin/env node
// Builds when dist/ is missing or older than any source it is built from, so that `npm start` is
// enough on a fresh clone. `ensure-build.js bench` also builds the benchmarks (bench/tsconfig.json), which
// the service's build leaves out. Plain JavaScript: it must run before anything is compiled.
const { execSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const service = {
  stamp: 'dist/src/server.js',
  inputs: ['src', 'scripts', 'tsoa.json', 'tsconfig.json', 'tsconfig.build.json', 'package.json',
    'packages/client/src', 'packages/client/tsconfig.json', 'packages/client/package.json'],
  command: 'npm run --silent build',
  says: 'Building (tsoa spec-and-routes, tsc)...',
};
// The benchmarks start the test suite's PostgreSQL cluster and pgbouncer, and import the service's modules.
const bench = {
  stamp: 'dist/bench/run.js',
  inputs: ['bench', 'test/support', 'src', 'tsconfig.json', 'package.json'],
  command: 'npx tsc -p bench',
  says: 'Building the benchmarks (tsc -p bench)...',
};

function newest(file) {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(file)
    // Build output, benchmark results and prose are not sources.
    .filter((name) => name !== 'generated' && name !== 'out' && !name.endsWith('.md'))
    .reduce((max, name) => Math.max(max, newest(path.join(file, name))), stat.mtimeMs);
}

function ensure({ stamp, inputs, command, says }) {
  const built = existsSync(path.join(root, stamp)) ? statSync(path.join(root, stamp)).mtimeMs : 0;
  const sources = Math.max(...inputs.map((f) => newest(path.join(root, f))));
  if (built < sources) {
    process.stderr.write(`${says}\n`);
    execSync(command, { cwd: root, stdio: 'inherit' });
  }
}

ensure(service);
if (process.argv.includes('bench')) ensure(bench);
