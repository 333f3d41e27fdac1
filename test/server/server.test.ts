/**
 * The service as a process: start-up on an empty database, graceful shutdown, and the README's start command.
 * Needs the build (`npm test` runs it first).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { start } from '../../src/server';
import { twenteUpload } from '../support/factories';
import { WRITER_KEY } from '../support/test-app';
import { sqliteDb } from '../support/stores';

const ROOT = path.join(__dirname, '..', '..');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sonar-server-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const configFor = (env: Record<string, string> = {}) =>
  loadConfig({ PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: path.join(dir, 'nested', 'sonar.db'), API_KEYS: `writer:${WRITER_KEY}`, LOG_LEVEL: 'silent', ...env });

async function untilLogged<T>(find: () => T | undefined, deadline = Date.now() + 60_000): Promise<T> {
  for (let found = find(); ; found = find()) {
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('the service did not say where it listens');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitFor(url: string, deadline = Date.now() + 60_000): Promise<void> {
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not answer`);
}

test('When the service starts on a new database file, then it creates it and serves the reference data', async () => {
  const running = await start(configFor(), pino({ level: 'silent' }));
  try {
    const regions = (await (await fetch(`${running.url}/v1/regions`)).json()) as { regions: Array<{ gemeenteCount: number }> };
    const ready = await fetch(`${running.url}/ready`);

    expect(regions.regions).toHaveLength(35);
    expect(regions.regions.reduce((n: number, r: { gemeenteCount: number }) => n + r.gemeenteCount, 0)).toBe(342);
    expect(ready.status).toBe(200);
    const db = sqliteDb(running.store);
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBeGreaterThan(0);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  } finally {
    await running.stop();
  }
});

test('When the service stops during an upload, then that upload still completes and then the database closes', async () => {
  const running = await start(configFor(), pino({ level: 'silent' }));
  const body = Buffer.from(JSON.stringify(twenteUpload()));
  const { port } = new URL(running.url);

  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/v1/uploads', method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-api-key': WRITER_KEY } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.write(body.subarray(0, 100)); // the request is in flight: headers sent, body not yet complete
    setTimeout(async () => {
      stopped = running.stop();
      await new Promise((r) => setTimeout(r, 100));
      req.end(body.subarray(100));
    }, 100);
  });
  let stopped: Promise<void> | undefined;

  const res = await answer;
  await stopped;

  expect(res.status).toBe(201);
  expect(JSON.parse(res.body).uploads[0].totals.total).toBe(7898);
  expect(running.store.isAvailable()).toBe(false);
  await expect(fetch(`${running.url}/health`)).rejects.toThrow();
});

test('When the configuration is invalid, then start-up fails naming every bad variable', () => {
  expect(() => loadConfig({ PORT: 'eighty', API_KEYS: 'writer:short', LOG_LEVEL: 'loud', RATE_LIMIT: 'maybe' })).toThrow(
    /PORT[\s\S]*API_KEYS[\s\S]*LOG_LEVEL[\s\S]*RATE_LIMIT/,
  );
});

test('When a newcomer runs npm start, then the service answers on its port with the reference data, and SIGTERM stops it cleanly', async () => {
  const child = spawn('npm', ['start'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_PATH: path.join(dir, 'sonar.db'), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  // 'close' waits for every process holding the output, the service behind npm included.
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  try {
    // Port 0: the service takes a free port and says which in its "listening" line.
    const url = await untilLogged(() => /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1]);
    await waitFor(`${url}/health`);
    const regions = (await (await fetch(`${url}/v1/regions`)).json()) as { regions: Array<{ gemeenteCount: number }> };

    expect(regions.regions).toHaveLength(35);
  } finally {
    process.kill(-(child.pid as number), 'SIGTERM');
  }
  await exited;
  expect(output).toContain('"msg":"stopped"');
}, 90_000);
