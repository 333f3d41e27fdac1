import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createSonarClient } from '@sonar-transparency/client';
import { twenteUpload } from '../support/factories';
import { liveAppUnderTest } from '../support/live-server';
import { WRITER_KEY } from '../support/test-app';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const CLIENT = path.join(ROOT, 'packages', 'client');

/** The README's example for another TypeScript service, as the README gives it. */
function readmeExample(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### From another TypeScript service'));
  const example = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
  if (!example) throw new Error('The README has no ts example under "From another TypeScript service"');
  return example;
}

// npm as a user runs it: not the npm_config_* of an `npm test` that started jest, which name this workspace.
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
const npm = (args: string[], cwd: string) => run('npm', args, { cwd, env: npmEnv, maxBuffer: 16 * 1024 * 1024 });
const tsc = (args: string[], cwd: string) => run(path.join(cwd, 'node_modules', '.bin', 'tsc'), args, { cwd });
const TSC_FLAGS = ['--strict', '--module', 'nodenext', '--target', 'es2022'];

/** The client package packed and installed in a project of its own, as another service gets it. */
describe('The client package, packed and installed in a fresh project', () => {
  const live = liveAppUnderTest();
  let scratch: string;
  let consumer: string;

  beforeAll(async () => {
    if (!existsSync(path.join(CLIENT, 'dist', 'index.js'))) throw new Error('packages/client is not built: run `npm run build` first');
    scratch = mkdtempSync(path.join(tmpdir(), 'sonar-client-package-'));
    const { stdout } = await npm(['pack', '--silent', '--pack-destination', scratch], CLIENT);
    const tarball = path.join(scratch, stdout.trim().split('\n').pop()!);
    consumer = path.join(scratch, 'consumer');
    mkdirSync(consumer);
    writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // --prefer-offline: npm's cache answers when it can, so the test needs the registry only on a cold cache.
    await npm(['install', '--no-audit', '--no-fund', '--prefer-offline', tarball, 'typescript@5.9'], consumer);
  }, 180_000);

  afterAll(() => {
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  test('When it is installed, then the tree holds the client, openapi-fetch and its one dependency only', () => {
    const lock = JSON.parse(readFileSync(path.join(consumer, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    const installed = Object.keys(lock.packages).filter((key) => key !== '').map((key) => key.replace(/^.*node_modules\//, ''));
    const topLevel = readdirSync(path.join(consumer, 'node_modules'))
      .filter((name) => !name.startsWith('.'))
      .flatMap((name) => (name.startsWith('@') ? readdirSync(path.join(consumer, 'node_modules', name)).map((sub) => `${name}/${sub}`) : [name]));

    const expected = ['@sonar-transparency/client', 'openapi-fetch', 'openapi-typescript-helpers'];
    expect(installed.filter((name) => name !== 'typescript').sort()).toEqual(expected);
    expect(topLevel.filter((name) => name !== 'typescript').sort()).toEqual(expected);
    expect(readdirSync(path.join(consumer, 'node_modules', '@sonar-transparency', 'client', 'dist')).sort()).toEqual(['generated', 'index.d.ts', 'index.js']);
  });

  test('When the README\'s example is compiled with tsc --strict and run, then it prints the region\'s totals', async () => {
    const writer = createSonarClient({ baseUrl: live.base(), apiKey: WRITER_KEY });
    expect((await writer.POST('/uploads', { body: twenteUpload() })).response.status).toBe(201);
    writeFileSync(path.join(consumer, 'example.ts'), readmeExample());

    await tsc([...TSC_FLAGS, '--outDir', 'out', 'example.ts'], consumer);
    const compiled = path.join(consumer, 'out', 'example.js');
    writeFileSync(compiled, readFileSync(compiled, 'utf8').replace("'http://localhost:3000'", JSON.stringify(live.base())));
    const { stdout } = await run(process.execPath, [compiled], { cwd: consumer });

    expect(stdout).toBe('Twente 2026-06: 7898 of 10371 (76%)\n');
  }, 60_000);

  test('When a caller misspells a path, then tsc refuses it', async () => {
    writeFileSync(path.join(consumer, 'wrong.ts'), readmeExample()
      .replace("'/regions/{region}/totals'", "'/regions/{region}/total'"));
    expect(readFileSync(path.join(consumer, 'wrong.ts'), 'utf8')).toContain("'/regions/{region}/total'");

    const failed = await tsc([...TSC_FLAGS, '--noEmit', 'wrong.ts'], consumer).then(() => undefined, (error: { code: number; stdout: string }) => error);

    expect(failed?.code).toBe(2);
    expect(failed?.stdout).toMatch(/wrong\.ts\(3,\d+\): error TS2345: .*"\/regions\/\{region\}\/total"/);
  }, 60_000);
});
