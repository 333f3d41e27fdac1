import { DomainError } from '../../domain/errors';
import { FiguresStore, GemeentePeriodCounts, NewUpload, PrintedUpload, Remember, Staging, StoredUpload, UploadFilter, UploadRecord, UploadSums, WriteClock } from '../../domain/ports';
import { Region } from '../../domain/reference';
import { GemeenteCounts } from '../../domain/upload';
import { Pool, type PoolClient, type PoolConfig, type QueryConfig, type QueryResultRow } from 'pg';
import type { Logger } from 'pino';
import { DB_DIR } from '../../paths';
import { ChangeListener, FIGURES_CHANNEL } from './change-listener';
import { migratePostgres } from './migrate';
import { PoolMode, poolOptions } from './pool-mode';
import { isUnreachable, unavailable } from './unavailable';
import { SumsRow, toRecord, toSums, UploadRow } from '../rows';

export interface PostgresOptions {
  /** Where db/migrations/postgres and db/reference are. */
  dbDir?: string;
  logger?: Logger;
  /** How often the version is compared, as heartbeat and as fallback for a lost notification. */
  versionCheckMs?: number;
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
export const DEFAULT_VERSION_CHECK_MS = 1000;
/**
 * Staged rows older than this were left by an instance killed mid-import: no request lasts that long (node
 * ends a request after 5 minutes), so no import still running can lose a batch to the sweep.
 */
const STALE_STAGING = '1 hour';
const STALE_STAGING_SWEEP_MS = 10 * 60 * 1000;
/**
 * Gemeente rows an import holds in memory before it writes them to the staging tables in one statement:
 * few round trips per file, and memory bounded by this (plus one region's table) whatever the file's size.
 */
export const STAGING_BATCH_ROWS = 2000;

/** An upload as inserted: its id and seq, and the columns its record needs. */
interface InsertedRow extends Omit<UploadRow, 'uploaded_at' | 'current' | 'withdrawn_at' | 'withdrawn_by'> {
  seq: number;
}

/** One gemeente's row as json_build_array gives it: code, name, then the four counts. */
type FigureTuple = [string, string, number, number, number, number];

interface UploadWithRows extends UploadRow {
  rows: FigureTuple[];
}

const UPLOAD_COLUMNS = `u.id, u.region_code, u.period, u.register_total, u.uploaded_by, u.uploaded_at, u.source, u.withdrawn_at, u.withdrawn_by,
  EXISTS (SELECT 1 FROM current_uploads c WHERE c.upload_id = u.id) AS current,
  (SELECT count(*)::int FROM upload_figures f WHERE f.upload_id = u.id) AS gemeente_count`;

/** An upload's rows in the same statement as the upload, so that both come from one snapshot. */
const ROWS = `coalesce((SELECT json_agg(json_build_array(g.code, g.name, f.gemeente_with_profile, f.gemeente_without_profile,
    f.uwv_with_profile, f.uwv_without_profile) ORDER BY g.name)
  FROM upload_figures f JOIN gemeenten g ON g.code = f.gemeente_code WHERE f.upload_id = u.id), '[]') AS rows`;

const SUMS = `s.gemeente_with_profile AS gw, s.gemeente_without_profile AS gwo, s.uwv_with_profile AS uw, s.uwv_without_profile AS uwo`;

/** An upload that stood at the instant `$n`: made at or before it, and not withdrawn at or before it. */
const STOOD = (u: string, n: number) => `${u}.uploaded_at <= $${n} AND (${u}.withdrawn_at IS NULL OR ${u}.withdrawn_at > $${n})`;

/**
 * The figures as they stood at the instant `$n`: per region and period, the latest upload (by uploaded_at,
 * then id) that stood then. The one place that rule is written for PostgreSQL (as in the SQLite store);
 * every read with asOf selects from it as `as_of_uploads`, with the columns of current_uploads.
 */
const UPLOADS_AS_OF = (n: number) => `WITH as_of_uploads AS (
  SELECT u.region_code, u.period, u.id AS upload_id FROM uploads u
  WHERE ${STOOD('u', n)} AND NOT EXISTS (
    SELECT 1 FROM uploads later
    WHERE later.region_code = u.region_code AND later.period = u.period AND ${STOOD('later', n)}
      AND (later.uploaded_at, later.id) > (u.uploaded_at, u.id))) `;

/** A read written once over the table of uploads that count: current ones, or as they stood at `$n`. */
const over = (asOf: string | undefined, n: number, sql: (uploads: string) => string) =>
  asOf === undefined ? sql('current_uploads') : UPLOADS_AS_OF(n) + sql('as_of_uploads');

const UPLOAD_FILTER = `($1::text IS NULL OR u.region_code = $1) AND ($2::text IS NULL OR u.period = $2)
  AND ($3::text IS NULL OR u.uploaded_by = $3)`;

const toCounts = ([code, name, gw, gwo, uw, uwo]: FigureTuple): GemeenteCounts =>
  ({ code, name, gemeenteClients: { withProfile: gw, withoutProfile: gwo }, uwvClients: { withProfile: uw, withoutProfile: uwo } });

const toStored = (row: UploadWithRows): StoredUpload => ({ ...toRecord(row), rows: row.rows.map(toCounts) });

/** The uploads' own columns, one array each, in the order of `uploads`: for one INSERT … SELECT FROM unnest(…). */
function uploadColumns(uploads: NewUpload[]): [string[], string[], Array<number | null>, string[], string[], Array<string | null>] {
  return [uploads.map((u) => u.regionCode), uploads.map((u) => u.period), uploads.map((u) => u.registerTotal),
    uploads.map((u) => u.uploadedBy), uploads.map((u) => u.source), uploads.map((u) => u.printed?.regionLabel ?? null)];
}

type FigureColumns = [number[], string[], number[], number[], number[], number[], Array<string | null>, number[]];

/**
 * The rows of several uploads as columns, for one INSERT … SELECT FROM unnest(…) instead of a statement per
 * gemeente: `owners[i]` (an upload id, or a staged seq) for each row of `uploads[i]`, the gemeente code, the
 * four counts, the name as printed (null when not given) and the row's place in its upload.
 */
function figureColumns(uploads: NewUpload[], owners: number[]): FigureColumns {
  const columns: FigureColumns = [[], [], [], [], [], [], [], []];
  const [owner, code, gw, gwo, uw, uwo, printedName, position] = columns;
  uploads.forEach((u, k) => u.rows.forEach((r, i) => {
    owner.push(owners[k]);
    code.push(r.code);
    gw.push(r.gemeenteClients.withProfile);
    gwo.push(r.gemeenteClients.withoutProfile);
    uw.push(r.uwvClients.withProfile);
    uwo.push(r.uwvClients.withoutProfile);
    printedName.push(u.printed?.names[i] ?? null);
    position.push(i);
  }));
  return columns;
}

/**
 * Inserts the uploads `source` selects (columns seq, region_code, period, register_total, uploaded_by,
 * source, region_label, gemeente_count; ordered by seq) with ids drawn from the uploads' own sequence in seq
 * order, all at the instant `$at`; answers each id with its seq, in seq order. The ids are drawn explicitly
 * so that the order is certain and each id is known with its seq (RETURNING names no column of the source).
 */
const insertUploads = (source: string, at: number) => `WITH numbered AS MATERIALIZED (
    SELECT nextval(pg_get_serial_sequence('uploads', 'id')::regclass)::int AS id, s.* FROM (${source}) s),
  inserted AS (
    INSERT INTO uploads (id, region_code, period, register_total, uploaded_by, uploaded_at, source, region_label) OVERRIDING SYSTEM VALUE
    SELECT id, region_code, period, register_total, uploaded_by, $${at}, source, region_label FROM numbered)
  SELECT id, seq::int, region_code, period, register_total, uploaded_by, source, gemeente_count FROM numbered ORDER BY seq`;

/** Parameterised statements, named so that each connection prepares them once. */
const named = (name: string, text: string, values: unknown[]): QueryConfig => ({ name, text, values });

const SQL = {
  /** Uploads given as arrays, numbered by their place in them. */
  insertUploads: insertUploads(`SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::int[])
      WITH ORDINALITY AS u(region_code, period, register_total, uploaded_by, source, region_label, gemeente_count, seq) ORDER BY seq`, 8),
  insertFigures: `INSERT INTO upload_figures (upload_id, gemeente_code, gemeente_with_profile, gemeente_without_profile,
      uwv_with_profile, uwv_without_profile, printed_name, position)
    SELECT * FROM unnest($1::int[], $2::text[], $3::int[], $4::int[], $5::int[], $6::int[], $7::text[], $8::int[])`,
  /**
   * Each upload's sums in one statement; an upload without rows sums to zeros. Summed per upload (LATERAL),
   * so that each reads its own rows by the primary key whatever the planner believes of the table's size.
   */
  sumUploads: `INSERT INTO upload_sums (upload_id, gemeente_with_profile, gemeente_without_profile, uwv_with_profile, uwv_without_profile)
    SELECT u.id, s.* FROM unnest($1::int[]) AS u(id) CROSS JOIN LATERAL (
      SELECT coalesce(sum(f.gemeente_with_profile), 0), coalesce(sum(f.gemeente_without_profile), 0),
        coalesce(sum(f.uwv_with_profile), 0), coalesce(sum(f.uwv_without_profile), 0)
      FROM upload_figures f WHERE f.upload_id = u.id) s`,
  /** Of several uploads for one region and period, the last (highest id) becomes current; one row each, as an upsert needs. */
  makeCurrentAll: `INSERT INTO current_uploads (region_code, period, upload_id)
    SELECT DISTINCT ON (region_code, period) region_code, period, id FROM uploads WHERE id = ANY($1::int[])
    ORDER BY region_code, period, id DESC
    ON CONFLICT (region_code, period) DO UPDATE SET upload_id = excluded.upload_id`,
  makeCurrent: `INSERT INTO current_uploads (region_code, period, upload_id) VALUES ($1, $2, $3)
    ON CONFLICT (region_code, period) DO UPDATE SET upload_id = excluded.upload_id`,
  forgetExpired: 'DELETE FROM idempotency_keys WHERE expires_at <= $1',
  remember: `INSERT INTO idempotency_keys (client, key, fingerprint, answer, expires_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (client, key) DO NOTHING`,
  /** A batch of staged uploads and all their rows in one statement. */
  stageUploads: `WITH staged AS (
      INSERT INTO staged_uploads (import_id, seq, region_code, period, register_total, uploaded_by, source, region_label)
      SELECT $1, * FROM unnest($2::int[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[]))
    INSERT INTO staged_figures (import_id, seq, gemeente_code, gw, gwo, uw, uwo, printed_name, position)
    SELECT $1, * FROM unnest($9::int[], $10::text[], $11::int[], $12::int[], $13::int[], $14::int[], $15::text[], $16::int[])`,
  /** An import's staged uploads, numbered in the order they were staged. */
  commitStagedUploads: insertUploads(`SELECT s.seq, s.region_code, s.period, s.register_total, s.uploaded_by, s.source, s.region_label,
      (SELECT count(*)::int FROM staged_figures f WHERE f.import_id = s.import_id AND f.seq = s.seq) AS gemeente_count
    FROM staged_uploads s WHERE s.import_id = $1 ORDER BY s.seq`, 2),
  /** Every staged row to the upload its seq became ($2 the ids, $3 their seqs). */
  moveStagedFigures: `INSERT INTO upload_figures (upload_id, gemeente_code, gemeente_with_profile, gemeente_without_profile,
      uwv_with_profile, uwv_without_profile, printed_name, position)
    SELECT n.id, f.gemeente_code, f.gw, f.gwo, f.uw, f.uwo, f.printed_name, f.position
    FROM staged_figures f JOIN unnest($2::int[], $3::int[]) AS n(id, seq) ON n.seq = f.seq WHERE f.import_id = $1`,
  forgetStaged: `WITH figures AS (DELETE FROM staged_figures WHERE import_id = $1)
    DELETE FROM staged_uploads WHERE import_id = $1`,
  forgetStaleStaging: `WITH stale AS (DELETE FROM staged_uploads WHERE staged_at < now() - interval '${STALE_STAGING}' RETURNING import_id)
    DELETE FROM staged_figures WHERE import_id IN (SELECT import_id FROM stale)`,
};

/**
 * The store on PostgreSQL, for several instances sharing one database: all SQL for this dialect, run with
 * bound parameters. Every write is one transaction that first locks the single version row, so writes from
 * all instances take turns (the last to commit is current; every upload stays in the history), and ends by
 * raising that version and notifying it, which is how the other instances learn of the commit.
 */
export class PostgresStore implements FiguresStore {
  private closed = false;
  private readonly sweep: NodeJS.Timeout;

  private constructor(
    private readonly pool: Pool,
    private readonly listener: ChangeListener,
    sweepMs: number,
    logger?: Logger,
  ) {
    // Not only at start-up: an instance may run for months while another was killed mid-import.
    this.sweep = setInterval(() => {
      this.pool.query(named('forget_stale_staging', SQL.forgetStaleStaging, [])).catch((error: Error) =>
        logger?.warn({ err: error.message }, 'Could not clear the staged rows of abandoned imports'));
    }, sweepMs).unref();
  }

  /** Connects, migrates (under an advisory lock), loads reference data once, and starts listening for changes. */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStore> {
    const connection: PoolConfig = { connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS, keepAlive: true };
    const pool = new Pool({
      ...connection,
      max: options.maxConnections ?? 10,
      query_timeout: STATEMENT_TIMEOUT_MS + 5000,
      ...poolOptions(options.poolMode ?? 'session', { statementTimeoutMs: STATEMENT_TIMEOUT_MS, idleInTransactionMs: STATEMENT_TIMEOUT_MS }),
    });
    // An idle connection the server closed (a restart) must not crash the process; the pool drops it.
    pool.on('error', (error) => options.logger?.warn({ err: error.message }, 'An idle database connection failed'));
    // A connection lost while checked out fails its query (answered as unavailable) and also emits 'error'.
    pool.on('connect', (client) => client.on('error', () => undefined));
    const listener = new ChangeListener(connection, options.versionCheckMs ?? DEFAULT_VERSION_CHECK_MS, options.logger, options.poolMode !== 'transaction');
    try {
      const client = await pool.connect();
      try {
        await migratePostgres(client, options.dbDir ?? DB_DIR);
        await client.query(named('forget_stale_staging', SQL.forgetStaleStaging, []));
      } finally {
        client.release();
      }
      await listener.start();
    } catch (error) {
      await listener.stop();
      await pool.end().catch(() => undefined);
      throw error;
    }
    return new PostgresStore(pool, listener, options.staleStagingSweepMs ?? STALE_STAGING_SWEEP_MS, options.logger);
  }

  isAvailable(): boolean {
    return !this.closed && this.listener.available;
  }

  externalChanges(): number {
    return this.listener.changes;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweep);
    await this.listener.stop();
    await this.pool.end();
  }

  /** A failure to reach the database becomes the domain's 'unavailable'; anything else is a bug and stays as it is. */
  private failed(error: unknown): never {
    if (error instanceof DomainError) throw error;
    if (isUnreachable(error) || this.closed) {
      this.listener.suspect();
      throw unavailable();
    }
    throw error;
  }

  private async rows<R extends QueryResultRow>(query: QueryConfig): Promise<R[]> {
    try {
      return (await this.pool.query<R>(query)).rows;
    } catch (error) {
      return this.failed(error);
    }
  }

  /**
   * One write transaction: takes the version row's lock first (writers of every instance take turns), runs
   * `body`, and when it changed something raises the version and notifies it (delivered at COMMIT).
   */
  private async write<T>(body: (client: PoolClient) => Promise<{ result: T; changed: boolean }>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      return this.failed(error);
    }
    let broken: unknown;
    let ownVersion: string | undefined;
    try {
      await client.query('BEGIN');
      await client.query(named('lock_version', 'SELECT version FROM figures_version FOR UPDATE', []));
      const { result, changed } = await body(client);
      if (changed) {
        const { rows: [raised] } = await client.query<{ version: string }>(named('raise_version',
          `WITH raised AS (UPDATE figures_version SET version = version + 1 RETURNING version)
           SELECT version::text AS version, pg_notify('${FIGURES_CHANNEL}', version::text) FROM raised`, []));
        ownVersion = raised.version;
        this.listener.committing(ownVersion);
      }
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // Not committed, or not known to be: its version may be another commit's, so it is not ours to ignore.
      if (ownVersion !== undefined) this.listener.committing(ownVersion, true);
      if (isUnreachable(error)) broken = error;
      else await client.query('ROLLBACK').catch((e: unknown) => { broken = e; });
      return this.failed(error);
    } finally {
      client.release(broken === undefined ? undefined : (broken as Error));
    }
  }

  async referenceData(): Promise<Region[]> {
    const regions = await this.rows<{ code: string; name: string }>(named('regions', 'SELECT code, name FROM regions ORDER BY code', []));
    const gemeenten = await this.rows<{ code: string; name: string; region_code: string }>(
      named('gemeenten', 'SELECT code, name, region_code FROM gemeenten ORDER BY name', []));
    return regions.map((r) => ({
      code: r.code,
      name: r.name,
      gemeenten: gemeenten.filter((g) => g.region_code === r.code).map((g) => ({ code: g.code, name: g.name })),
    }));
  }

  async latestPeriod(regionCode?: string, asOf?: string): Promise<string | undefined> {
    const region = regionCode === undefined ? '' : 'WHERE region_code = $1';
    const values = regionCode === undefined ? [] : [regionCode];
    const n = values.length + 1;
    const text = over(asOf, n, (uploads) => `SELECT max(period) AS period FROM ${uploads} ${region}`);
    const [row] = await this.rows<{ period: string | null }>(
      named(`latest_period_${regionCode === undefined ? 'all' : 'region'}_${asOf === undefined ? 'now' : 'as_of'}`, text,
        asOf === undefined ? values : [...values, asOf]));
    return row?.period ?? undefined;
  }

  async periods(): Promise<string[]> {
    return (await this.rows<{ period: string }>(named('periods', 'SELECT DISTINCT period FROM current_uploads ORDER BY period', []))).map((r) => r.period);
  }

  async regionPeriods(regionCode: string): Promise<string[]> {
    return (await this.rows<{ period: string }>(
      named('region_periods', 'SELECT period FROM current_uploads WHERE region_code = $1 ORDER BY period', [regionCode]))).map((r) => r.period);
  }

  async currentUpload(regionCode: string, period: string, asOf?: string): Promise<StoredUpload | undefined> {
    const text = over(asOf, 3, (uploads) => `SELECT ${UPLOAD_COLUMNS}, ${ROWS} FROM ${uploads} c JOIN uploads u ON u.id = c.upload_id
      WHERE c.region_code = $1 AND c.period = $2`);
    const [row] = await this.rows<UploadWithRows>(named(`current_upload_${asOf === undefined ? 'now' : 'as_of'}`, text,
      asOf === undefined ? [regionCode, period] : [regionCode, period, asOf]));
    return row && toStored(row);
  }

  async currentUploads(period: string, asOf?: string): Promise<StoredUpload[]> {
    const text = over(asOf, 2, (uploads) => `SELECT ${UPLOAD_COLUMNS}, ${ROWS} FROM ${uploads} c JOIN uploads u ON u.id = c.upload_id
      WHERE c.period = $1 ORDER BY u.region_code`);
    const rows = await this.rows<UploadWithRows>(named(`current_uploads_${asOf === undefined ? 'now' : 'as_of'}`, text,
      asOf === undefined ? [period] : [period, asOf]));
    return rows.map(toStored);
  }

  async uploadSums(regionCode?: string, asOf?: string): Promise<UploadSums[]> {
    const values: unknown[] = regionCode === undefined ? [] : [regionCode];
    const text = over(asOf, values.length + 1, (uploads) =>
      `SELECT c.region_code, c.period, u.register_total, ${SUMS} FROM ${uploads} c
       JOIN uploads u ON u.id = c.upload_id JOIN upload_sums s ON s.upload_id = c.upload_id
       ${regionCode === undefined ? 'ORDER BY c.period, c.region_code' : 'WHERE c.region_code = $1 ORDER BY c.period'}`);
    const rows = await this.rows<SumsRow>(named(`upload_sums_${regionCode === undefined ? 'all' : 'region'}_${asOf === undefined ? 'now' : 'as_of'}`,
      text, asOf === undefined ? values : [...values, asOf]));
    return rows.map(toSums);
  }

  async gemeenteHistory(gemeenteCode: string, asOf?: string): Promise<GemeentePeriodCounts[]> {
    const text = over(asOf, 2, (uploads) =>
      `SELECT c.period, json_build_array(g.code, g.name, f.gemeente_with_profile, f.gemeente_without_profile,
         f.uwv_with_profile, f.uwv_without_profile) AS row
       FROM gemeenten g JOIN ${uploads} c ON c.region_code = g.region_code
       JOIN upload_figures f ON f.upload_id = c.upload_id AND f.gemeente_code = g.code
       WHERE g.code = $1 ORDER BY c.period`);
    const rows = await this.rows<{ period: string; row: FigureTuple }>(named(`gemeente_history_${asOf === undefined ? 'now' : 'as_of'}`, text,
      asOf === undefined ? [gemeenteCode] : [gemeenteCode, asOf]));
    return rows.map((r) => ({ period: r.period, row: toCounts(r.row) }));
  }

  async rememberedAnswer(client: string, key: string, now: string): Promise<{ fingerprint: string; answer: string } | undefined> {
    const [row] = await this.rows<{ fingerprint: string; answer: string }>(named('remembered',
      'SELECT fingerprint, answer FROM idempotency_keys WHERE client = $1 AND key = $2 AND expires_at > $3', [client, key, now]));
    return row;
  }

  /** Inside an upload's transaction: a key taken meanwhile (by another instance) undoes the upload. */
  private async remember(client: PoolClient, remember: Remember | undefined, records: UploadRecord[]): Promise<void> {
    if (!remember) return;
    await client.query(named('forget_expired', SQL.forgetExpired, [remember.now]));
    const { rowCount } = await client.query(named('remember', SQL.remember,
      [remember.client, remember.key, remember.fingerprint, remember.answer(records), remember.expiresAt]));
    if (rowCount === 0) {
      throw new DomainError('conflict', 'Conflict', 'Another request with this Idempotency-Key was stored at the same moment; send it again to get that answer.');
    }
  }

  async printedUpload(regionCode: string, period: string): Promise<PrintedUpload | undefined> {
    const [row] = await this.rows<UploadRow & { region_label: string | null; rows: Array<[...FigureTuple, string]> }>(named('printed_upload',
      `SELECT ${UPLOAD_COLUMNS}, u.region_label, coalesce((SELECT json_agg(json_build_array(g.code, g.name, f.gemeente_with_profile,
           f.gemeente_without_profile, f.uwv_with_profile, f.uwv_without_profile, coalesce(f.printed_name, g.name))
           ORDER BY f.position IS NULL, f.position, g.name)
         FROM upload_figures f JOIN gemeenten g ON g.code = f.gemeente_code WHERE f.upload_id = u.id), '[]') AS rows
       FROM current_uploads c JOIN uploads u ON u.id = c.upload_id WHERE c.region_code = $1 AND c.period = $2`, [regionCode, period]));
    if (!row) return undefined;
    const rows = row.rows.map(([code, name, gw, gwo, uw, uwo, printedName]) => ({ ...toCounts([code, name, gw, gwo, uw, uwo]), printedName }));
    return { ...toRecord(row), regionLabel: row.region_label, rows };
  }

  async regionLabels(period: string): Promise<Map<string, string>> {
    const rows = await this.rows<{ region_code: string; region_label: string }>(named('region_labels',
      `SELECT c.region_code, u.region_label FROM current_uploads c JOIN uploads u ON u.id = c.upload_id
       WHERE c.period = $1 AND u.region_label IS NOT NULL`, [period]));
    return new Map(rows.map((r) => [r.region_code, r.region_label]));
  }

  /**
   * Inside a write, once the uploads and their rows are inserted: their sums, and each region and period's
   * last upload made current, one statement each whatever the number of uploads. The records, of which (as
   * in the table) only the last of several for one region and period is current.
   */
  private async finishUploads(client: PoolClient, inserted: InsertedRow[], uploadedAt: string): Promise<UploadRecord[]> {
    const ids = inserted.map((u) => u.id);
    await client.query(named('sum_uploads', SQL.sumUploads, [ids]));
    await client.query(named('make_current_all', SQL.makeCurrentAll, [ids]));
    const last = new Map(inserted.map((u) => [`${u.region_code} ${u.period}`, u.id]));
    return inserted.map((u) => toRecord({ ...u, uploaded_at: uploadedAt, current: last.get(`${u.region_code} ${u.period}`) === u.id, withdrawn_at: null, withdrawn_by: null }));
  }

  async saveUploads(uploads: NewUpload[], now: WriteClock, remember?: Remember): Promise<UploadRecord[]> {
    return this.write(async (client) => {
      // Taken once the version row is locked, so that id order and instant order agree across instances.
      const uploadedAt = now();
      if (uploads.length === 0) {
        await this.remember(client, remember, []);
        return { result: [], changed: false };
      }
      const { rows: inserted } = await client.query<InsertedRow>(named('insert_uploads', SQL.insertUploads,
        [...uploadColumns(uploads), uploads.map((u) => u.rows.length), uploadedAt]));
      await client.query(named('insert_figures', SQL.insertFigures, figureColumns(uploads, inserted.map((u) => u.id))));
      const records = await this.finishUploads(client, inserted, uploadedAt);
      await this.remember(client, remember, records);
      return { result: records, changed: true };
    });
  }

  /**
   * Staged uploads are held here up to STAGING_BATCH_ROWS rows, then written in one statement to UNLOGGED
   * tables keyed by an import id, so that neither this process nor a held transaction keeps the whole file;
   * the commit writes what is left and moves everything in one transaction, a few statements whatever the
   * number of uploads. Any pooled connection can serve each step. A file that never filled a batch is
   * stored from memory as saveUploads stores it, without passing through the staging tables.
   */
  async beginStaging(): Promise<Staging> {
    // Taken when the first batch is written: a file within one batch never needs one.
    let importId: string | undefined;
    // Each upload's seq is its place in the file (from 1): the order its id is drawn in at commit.
    let written = 0;
    let pending: NewUpload[] = [];
    let pendingRows = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      importId ??= (await this.rows<{ id: string }>(named('next_import', "SELECT nextval('staged_imports')::text AS id", [])))[0].id;
      const batch = pending;
      const seqs = batch.map((_, i) => written + 1 + i);
      written += batch.length;
      pending = [];
      pendingRows = 0;
      await this.rows(named('stage_uploads', SQL.stageUploads, [importId, seqs, ...uploadColumns(batch), ...figureColumns(batch, seqs)]));
    };
    const add = async (u: NewUpload) => {
      pending.push(u);
      pendingRows += u.rows.length;
      if (pendingRows >= STAGING_BATCH_ROWS) await flush();
    };
    const commit = async (now: WriteClock, remember?: Remember) => {
      // A file within one batch goes from memory straight to the figures, as a JSON upload of several regions does.
      if (written === 0) return this.saveUploads(pending, now, remember);
      await flush();
      return this.write(async (client) => {
        const uploadedAt = now();
        const { rows: inserted } = await client.query<InsertedRow>(named('commit_staged_uploads', SQL.commitStagedUploads, [importId, uploadedAt]));
        const { rowCount: moved } = await client.query(named('move_staged_figures', SQL.moveStagedFigures, [importId, inserted.map((u) => u.id), inserted.map((u) => u.seq)]));
        // Never a partial file. Staged rows are gone only if something cleared them under a running import
        // (the stale-staging sweep, or the UNLOGGED tables emptied by a crash): the file must be sent again.
        if (inserted.length !== written || moved !== inserted.reduce((n, u) => n + u.gemeente_count, 0)) throw unavailable();
        const records = await this.finishUploads(client, inserted, uploadedAt);
        await client.query(named('forget_staged', SQL.forgetStaged, [importId]));
        await this.remember(client, remember, records);
        return { result: records, changed: true };
      });
    };
    const discard = async () => {
      pending = [];
      pendingRows = 0;
      if (written > 0) await this.rows(named('forget_staged', SQL.forgetStaged, [importId]));
    };
    return { add, commit, discard };
  }

  async listUploads(filter: UploadFilter): Promise<UploadRecord[]> {
    const rows = await this.rows<UploadRow>(named('list_uploads', `SELECT ${UPLOAD_COLUMNS} FROM uploads u WHERE ${UPLOAD_FILTER}
      ORDER BY u.id DESC LIMIT $4 OFFSET $5`,
    [filter.regionCode ?? null, filter.period ?? null, filter.uploadedBy ?? null, filter.limit, filter.offset]));
    return rows.map(toRecord);
  }

  async countUploads(filter: UploadFilter): Promise<number> {
    const [row] = await this.rows<{ n: number }>(named('count_uploads', `SELECT count(*)::int AS n FROM uploads u WHERE ${UPLOAD_FILTER}`,
      [filter.regionCode ?? null, filter.period ?? null, filter.uploadedBy ?? null]));
    return row.n;
  }

  async withdrawUpload(id: number, withdrawnBy: string, now: WriteClock): Promise<boolean> {
    return this.write(async (client) => {
      const { rowCount } = await client.query(named('withdraw',
        'UPDATE uploads SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3 AND withdrawn_at IS NULL', [now(), withdrawnBy, id]));
      if (rowCount === 0) return { result: false, changed: false };
      const { rows: [current] } = await client.query<{ region_code: string; period: string }>(named('current_of',
        'SELECT region_code, period FROM current_uploads WHERE upload_id = $1', [id]));
      if (current) {
        const { rows: [previous] } = await client.query<{ id: number }>(named('latest_standing',
          `SELECT id FROM uploads WHERE region_code = $1 AND period = $2 AND withdrawn_at IS NULL
           ORDER BY uploaded_at DESC, id DESC LIMIT 1`, [current.region_code, current.period]));
        if (previous === undefined) {
          await client.query(named('forget_current', 'DELETE FROM current_uploads WHERE region_code = $1 AND period = $2',
            [current.region_code, current.period]));
        } else {
          await client.query(named('make_current', SQL.makeCurrent, [current.region_code, current.period, previous.id]));
        }
      }
      return { result: true, changed: true };
    });
  }

  async getUpload(id: number): Promise<StoredUpload | undefined> {
    const [row] = await this.rows<UploadWithRows>(named('get_upload', `SELECT ${UPLOAD_COLUMNS}, ${ROWS} FROM uploads u WHERE u.id = $1`, [id]));
    return row && toStored(row);
  }
}
