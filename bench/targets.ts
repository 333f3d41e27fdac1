/**
 * The processes a benchmark loads: the built service (`node dist/src/server.js`, production mode) and the
 * bare express / bare node:http baselines, each in its own child process so that none shares an event
 * loop with the load generator. Every child and temporary folder is registered here and removed on exit,
 * on errors and on Ctrl-C.
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../src/paths';
import type { Cluster } from '../test/support/postgres-cluster';
import { loadBenchYears } from './years';

export const API_KEY_NAME = 'bench';
export const API_KEY = 'bench-secret-0123456789abcdef';

const children = new Set<ChildProcess>();
const folders = new Set<string>();
const undoers: Array<() => void> = [];

/** Something else to undo whichever way the benchmark ends (after the children are killed and the folders removed). */
export function onCleanUp(undo: () => void): void {
  undoers.push(undo);
}

function cleanUp(): void {
  for (const child of children) {
    stopping.add(child);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  folders.clear();
  for (const undo of undoers.splice(0)) {
    try {
      undo();
    } catch (error) {
      process.stderr.write(`clean-up failed: ${error instanceof Error ? error.message : String(error)}\n`);
    }
  }
}

let installed = false;
/** Kill the children and remove the temp folders whichever way the benchmark ends. */
export function installCleanUp(): void {
  if (installed) return;
  installed = true;
  process.on('exit', cleanUp);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping the benchmark\n`);
      cleanUp();
      process.exit(130);
    });
  }
}

export function tempDir(prefix = 'sonar-bench-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  folders.add(dir);
  return dir;
}

/** A port that was free a moment ago (the service needs it in its environment before it starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface Target {
  name: string;
  url: string;
  pid: number;
  /** Ends the process (SIGTERM, then SIGKILL after `graceMs`) and resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const stopping = new WeakSet<ChildProcess>();

/** Says so on stderr when a child ends that the benchmark did not stop: its figures would be void. */
function watch(child: ChildProcess, name: string, stderrTail: () => string = () => ''): void {
  child.once('exit', (code, signal) => {
    if (!stopping.has(child)) process.stderr.write(`!! ${name} (pid ${child.pid}) exited unexpectedly: ${signal ?? `code ${code}`}\n${stderrTail()}\n`);
  });
}

function stopper(child: ChildProcess): (graceMs?: number) => Promise<void> {
  return (graceMs = 5000) =>
    new Promise<void>((resolve) => {
      stopping.add(child);
      if (child.exitCode !== null || child.signalCode !== null) {
        children.delete(child);
        return resolve();
      }
      const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
      child.once('exit', () => {
        clearTimeout(force);
        children.delete(child);
        resolve();
      });
      child.kill('SIGTERM');
    });
}

export interface ServiceOptions {
  name: string;
  /** Folder for the database file (and the CPU profile when profiling). */
  dir: string;
  /** The checkout whose build (`dist/src/server.js`) is started: this one unless given (compare.ts starts another). */
  root?: string;
  /** Extra node flags, e.g. `--cpu-prof`. */
  nodeArgs?: string[];
  env?: Record<string, string>;
}

/**
 * The built service as production runs it: NODE_ENV=production, LOG_LEVEL=info with its stdout (one JSON
 * line per request) sent to /dev/null, so the cost of logging stays in; rate limiting off (on, but never
 * refusing, with BENCH_RATE_LIMITED=1).
 */
export async function startService(options: ServiceOptions): Promise<Target> {
  const port = await freePort();
  // The service checks every period in its year's classification (bench/years.ts).
  await loadBenchYears({ DATABASE_PATH: path.join(options.dir, 'sonar.db'), ...options.env }, options.root ?? PROJECT_ROOT);
  const server = path.join(options.root ?? PROJECT_ROOT, 'dist', 'src', 'server.js');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), server], {
    cwd: options.dir,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_PATH: path.join(options.dir, 'sonar.db'),
      API_KEYS: `${API_KEY_NAME}:${API_KEY}`,
      LOG_LEVEL: 'info',
      RATE_LIMIT: 'false',
      // The default deployment's rate limits, set too high to refuse anything: what counting each request costs.
      ...(process.env.BENCH_RATE_LIMITED === '1' ? { RATE_LIMIT: 'true', RATE_LIMIT_READS: '1000000000', RATE_LIMIT_WRITES: '1000000000' } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.add(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  watch(child, options.name, () => stderr);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} exited while starting (${child.exitCode ?? child.signalCode}):\n${stderr}`);
    }
    try {
      const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${options.name} did not answer /health within 30 s:\n${stderr}`);
    await sleep(50);
  }
  return { name: options.name, url, pid: child.pid as number, stop: stopper(child) };
}

export type BareKind = 'express' | 'http';

/** The body `target` answers `path` with, which must be a 200. */
export async function bodyOf(target: Target, path: string): Promise<Buffer> {
  const res = await fetch(`${target.url}${path}`, { signal: AbortSignal.timeout(10_000) });
  const body = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`${target.name} ${path} answered ${res.status}: ${body.toString().slice(0, 300)}`);
  return body;
}

/**
 * A bare express 5 or node:http server answering each of the given paths with exactly the given bytes
 * as application/json (see bare-server.ts), checked before it is returned: a comparison with it holds
 * only if it serves what the service does. Stopped when it does not.
 */
export async function startBare(kind: BareKind, bodies: Map<string, Buffer>, options: ForkOptions = {}): Promise<Target> {
  const bare = await startForked('bare-server.js', [kind], kind === 'express' ? 'bare express' : 'bare node:http', bodies, options);
  try {
    for (const [p, body] of bodies) if (!(await bodyOf(bare, p)).equals(body)) throw new Error(`${bare.name} does not serve the bytes of ${p}`);
  } catch (error) {
    await bare.stop();
    throw error;
  }
  return bare;
}

export interface ForkOptions {
  nodeArgs?: string[];
  env?: Record<string, string>;
}

/**
 * Forks one of the bench's own servers (`dist/bench/<script>`), hands it the bodies to serve in a file and
 * waits for the port it sends back over IPC. Its stdout goes to /dev/null.
 */
export async function startForked(script: string, args: string[], name: string, bodies: Map<string, Buffer>, options: ForkOptions = {}): Promise<Target> {
  const dir = tempDir('sonar-bench-bare-');
  const file = path.join(dir, 'bodies.json');
  writeFileSync(file, JSON.stringify(Object.fromEntries([...bodies].map(([p, body]) => [p, body.toString('base64')]))));
  const child = fork(path.join(__dirname, script), [...args, file], {
    execArgv: options.nodeArgs ?? [],
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...options.env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  children.add(child);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start within 15 s`)), 15_000);
    child.once('message', (message) => {
      clearTimeout(timer);
      resolve((message as { port: number }).port);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited while starting (${code})`));
    });
  });
  child.disconnect();
  watch(child, name);
  return { name, url: `http://127.0.0.1:${port}`, pid: child.pid as number, stop: stopper(child) };
}

export interface Memory {
  /** Resident set size now, in bytes. */
  rss: number;
  /** Peak resident set size (VmHWM) since start or since the last `resetPeak`, in bytes. */
  peak: number;
}

/** Reads VmRSS and VmHWM from /proc/<pid>/status (Linux only). */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

/** Resets VmHWM to the current RSS (writing 5 to clear_refs, Linux ≥ 4.0); false when not allowed. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Creates empty databases in a throwaway cluster, for the services a benchmark starts on it. */
export async function createDatabases(cluster: Cluster, names: readonly string[]): Promise<void> {
  const admin = new Client({ connectionString: cluster.url('postgres') });
  await admin.connect();
  try {
    for (const name of names) await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
}
