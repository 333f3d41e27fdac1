import { randomUUID } from 'node:crypto';
import { Client, type ClientConfig, type PoolConfig, type QueryConfig } from 'pg';
import { extended } from '../../domain/extended';

/**
 * How DATABASE_URL reaches PostgreSQL. `session`: directly, or through a pooler that gives each client one
 * server connection for its whole session (pgbouncer's pool_mode = session). `transaction`: through a
 * pooler that hands out a server connection per transaction (pgbouncer's pool_mode = transaction, as
 * managed PostgreSQL often offers).
 */
export type PoolMode = 'session' | 'transaction';

/** Server-side bounds on every connection of the store's pool. */
export interface ConnectionLimits {
  statementTimeoutMs: number;
  idleInTransactionMs: number;
}

/**
 * The pool's options for a pool mode. Poolers refuse the limits as startup parameters (pgbouncer:
 * "unsupported startup parameter"), so they are set by statement: in session mode once per connection,
 * right after connecting (the connection keeps its server connection); in transaction mode by every
 * transaction for itself, and statements go unnamed (see below).
 */
export function poolOptions(mode: PoolMode, limits: ConnectionLimits): Partial<PoolConfig> {
  if (mode === 'session') {
    const set = `SET statement_timeout = ${ms(limits.statementTimeoutMs)}; SET idle_in_transaction_session_timeout = ${ms(limits.idleInTransactionMs)}`;
    // Awaited by the pool: a connection is handed out only once it is bounded.
    return { onConnect: (client) => client.query(set) };
  }
  return { Client: transactionPooledClient(limits) };
}

/** A limit as SET takes it: whole milliseconds. */
const ms = (value: number) => Math.trunc(value);

/**
 * A client for a transaction pooler. A named statement is prepared on the server connection that served it
 * and is missing (or already there) on the next one, so names are dropped: the same SQL goes through the
 * extended protocol unnamed, parsed each time. A `BEGIN`, alone or leading a simple query (a write's BEGIN
 * takes its lock in the same round trip), carries the limits as SET LOCAL before anything else, so that
 * they bound that too; they end with the transaction and so never leak to the next client of that server
 * connection.
 */
function transactionPooledClient(limits: ConnectionLimits): typeof Client {
  const begin = `BEGIN; SET LOCAL statement_timeout = ${ms(limits.statementTimeoutMs)};`
    + ` SET LOCAL idle_in_transaction_session_timeout = ${ms(limits.idleInTransactionMs)}`;
  class TransactionPooledClient extends Client {
    // pg's query has many overloads (promise, callback, submittable): only the first argument changes, and
    // `never` fits every overload's result.
    override query(...args: unknown[]): never {
      return (Client.prototype.query as (...given: unknown[]) => never).apply(this, [unnamed(args[0], begin), ...args.slice(1)]);
    }
  }
  return TransactionPooledClient;
}

const LEADING_BEGIN = /^\s*BEGIN\s*(;|$)/i;

function unnamed(config: unknown, begin: string): unknown {
  if (typeof config === 'string') {
    if (!LEADING_BEGIN.test(config)) return config;
    const rest = config.replace(LEADING_BEGIN, '').trim();
    return rest === '' ? begin : `${begin}; ${rest}`;
  }
  if (config === null || typeof config !== 'object' || 'submit' in config || !('name' in config)) return config;
  const { name: _name, ...rest } = config as QueryConfig;
  return extended(rest, { queryMode: 'extended' });
}

/**
 * Whether connections to one URL share server sessions, as they do only behind a pooler in transaction
 * mode: a setting one connection makes for its session, a later one then sees. (Directly, the session ends
 * with its connection; a session pooler resets the server connection before handing it on.) Run idle at
 * start-up, pgbouncer hands the second connection the server connection the first just used, so it is
 * caught; it may be missed when the pooler is busy, never found where there is none. Unreachable: false,
 * and opening the store says why.
 */
export async function sharesServerSessions(config: ClientConfig): Promise<boolean> {
  const probe = randomUUID();
  const once = async <T>(body: (client: Client) => Promise<T>): Promise<T> => {
    const client = new Client(config);
    client.on('error', () => undefined);
    try {
      await client.connect();
      return await body(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  try {
    // One after the other, so that a session pooler with a single server connection still serves both.
    await once((client) => client.query("SELECT set_config('sonar.session_probe', $1, false)", [probe]));
    // Read and cleared in one statement, so that a shared server connection keeps nothing of the probe.
    const { rows } = await once((client) => client.query<{ seen: string | null }>(
      "SELECT current_setting('sonar.session_probe', true) AS seen, set_config('sonar.session_probe', '', false)"));
    return rows[0].seen === probe;
  } catch {
    return false;
  }
}
