import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export const PROJECT_ROOT = path.join(__dirname, '..', '..');

function newestSource(file: string): number {
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(file)
    .filter((name) => name !== 'generated')
    .reduce((max, name) => Math.max(max, newestSource(path.join(file, name))), stat.mtimeMs);
}

/**
 * Child processes run the BUILT service from dist/ (there is no ts-node). `npm test` builds before jest;
 * a missing or stale dist/ fails the test with a clear message instead of testing old code.
 */
export function expectFreshBuild(): void {
  const built = path.join(PROJECT_ROOT, 'dist', 'src', 'server.js');
  if (!existsSync(built)) {
    throw new Error(`${built} is missing: this test runs the built service in child processes. Run \`npm test\` (or \`npm run build\` before jest).`);
  }
  const source = newestSource(path.join(PROJECT_ROOT, 'src'));
  if (statSync(built).mtimeMs < source) {
    throw new Error('dist/ is older than src/: this test runs the built service in child processes. Run `npm test` (or `npm run build` before jest).');
  }
}

export interface Child {
  process: ChildProcessWithoutNullStreams;
  /** Every complete line the child wrote on stdout so far. */
  lines: string[];
  stderr(): string;
  /** Resolves with the first line (already written or still to come) that matches; rejects after `timeoutMs` or when the child ends. */
  line(matches: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  /** Resolves once the child has exited and its stdout is read to the end. */
  closed: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<ChildProcessWithoutNullStreams>();

/** Kills (by pid) every child this test file started that is still running: for afterAll, after a failure. */
export function stopChildren(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

/** Starts `node <script> ...args` from the project root with piped stdio, collecting stdout by line; `env` adds to this process's. */
export function startChild(script: string, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, [script, ...args], { cwd: PROJECT_ROOT, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  running.add(child);
  child.on('exit', () => running.delete(child));
  const lines: string[] = [];
  let partial = '';
  let errors = '';
  const waiters = new Set<() => void>();
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    errors += chunk;
  });
  const closed = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('close', (code, signal) => {
      for (const wake of waiters) wake();
      resolve({ code, signal });
    });
  });
  let ended = false;
  void closed.then(() => {
    ended = true;
    for (const wake of waiters) wake();
  });

  const line = (matches: (line: string) => boolean, timeoutMs = 10_000) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const found = lines.find(matches);
        if (found !== undefined) return done(() => resolve(found));
        if (ended) return done(() => reject(new Error(`the child ended before the expected line; stdout: ${lines.join(' | ')}; stderr: ${errors}`)));
      };
      const timer = setTimeout(() => done(() => reject(new Error(`no expected line within ${timeoutMs} ms; stdout: ${lines.join(' | ')}; stderr: ${errors}`))), timeoutMs);
      const done = (settle: () => void) => {
        clearTimeout(timer);
        waiters.delete(check);
        settle();
      };
      waiters.add(check);
      check();
    });

  return { process: child, lines, stderr: () => errors, line, closed };
}
