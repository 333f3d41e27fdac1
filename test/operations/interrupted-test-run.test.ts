/**
 * An interrupted test run (Ctrl-C, a killed jest) leaves no PostgreSQL cluster or pgbouncer running: the
 * process that started them stops them on SIGINT and SIGTERM, and what a process killed outright left behind
 * is cleared by the next start. The servers are started by the real support modules in child processes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { Child, startChild, stopChildren } from '../support/child-processes';
import { startCluster } from '../support/postgres-cluster';
import { clearAbandoned } from '../support/throwaway-servers';

const SUPPORT = path.join(__dirname, '..', 'support');
const MODULES = ['throwaway-servers', 'proc-stat', 'postgres-cluster', 'pgbouncer'];

/** Whether a process's command line names `dir`; false once it has ended. */
function names(pid: string, dir: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
  } catch {
    return false; // ended meanwhile
  }
}

function parentOf(pid: string): string | undefined {
  try {
    return /^PPid:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * The pids of the servers started in `dir`: the processes whose command line names it, less those whose parent
 * does too. PostgreSQL forks its workers and backends now and then, and a child carries its parent's command
 * line until it sets its own title: counting it would count one server twice.
 */
function processesIn(dir: string): number[] {
  const naming = readdirSync('/proc').filter((name) => /^\d+$/.test(name) && names(name, dir));
  return naming.filter((pid) => {
    const parent = parentOf(pid);
    return !(parent !== undefined && naming.includes(parent));
  }).map(Number);
}

interface Started {
  child: Child;
  dirs: string[];
}

let scripts: string;

/** A child process that starts a cluster (and pgbouncer in front of it) with the support modules, then waits. */
async function startOwner(withPgbouncer: boolean): Promise<Started> {
  const child = startChild(path.join(scripts, 'owner.js'), withPgbouncer ? ['with-pgbouncer'] : []);
  const line = await child.line((l) => l.startsWith('{'), 60_000);
  const { dirs } = JSON.parse(line) as { dirs: string[] };
  for (const dir of dirs) expect(processesIn(dir)).toHaveLength(1);
  return { child, dirs };
}

beforeAll(() => {
  // The support modules as the child runs them: transpiled by TypeScript's public API, nothing else changed.
  scripts = mkdtempSync(path.join(tmpdir(), 'interrupted-run-'));
  for (const name of MODULES) {
    const source = readFileSync(path.join(SUPPORT, `${name}.ts`), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
    });
    writeFileSync(path.join(scripts, `${name}.js`), outputText);
  }
  writeFileSync(path.join(scripts, 'owner.js'), `
    const { startCluster } = require('./postgres-cluster');
    const { startPgbouncer } = require('./pgbouncer');
    (async () => {
      const cluster = await startCluster();
      const dirs = [cluster.dir];
      if (process.argv[2] === 'with-pgbouncer') dirs.push((await startPgbouncer(cluster.port)).dir);
      console.log(JSON.stringify({ dirs }));
      setInterval(() => {}, 1000);
    })().catch((error) => { console.error(error); process.exit(1); });
  `);
});

afterAll(() => {
  stopChildren();
  clearAbandoned();
  rmSync(scripts, { recursive: true, force: true });
});

describe('Throwaway PostgreSQL servers of an interrupted test run', () => {
  test.each(['SIGINT', 'SIGTERM'] as const)('When the process that started a cluster and a pgbouncer gets %s, then both servers stop, their folders are gone and it ends by the signal', async (signal) => {
    const { child, dirs } = await startOwner(true);

    child.process.kill(signal);
    const { signal: ended } = await child.closed;

    expect(ended).toBe(signal);
    for (const dir of dirs) {
      expect(processesIn(dir)).toEqual([]);
      expect(existsSync(dir)).toBe(false);
    }
  }, 120_000);

  test('When a process that started servers was killed outright, then the next start stops them and removes their folders, and leaves a living owner\'s alone', async () => {
    const killed = await startOwner(true);
    const living = await startOwner(false);
    killed.child.process.kill('SIGKILL');
    await killed.child.closed;
    // Nothing ran in the killed process: its servers still run, its folders are still there.
    for (const dir of killed.dirs) {
      expect(processesIn(dir)).toHaveLength(1);
      expect(existsSync(dir)).toBe(true);
    }

    const next = await startCluster();
    try {
      for (const dir of killed.dirs) {
        expect(processesIn(dir)).toEqual([]);
        expect(existsSync(dir)).toBe(false);
      }
      expect(processesIn(living.dirs[0])).toHaveLength(1);
      expect(existsSync(living.dirs[0])).toBe(true);
    } finally {
      next.remove();
    }
    living.child.process.kill('SIGTERM');
    expect((await living.child.closed).signal).toBe('SIGTERM');
    expect(processesIn(living.dirs[0])).toEqual([]);
    expect(existsSync(living.dirs[0])).toBe(false);
  }, 180_000);
});
