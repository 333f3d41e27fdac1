/**
 * The folders of the throwaway servers that tests and benchmarks start (PostgreSQL, pgbouncer): each is
 * `sonar-<kind>-…` under the temp directory and holds an owner file naming the process that started it and
 * the server's pid file. The owner stops its servers and removes their folders when it exits or is
 * interrupted (SIGINT, SIGTERM, SIGHUP) before its tear-down; what an owner killed outright (SIGKILL) left
 * behind, the next folder made clears: the server stopped, the folder removed.
 */
import { mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { statFields } from './proc-stat';

export const OWNER_FILE = 'throwaway-owner.json';
const PREFIX = 'sonar-';

interface Owner {
  pid: number;
  /** When the owner started (clock ticks since boot, Linux), so that a reused pid is not taken for it. */
  started: string | null;
  /** The server's pid file, relative to the folder. */
  pidFile: string;
  /** The signal on which the server shuts down at once. */
  stopSignal: NodeJS.Signals;
}

/** The start time of a running process, or null where /proc cannot tell (not Linux, or it has ended). */
function startTime(pid: number): string | null {
  try {
    return statFields(pid)[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const ownerAlive = (owner: Owner) => alive(owner.pid) && (owner.started === null || startTime(owner.pid) === owner.started);

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The pid in the server's pid file (its first line); undefined while there is none, or none that is a pid. */
function serverPid(dir: string, pidFile: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(dir, pidFile), 'utf8').split('\n')[0].trim());
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/**
 * Stops the server whose pid file is in `dir`, synchronously: its stop signal, then SIGKILL after 5 s. Only a
 * process whose command line names the folder is signalled, so a pid reused by another process is left alone.
 */
function stopServer(dir: string, owner: Owner): void {
  const pid = serverPid(dir, owner.pidFile);
  if (pid === undefined) return; // never started, or already stopped
  const ours = () => {
    try {
      return alive(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
    } catch {
      return false;
    }
  };
  if (!ours()) return;
  process.kill(pid, owner.stopSignal);
  for (let waited = 0; waited < 5000 && ours(); waited += 20) sleepSync(20);
  if (ours()) process.kill(pid, 'SIGKILL');
}

function readOwner(dir: string): Owner | undefined {
  try {
    return JSON.parse(readFileSync(path.join(dir, OWNER_FILE), 'utf8')) as Owner;
  } catch {
    return undefined; // not one of these folders, or its owner file is not written yet
  }
}

/** Stops the servers and removes the folders whose owners have died. */
export function clearAbandoned(): string[] {
  const cleared: string[] = [];
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(PREFIX)) continue;
    const dir = path.join(tmpdir(), name);
    const owner = readOwner(dir);
    if (!owner || ownerAlive(owner)) continue;
    stopServer(dir, owner);
    rmSync(dir, { recursive: true, force: true });
    cleared.push(dir);
  }
  return cleared;
}

/** This process's folders, each with how to stop its server at once. */
const owned = new Map<string, () => void>();

function removeOwned(): void {
  for (const [dir, stop] of owned) {
    try {
      stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
      owned.delete(dir);
    }
  }
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let installed = false;

function onSignal(signal: NodeJS.Signals): void {
  removeOwned();
  process.off(signal, onSignal);
  // Alone, end as the signal would have; beside other listeners (the benchmark's), they decide.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installHandlers(): void {
  if (installed) return;
  installed = true;
  process.on('exit', removeOwned);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

export interface ThrowawayFolder {
  dir: string;
  /** The server's pid, from its pid file; undefined before it starts and after it stops. */
  serverPid(): number | undefined;
  /** Stops the server at once (its stop signal) and removes the folder; idempotent. */
  remove(): void;
  /** Removes the folder after the caller stopped its server its own way; idempotent. */
  release(): void;
}

/**
 * Makes a folder for a throwaway server of `kind`, owned by this process, after clearing what dead owners
 * left. `pidFile` (relative to the folder) is where the server writes its pid; `stopSignal` ends it at once.
 */
export function throwawayFolder(kind: string, pidFile: string, stopSignal: NodeJS.Signals): ThrowawayFolder {
  clearAbandoned();
  installHandlers();
  const dir = mkdtempSync(path.join(tmpdir(), `${PREFIX}${kind}-`));
  const owner: Owner = { pid: process.pid, started: startTime(process.pid), pidFile, stopSignal };
  // Written whole before it is seen, so that a concurrent clearing never reads half of it.
  writeFileSync(path.join(dir, `${OWNER_FILE}.new`), JSON.stringify(owner));
  renameSync(path.join(dir, `${OWNER_FILE}.new`), path.join(dir, OWNER_FILE));
  const stop = () => stopServer(dir, owner);
  owned.set(dir, stop);
  const release = () => {
    owned.delete(dir);
    rmSync(dir, { recursive: true, force: true });
  };
  return {
    dir,
    serverPid: () => serverPid(dir, pidFile),
    remove: () => {
      try {
        if (owned.has(dir)) stop();
      } finally {
        release();
      }
    },
    release,
  };
}
