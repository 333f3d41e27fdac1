import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, type PostgresPool, sql } from 'kysely';
import { Pool, type PoolClient, type PoolConfig, type QueryResult } from 'pg';
import type { Logger } from 'pino';
import { DomainError } from '../../domain/errors';
import { extended } from '../../domain/extended';
import type { NewUpload } from '../../domain/ports';
import { DB_DIR } from '../../paths';
import type { Touched } from '../../domain/staleness';
import { type Engine, type EngineStaging, STAGING_BATCH_ROWS, type StagedUpload, type WriteOutcome } from '../engine';
import { FiguresDatabase } from '../figures-store';
import { migrate, transactionOn } from '../migrations/migrator';
import { type Executor, oneByOne, type Outcome, prepare, type Statement } from '../prepared';
import { inlined } from './inlined';
import type { Schema } from '../schema';
import { unavailable } from '../unavailable';
import { ChangeListener, FIGURES_CHANNEL, notifiedScope } from './change-listener';
import { PoolMode, poolOptions } from './pool-mode';
import { isUnreachable } from './unavailable';

export interface PostgresOptions {
  /** Where db/reference is. */
  dbDir?: string;
  logger?: Logger;
  /** How often the version is compared, as heartbeat and as fallback for a lost notification. */
  versionCheckMs?: number;
  /** How long a version the check found ahead is given for its notification (change-listener.ts; tests lengthen it). */
  notificationGraceMs?: number;
  /** Connections in the pool. */
  maxConnections?: number;
  /** How the URL reaches PostgreSQL (pool-mode.ts); `transaction`: statements unnamed, limits per transaction, no LISTEN. */
  poolMode?: PoolMode;
  /** How often each instance clears what imports of killed instances left staged. */
  staleStagingSweepMs?: number;
}

/** Defaults chosen so that an outage answers within seconds instead of hanging a request. */
const CONNECT_TIMEOUT_MS = 2000;
const STATEMENT_TIMEOUT_MS = 30_000;
/**
 * How long a pooled connection may stay idle before it is closed. pg closes one after 10 s by default, and under
 * bursts of writes (a publication day) the pool then opened a server connection about once a second (19 in
 * 20 s of reads and writes as the mixed benchmark makes them, two instances): each paid a connect, its SETs and the server's cold caches
 * while every read waiting for the derivation it was opened for waited too. A minute keeps them through such
 * bursts and stays below what NAT and cloud load balancers allow an idle connection (about 4 minutes and up).
 */
const IDLE_CONNECTION_MS = 60_000;
export const DEFAULT_VERSION_CHECK_MS = 1000;
/**
 * Staged rows older than this were left by an instance killed mid-import: no request lasts that long (node
 * ends a request after 5 minutes), so no import still running can lose a batch to the sweep.
 */
const STALE_STAGING = '1 hour';
const STALE_STAGING_SWEEP_MS = 10 * 60 * 1000;

/** One key for every instance of the service: whoever holds it migrates; the others wait, then find it done. */
const MIGRATION_LOCK = 0x50_4e_41_52;

/**
 * How a write begins: with the lock on the version row that makes writes of every instance take turns, in
 * the same round trip (a simple query of two statements), since every round trip inside the lock waits for
 * an event loop that is also serving reads. The version it reads is the one the write raises; its SELECT
 * stays last (a transaction pooler's SET LOCALs go after the BEGIN, pool-mode.ts).
 */
const BEGIN_LOCKED = 'BEGIN; SELECT version::text AS version FROM figures_version FOR UPDATE';
/** A transaction that need not wait for the disk at COMMIT (deliveries' claims and outcomes). */
const BEGIN_NOT_DURABLE = 'BEGIN; SET LOCAL synchronous_commit TO off';

/**
 * The pool as Kysely uses it, with every statement that has parameters named after its text, so that each
 * connection parses and plans it once. Behind a transaction pooler the client drops the names (pool-mode.ts).
 */
const names = new Map<string, string>();
const nameOf = (text: string) => {
  let name = names.get(text);
  if (!name) {
    name = `s${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
};

/** A statement as pg runs it: named after its text when it has parameters, so that each connection prepares it once. */
const statement = (text: string, values: readonly unknown[]) => (values.length === 0 ? text : { name: nameOf(text), text, values: [...values] });

/** Runs a statement on a pool (on any connection) or on one checked-out client. */
const queryOn = (target: Pool | PoolClient): Executor['query'] => async <R>(text: string, values: readonly unknown[]) => {
  const result = await target.query(statement(text, values) as string);
  return { rows: result.rows as R[], affected: result.rowCount ?? 0 };
};

/**
 * A transaction on one checked-out client: a batch of several statements goes as one simple query, its
 * arguments written in (inlined.ts), so in one round trip, and so do its closing statements with the
 * COMMIT; a statement alone is sent named, with parameters, as everywhere else.
 */
class OpenTransaction implements Executor {
  readonly query: Executor['query'];

  constructor(private readonly client: PoolClient) {
    this.query = queryOn(client);
  }

  batch = (async (statements: ReadonlyArray<Statement<unknown>>) => (statements.length === 1
    ? [await this.query(statements[0].sql, statements[0].parameters)]
    : this.simple(statements.map(inlined)))) as Executor['batch'];

  /** Statements without arguments (BEGIN, COMMIT) and the statements given, in order, in one round trip; their outcomes. */
  async simple(texts: readonly string[]): Promise<Array<Outcome<Record<string, unknown>>>> {
    if (texts.length === 0) return [];
    const results = await this.client.query(texts.join(';\n'));
    return (Array.isArray(results) ? results : [results]).map((r: QueryResult) => ({ rows: r.rows as Array<Record<string, unknown>>, affected: r.rowCount ?? 0 }));
  }
}

function namingStatements(pool: Pool): PostgresPool {
  return {
    connect: async () => {
      const client = await pool.connect();
      return {
        query: ((text: string, values: readonly unknown[]) => client.query(statement(text, values) as string)) as never,
        release: (destroy?: boolean) => client.release(destroy),
      };
    },
    end: () => pool.end(),
  };
}

/**
 * The engine on PostgreSQL, for several instances sharing one database. Every write is one transaction
 * that first locks the single version row, so that writes from all instances take turns (the last to
 * commit is current; every upload stays in the history), and ends by raising that version and notifying
 * it, which is how the other instances learn of the commit.
 */
export class PostgresEngine implements Engine {
  readonly dialect = 'postgres';
  readonly db: Kysely<Schema>;
  readonly reads: Executor;
  private closed = false;
  private readonly sweep: NodeJS.Timeout;
  private readonly q;

  private constructor(private readonly pool: Pool, private readonly listener: ChangeListener, sweepMs: number, logger?: Logger) {
    this.db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool: namingStatements(pool) }) });
    this.reads = oneByOne(queryOn(pool));
    this.q = {
      /** A batch of staged uploads and all their rows in one statement; the first batch draws the import's id. */
      stage: prepare(this.db, (_d, a: StagedColumns) => sql<{ id: string }>`with import as (select coalesce(${a.importId}::bigint, nextval('staged_imports')) as id),
        staged as (
          insert into staged_uploads (import_id, seq, region_code, period, register_total, uploaded_by, source, region_label)
          select import.id, s.* from import, unnest(${a.seqs}::int[], ${a.regionCodes}::text[], ${a.periods}::text[], ${a.registerTotals}::int[],
            ${a.uploadedBy}::text[], ${a.sources}::text[], ${a.regionLabels}::text[]) as s),
        figures as (
          insert into staged_figures (import_id, seq, gemeente_code, gw, gwo, uw, uwo, printed_name, position)
          select import.id, f.* from import, unnest(${a.rowSeqs}::int[], ${a.codes}::text[], ${a.gw}::int[], ${a.gwo}::int[],
            ${a.uw}::int[], ${a.uwo}::int[], ${a.printedNames}::text[], ${a.positions}::int[]) as f)
        select id::text as id from import`),
      /**
       * An import that never left memory, written into the figures in one statement inside the write: ids
       * after the largest so far in the order added, each upload's sums, the last of each region and period
       * current; its uploads come back as a commit of staged ones reads them.
       */
      commitHeld: prepare(this.db, (_d, a: StagedColumns & { at: string }) => sql<StagedUpload>`with ids as (select coalesce(max(id), 0) as base from uploads),
        u as (select * from unnest(${a.seqs}::int[], ${a.regionCodes}::text[], ${a.periods}::text[], ${a.registerTotals}::int[],
            ${a.uploadedBy}::text[], ${a.sources}::text[], ${a.regionLabels}::text[])
          as u(seq, region_code, period, register_total, uploaded_by, source, region_label)),
        f as (select * from unnest(${a.rowSeqs}::int[], ${a.codes}::text[], ${a.gw}::int[], ${a.gwo}::int[],
            ${a.uw}::int[], ${a.uwo}::int[], ${a.printedNames}::text[], ${a.positions}::int[])
          as f(seq, gemeente_code, gw, gwo, uw, uwo, printed_name, position)),
        sums as (select u.seq, count(f.seq) as n, coalesce(sum(f.gw), 0) as gw, coalesce(sum(f.gwo), 0) as gwo,
            coalesce(sum(f.uw), 0) as uw, coalesce(sum(f.uwo), 0) as uwo
          from u left join f on f.seq = u.seq group by u.seq),
        uploads_in as (insert into uploads (id, region_code, period, register_total, uploaded_by, uploaded_at, source, region_label)
          select base + seq, region_code, period, register_total, uploaded_by, ${a.at}::text, source, region_label from ids, u),
        figures_in as (insert into upload_figures (upload_id, gemeente_code, gemeente_with_profile, gemeente_without_profile,
            uwv_with_profile, uwv_without_profile, printed_name, position)
          select base + seq, gemeente_code, gw, gwo, uw, uwo, printed_name, position from ids, f),
        sums_in as (insert into upload_sums (upload_id, gemeente_with_profile, gemeente_without_profile, uwv_with_profile, uwv_without_profile)
          select base + seq, gw, gwo, uw, uwo from ids, sums),
        current_in as (insert into current_uploads (region_code, period, upload_id)
          select region_code, period, max(base + seq) from ids, u group by region_code, period
          on conflict (region_code, period) do update set upload_id = excluded.upload_id)
        select u.seq, u.region_code, u.period, u.register_total, u.uploaded_by, u.source, cast(sums.n as integer) as gemeente_count, ids.base
        from ids, u join sums on sums.seq = u.seq order by u.seq`),
      forgetStale: prepare(this.db, () => sql`with stale as (
          delete from staged_uploads where staged_at < now() - interval '${sql.raw(STALE_STAGING)}' returning import_id)
        delete from staged_figures where import_id in (select import_id from stale)`),
      raiseVersion: prepare(this.db, (_d, a: { touched: string }) => sql<{ version: string }>`with raised as (update figures_version set version = version + 1 returning version)
        select version::text as version, pg_notify(${sql.lit(FIGURES_CHANNEL)}, version::text || ${a.touched}::text) from raised`),
    };
    // Not only at start-up: an instance may run for months while another was killed mid-import.
    this.sweep = setInterval(() => {
      this.q.forgetStale.run(this.reads, {}).catch((error: Error) => logger?.warn({ err: error.message }, 'Could not clear the staged rows of abandoned imports'));
    }, sweepMs).unref();
  }

  /** Connects, migrates (under an advisory lock), loads reference data once, and starts listening for changes. */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresEngine> {
    const connection: PoolConfig = { connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true };
    const pool = new Pool(extended(connection, {
      max: options.maxConnections ?? 10,
      idleTimeoutMillis: IDLE_CONNECTION_MS,
      query_timeout: STATEMENT_TIMEOUT_MS + 5000,
      ...poolOptions(options.poolMode ?? 'session', { statementTimeoutMs: STATEMENT_TIMEOUT_MS, idleInTransactionMs: STATEMENT_TIMEOUT_MS }),
    } satisfies PoolConfig));
    // An idle connection the server closed (a restart) must not crash the process; the pool drops it.
    pool.on('error', (error) => options.logger?.warn({ err: error.message }, 'An idle database connection failed'));
    // A connection lost while checked out fails its query (answered as unavailable) and also emits 'error'.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const listener = new ChangeListener(connection, options.versionCheckMs ?? DEFAULT_VERSION_CHECK_MS, options.logger, options.poolMode !== 'transaction', options.notificationGraceMs);
    const engine = new PostgresEngine(pool, listener, options.staleStagingSweepMs ?? STALE_STAGING_SWEEP_MS, options.logger);
    try {
      await migrate(engine.exclusively, 'postgres', options.dbDir ?? DB_DIR);
      await engine.q.forgetStale.run(engine.reads, {});
      await listener.start();
    } catch (error) {
      await engine.close().catch(() => undefined);
      throw error;
    }
    return engine;
  }

  /**
   * A transaction-level advisory lock, not a session one: behind a transaction pooler the statements of one
   * session run on different server connections, so an unlock would miss its lock.
   */
  readonly exclusively = <T>(body: (db: Kysely<Schema>) => Promise<T>): Promise<T> => transactionOn(this.db, 'begin', async (db) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(db);
    return body(db);
  }, isUnreachable);

  write<T>(body: (db: Executor) => Promise<WriteOutcome<T>>): Promise<T> {
    let ownVersion: string | undefined;
    return this.inTransaction(async (tx, opened) => {
      const { result, changed, touched, closing = [] } = await body(tx);
      if (!changed) return { result, closing };
      // The version row is locked by this write (the opening's last statement read it), so the version it
      // raises to is the next.
      ownVersion = (BigInt(String(opened.at(-1)?.rows[0]?.version)) + 1n).toString();
      this.listener.committing(ownVersion);
      return { result, closing: [...closing, this.q.raiseVersion.with({ touched: notifiedScope(touched) })] };
    }, BEGIN_LOCKED, () => {
      // Not committed, or not known to be: its version may be another commit's, so it is not ours to ignore.
      if (ownVersion !== undefined) this.listener.committing(ownVersion, true);
    });
  }

  transaction<T>(body: (db: Executor) => Promise<T>, options: { durable?: boolean } = {}): Promise<T> {
    return this.inTransaction(async (tx) => ({ result: await body(tx) }), options.durable ?? true ? 'BEGIN' : BEGIN_NOT_DURABLE);
  }

  /**
   * `body` between `begin` (BEGIN, and what the transaction starts with; its outcomes given to `body`) and
   * the closing statements `body` gives with COMMIT, in one round trip, on one pooled connection; rolled back
   * (`onFailure` told) when anything fails.
   */
  private async inTransaction<T>(
    body: (tx: OpenTransaction, opened: Array<Outcome<Record<string, unknown>>>) => Promise<{ result: T; closing?: ReadonlyArray<Statement<unknown>> }>,
    begin: string, onFailure = () => {},
  ): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      return this.failed(error);
    }
    const tx = new OpenTransaction(client);
    let broken: unknown;
    try {
      const { result, closing = [] } = await body(tx, await tx.simple([begin]));
      await tx.simple([...closing.map(inlined), 'COMMIT']);
      return result;
    } catch (error) {
      onFailure();
      if (isUnreachable(error)) broken = error;
      else await client.query('ROLLBACK').catch((e: unknown) => { broken = e; });
      return this.failed(error);
    } finally {
      client.release(broken === undefined ? undefined : (broken as Error));
    }
  }

  /**
   * Staged uploads are held here up to STAGING_BATCH_ROWS rows, then written in one statement to UNLOGGED
   * tables keyed by an import id, so that neither this process nor a held transaction keeps the whole file.
   * Any pooled connection can serve each step.
   */
  stage(): EngineStaging {
    let importId: string | undefined;
    // Each upload's seq is its place in the file (from 1): the order its id is drawn in at commit.
    let written = 0;
    let pending: NewUpload[] = [];
    let pendingRows = 0;
    const flush = async () => {
      if (pending.length > 0) {
        const batch = pending;
        const seqs = batch.map((_, i) => written + 1 + i);
        pending = [];
        pendingRows = 0;
        importId = (await this.q.stage.rows(this.reads, stagedColumns(importId ?? null, batch, seqs)))[0].id;
        written += batch.length;
      }
      return importId === undefined ? undefined : { importId, count: written };
    };
    return {
      add: async (u) => {
        pending.push(u);
        pendingRows += u.rows.length;
        if (pendingRows >= STAGING_BATCH_ROWS) await flush();
      },
      flush,
      stagedAs: () => importId,
      held: () => (importId !== undefined || pending.length === 0 ? undefined : pending),
    };
  }

  writeHeld(db: Executor, uploads: NewUpload[], at: string): Promise<StagedUpload[]> {
    return this.q.commitHeld.rows(db, extended(stagedColumns(null, uploads, uploads.map((_, i) => i + 1)), { at }));
  }

  /** A failure to reach the database becomes the domain's 'unavailable'; anything else is a bug and stays as it is. */
  failed(error: unknown): never {
    if (error instanceof DomainError) throw error;
    if (isUnreachable(error) || this.closed) {
      if (!this.closed) this.listener.suspect();
      throw unavailable();
    }
    throw error;
  }

  isAvailable(): boolean {
    return !this.closed && this.listener.available;
  }

  externalChanges(): number {
    return this.listener.changes;
  }

  foreignChanges(): Touched[][] {
    return this.listener.takeForeign();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweep);
    await this.listener.stop();
    await this.db.destroy();
  }
}

/** A batch of uploads as columns, one array each, for one INSERT … SELECT FROM unnest(…) per table. */
interface StagedColumns {
  importId: string | null;
  seqs: number[]; regionCodes: string[]; periods: string[]; registerTotals: Array<number | null>; uploadedBy: string[]; sources: string[]; regionLabels: Array<string | null>;
  rowSeqs: number[]; codes: string[]; gw: number[]; gwo: number[]; uw: number[]; uwo: number[]; printedNames: Array<string | null>; positions: number[];
}

/** The uploads' columns, and their rows': each row's seq, gemeente code, four counts, name as printed and place. */
function stagedColumns(importId: string | null, uploads: NewUpload[], seqs: number[]): StagedColumns {
  const c: StagedColumns = {
    importId, seqs, regionCodes: uploads.map((u) => u.regionCode), periods: uploads.map((u) => u.period), registerTotals: uploads.map((u) => u.registerTotal),
    uploadedBy: uploads.map((u) => u.uploadedBy), sources: uploads.map((u) => u.source), regionLabels: uploads.map((u) => u.printed?.regionLabel ?? null),
    rowSeqs: [], codes: [], gw: [], gwo: [], uw: [], uwo: [], printedNames: [], positions: [],
  };
  uploads.forEach((u, k) => u.rows.forEach((r, i) => {
    c.rowSeqs.push(seqs[k]);
    c.codes.push(r.code);
    c.gw.push(r.gemeenteClients.withProfile);
    c.gwo.push(r.gemeenteClients.withoutProfile);
    c.uw.push(r.uwvClients.withProfile);
    c.uwo.push(r.uwvClients.withoutProfile);
    c.printedNames.push(u.printed?.names[i] ?? null);
    c.positions.push(i);
  }));
  return c;
}

/** The store on PostgreSQL at `url`, migrated and listening for other instances' commits. */
export async function openPostgres(url: string, options: PostgresOptions = {}): Promise<FiguresDatabase> {
  return new FiguresDatabase(await PostgresEngine.open(url, options));
}
