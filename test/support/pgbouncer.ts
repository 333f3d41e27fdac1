/**
 * A throwaway pgbouncer in front of the run's PostgreSQL cluster, as managed PostgreSQL often offers it:
 * pool_mode = transaction (or session), on a free loopback port, every database of the cluster reachable
 * by name, no password (auth_type = trust, loopback only), its socket, log and pid file in a temporary
 * folder removed afterwards, also when the process that started it is interrupted or dies
 * (throwaway-servers). As root it runs as the unprivileged user `postgres`, as the cluster does.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { freePort, isRoot, uidGid } from './postgres-cluster';
import { throwawayFolder } from './throwaway-servers';

export interface Pgbouncer {
  /** Its folder: configuration, log, socket and pid file. */
  dir: string;
  port: number;
  /** A connection URL for one database of the cluster, through pgbouncer. */
  url(database: string): string;
  /** What pgbouncer logged, to explain a failure. */
  log(): string;
  /** Stops pgbouncer and removes its folder; idempotent. */
  stop(): Promise<void>;
}

/** pgbouncer's binary: on the PATH, or where Debian puts it (/usr/sbin is not on every user's PATH). */
function pgbouncerBin(): string {
  try {
    return execFileSync('bash', ['-c', 'command -v pgbouncer'], { encoding: 'utf8' }).trim();
  } catch {
    if (existsSync('/usr/sbin/pgbouncer')) return '/usr/sbin/pgbouncer';
    throw new Error('pgbouncer is not installed; scripts/test-prerequisites.sh installs it on Debian.');
  }
}

const accepts = (port: number) => new Promise<boolean>((resolve) => {
  const socket = connect(port, '127.0.0.1');
  socket.once('connect', () => { socket.destroy(); resolve(true); });
  socket.once('error', () => resolve(false));
});

/** Starts pgbouncer in front of the PostgreSQL server on `serverPort` (loopback), in transaction mode unless told. */
export async function startPgbouncer(serverPort: number, poolMode: 'transaction' | 'session' = 'transaction'): Promise<Pgbouncer> {
  const bin = pgbouncerBin();
  // SIGTERM: pgbouncer's immediate shutdown (1.18).
  const folder = throwawayFolder('pgbouncer', 'pgbouncer.pid', 'SIGTERM');
  const dir = folder.dir;
  const port = await freePort();
  const file = (name: string) => path.join(dir, name);
  writeFileSync(file('users.txt'), '"postgres" ""\n');
  writeFileSync(file('pgbouncer.ini'), [
    '[databases]',
    `* = host=127.0.0.1 port=${serverPort}`,
    '[pgbouncer]',
    'listen_addr = 127.0.0.1',
    `listen_port = ${port}`,
    `unix_socket_dir = ${dir}`,
    'auth_type = trust',
    `auth_file = ${file('users.txt')}`,
    `pool_mode = ${poolMode}`,
    // Fewer server connections than the instances' pools hold clients, so that transactions share them.
    'default_pool_size = 10',
    'max_client_conn = 500',
    `logfile = ${file('pgbouncer.log')}`,
    `pidfile = ${file('pgbouncer.pid')}`,
    '',
  ].join('\n'));
  if (isRoot()) {
    const [uid, gid] = uidGid('postgres');
    for (const name of ['', 'users.txt', 'pgbouncer.ini']) chownSync(file(name), uid, gid);
  }
  const log = () => (existsSync(file('pgbouncer.log')) ? readFileSync(file('pgbouncer.log'), 'utf8') : '');
  const stop = async () => folder.remove();
  try {
    // -d: pgbouncer runs in the background and writes its pid file, by which it is stopped.
    const args = ['-d', file('pgbouncer.ini')];
    if (isRoot()) execFileSync('runuser', ['-u', 'postgres', '--', bin, ...args], { stdio: 'pipe', cwd: dir });
    else execFileSync(bin, args, { stdio: 'pipe', cwd: dir });
    for (let i = 0; i < 500; i++) {
      if (existsSync(file('pgbouncer.pid')) && (await accepts(port))) {
        return { dir, port, url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`, log, stop };
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  } catch (error) {
    folder.remove();
    throw error;
  }
  const logged = log();
  folder.remove();
  throw new Error(`pgbouncer did not accept connections on port ${port} within 5 s; its log:\n${logged}`);
}
