/**
 * A throwaway PostgreSQL cluster for the tests: initdb into a temporary folder, started on a free loopback
 * port with its socket in that folder, removed afterwards, also when the process that started it is
 * interrupted or dies (throwaway-servers). PostgreSQL refuses to run as root, so as root it runs as the
 * unprivileged user `postgres` (which Debian's package creates), owning the folder.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { throwawayFolder } from './throwaway-servers';

export interface Cluster {
  dir: string;
  port: number;
  /** A connection URL for one database of the cluster, over TCP on loopback. */
  url(database: string): string;
  /** Stops the server (fast, as a crash would) without removing it, and starts it again. */
  stopServer(): void;
  startServer(): void;
  /** Stops the server and removes the folder; idempotent. */
  remove(): void;
  /** The running server's postmaster, the parent of its other processes. */
  postmasterPid(): number;
}

/** Where initdb and pg_ctl are: on the PATH, or in Debian's versioned folder. */
export function postgresBin(): string | undefined {
  try {
    return path.dirname(execFileSync('bash', ['-c', 'command -v initdb'], { encoding: 'utf8' }).trim());
  } catch {
    const root = '/usr/lib/postgresql';
    if (!existsSync(root)) return undefined;
    const versions = readdirSync(root).filter((v) => existsSync(path.join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
    return versions.length ? path.join(root, versions[0], 'bin') : undefined;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const isRoot = () => process.getuid?.() === 0;

export function uidGid(user: string): [number, number] {
  const id = (flag: string) => Number(execFileSync('id', [flag, user], { encoding: 'utf8' }).trim());
  return [id('-u'), id('-g')];
}

export async function startCluster(): Promise<Cluster> {
  const bin = postgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (initdb not found); scripts/test-prerequisites.sh installs it on Debian.');
  // SIGQUIT: PostgreSQL's immediate shutdown, as `pg_ctl stop -m immediate` sends it.
  const folder = throwawayFolder('pg', path.join('data', 'postmaster.pid'), 'SIGQUIT');
  const dir = folder.dir;
  const data = path.join(dir, 'data');
  const run = (tool: string, args: string[]) => {
    const command = path.join(bin, tool);
    if (isRoot()) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe', cwd: dir });
    else execFileSync(command, args, { stdio: 'pipe', cwd: dir });
  };
  if (isRoot()) {
    const [uid, gid] = uidGid('postgres');
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const cluster: Cluster = {
    dir,
    port,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    startServer: () => {
      // fsync off makes each test database cheap and still survives the server being killed (not the machine).
      const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=300`;
      run('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    },
    stopServer: () => {
      run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    },
    remove: () => folder.remove(),
    postmasterPid: () => {
      const pid = folder.serverPid();
      if (pid === undefined) throw new Error('The PostgreSQL server is not running');
      return pid;
    },
  };
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    cluster.startServer();
  } catch (error) {
    cluster.remove();
    throw error;
  }
  return cluster;
}
