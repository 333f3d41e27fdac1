import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase, type SqliteStatement } from 'kysely';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { extended } from '../../domain/extended';
import type { NewUpload } from '../../domain/ports';
import { DB_DIR } from '../../paths';
import type { Touched } from '../../domain/staleness';
import { type Engine, type EngineStaging, STAGING_BATCH_ROWS, type WriteOutcome } from '../engine';
import { FiguresDatabase } from '../figures-store';
import { migrate, transactionOn } from '../migrations/migrator';
import { type Executor, oneByOne, prepare } from '../prepared';
import type { Schema } from '../schema';
import { openFile, SYNCHRONOUS } from './sqlite-file';

/**
 * Staged uploads live in TEMP tables: private to this connection and outside the main database, so staging
 * takes no write lock on the figures while a file is still arriving. One pair serves every import, keyed by
 * import, with the columns of PostgreSQL's staging tables, so that one commit serves both engines.
 */
const STAGING_SCHEMA = `
  CREATE TEMP TABLE IF NOT EXISTS staged_uploads (
    import_id INTEGER NOT NULL, seq INTEGER NOT NULL, region_code TEXT NOT NULL, period TEXT NOT NULL,
    register_total INTEGER, uploaded_by TEXT NOT NULL, source TEXT NOT NULL, region_label TEXT,
    PRIMARY KEY (import_id, seq)) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS staged_figures (
    import_id INTEGER NOT NULL, seq INTEGER NOT NULL, gemeente_code TEXT NOT NULL,
    gw INTEGER NOT NULL, gwo INTEGER NOT NULL, uw INTEGER NOT NULL, uwo INTEGER NOT NULL,
    printed_name TEXT, position INTEGER NOT NULL,
    PRIMARY KEY (import_id, seq, gemeente_code)) WITHOUT ROWID;`;

/** better-sqlite3's statements, each prepared once, as Kysely (at start-up) and the engine's executor use them. */
function preparedOnce(db: Database.Database): SqliteDatabase & { statement(text: string): Database.Statement } {
  const statements = new Map<string, Database.Statement>();
  const statement = (text: string) => {
    let found = statements.get(text);
    if (!found) {
      found = db.prepare(text);
      statements.set(text, found);
    }
    return found;
  };
  return { close: () => db.close(), prepare: (text) => statement(text) as unknown as SqliteStatement, statement };
}

/** The engine on one SQLite file: one connection, writes in BEGIN IMMEDIATE, others' commits seen through data_version. */
export class SqliteEngine implements Engine {
  readonly dialect = 'sqlite';
  readonly db: Kysely<Schema>;
  readonly reads: Executor;
  private imports = 0;
  /** Settles when the write in progress (if any) has ended; reads and staging wait for it, on this one connection. */
  private turn: Promise<unknown> = Promise.resolve();
  private writing = 0;
  private readonly statements;
  private readonly dataVersion;
  private readonly q;

  /** `raw`: the connection, for what only SQLite has (backups, its own checks); the domain never sees it. */
  constructor(readonly raw: Database.Database) {
    raw.exec(STAGING_SCHEMA);
    this.statements = preparedOnce(raw);
    this.db = new Kysely<Schema>({ dialect: new SqliteDialect({ database: this.statements }) });
    this.reads = oneByOne(async (text, values) => {
      // A write holds the connection across awaits: what runs meanwhile would run inside its transaction.
      while (this.writing > 0) await this.turn;
      return this.run(text, values);
    });
    this.dataVersion = raw.prepare('PRAGMA data_version').pluck();
    this.q = {
      stageUpload: prepare(this.db, (d, a: { importId: number; seq: number; regionCode: string; period: string; registerTotal: number | null; uploadedBy: string; source: string; regionLabel: string | null }) =>
        d.insertInto('staged_uploads').values({ import_id: a.importId, seq: a.seq, region_code: a.regionCode, period: a.period, register_total: a.registerTotal,
          uploaded_by: a.uploadedBy, source: a.source, region_label: a.regionLabel })),
      stageFigure: prepare(this.db, (d, a: { importId: number; seq: number; code: string; gw: number; gwo: number; uw: number; uwo: number; printedName: string | null; position: number }) =>
        d.insertInto('staged_figures').values({ import_id: a.importId, seq: a.seq, gemeente_code: a.code, gw: a.gw, gwo: a.gwo, uw: a.uw, uwo: a.uwo,
          printed_name: a.printedName, position: a.position })),
    };
  }

  /** The engine of the file, migrated and with its reference data: created with its folder when new. */
  static async open(file: string, dbDir = DB_DIR): Promise<SqliteEngine> {
    if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const engine = new SqliteEngine(openFile(file));
    try {
      await migrate(engine.exclusively, 'sqlite', dbDir);
    } catch (error) {
      await engine.close();
      throw error;
    }
    return engine;
  }

  /** The statement run at once, on the cached statement: better-sqlite3 is synchronous. */
  private run<R>(text: string, values: readonly unknown[]): Promise<{ rows: R[]; affected: number }> {
    const statement = this.statements.statement(text);
    if (statement.reader) return Promise.resolve({ rows: statement.all(...values) as R[], affected: 0 });
    return Promise.resolve({ rows: [], affected: statement.run(...values).changes });
  }

  /** The migrations' transaction, through Kysely (at start-up, before anything else runs). */
  readonly exclusively = <T>(body: (db: Kysely<Schema>) => Promise<T>): Promise<T> => transactionOn(this.db, 'begin immediate', body);

  /** IMMEDIATE: the write lock is held before anything is read, so instants taken inside follow commit order. */
  write<T>(body: (db: Executor) => Promise<WriteOutcome<T>>): Promise<T> {
    return this.inTurn(body, true);
  }

  transaction<T>(body: (db: Executor) => Promise<T>, options: { durable?: boolean } = {}): Promise<T> {
    return this.inTurn(async (db) => ({ result: await body(db), changed: false }), options.durable ?? true);
  }

  /** Not `durable`: synchronous NORMAL for this transaction (in WAL mode its commit is fsynced with a later one). */
  private async inTurn<T>(body: (db: Executor) => Promise<WriteOutcome<T>>, durable: boolean): Promise<T> {
    this.writing++;
    const before = this.turn;
    let done = () => undefined as void;
    this.turn = new Promise<void>((resolve) => (done = resolve));
    try {
      await before;
      const tx = oneByOne((text, values) => this.run(text, values));
      if (!durable) this.raw.pragma('synchronous = NORMAL');
      this.raw.exec('BEGIN IMMEDIATE');
      try {
        const { result, closing } = await body(tx);
        if (closing) await tx.batch(closing);
        this.raw.exec('COMMIT');
        return result;
      } catch (error) {
        if (this.raw.inTransaction) this.raw.exec('ROLLBACK');
        throw error;
      }
    } finally {
      if (!durable) this.raw.pragma(`synchronous = ${SYNCHRONOUS}`);
      this.writing--;
      done();
    }
  }

  /**
   * Uploads are held in memory up to STAGING_BATCH_ROWS rows, then each staged in one short transaction on
   * the TEMP tables only (no lock on the figures): a statement per row, run synchronously, costs less than
   * any statement that takes the table whole.
   */
  stage(): EngineStaging {
    const importId = ++this.imports;
    let staged = 0;
    let pending: NewUpload[] = [];
    let pendingRows = 0;
    const direct = oneByOne((text, values) => this.run(text, values));
    const stageTable = this.raw.transaction((uploads: NewUpload[]) => {
      for (const u of uploads) {
        const seq = ++staged;
        void this.q.stageUpload.run(direct, extended(u, { importId, seq, regionLabel: u.printed?.regionLabel ?? null }));
        u.rows.forEach((r, i) => void this.q.stageFigure.run(direct, { importId, seq, code: r.code, gw: r.gemeenteClients.withProfile, gwo: r.gemeenteClients.withoutProfile,
          uw: r.uwvClients.withProfile, uwo: r.uwvClients.withoutProfile, printedName: u.printed?.names[i] ?? null, position: i }));
      }
    });
    const flush = async () => {
      while (this.writing > 0) await this.turn;
      if (pending.length > 0) stageTable(pending);
      pending = [];
      pendingRows = 0;
    };
    return {
      add: async (u: NewUpload) => {
        pending.push(u);
        pendingRows += u.rows.length;
        if (pendingRows >= STAGING_BATCH_ROWS) await flush();
      },
      flush: async () => {
        await flush();
        return staged === 0 ? undefined : { importId, count: staged };
      },
      stagedAs: () => (staged === 0 ? undefined : importId),
      held: () => (staged > 0 || pending.length === 0 ? undefined : pending),
    };
  }

  failed(error: unknown): never {
    throw error;
  }

  externalChanges(): number {
    return this.dataVersion.get() as number;
  }

  /** Another process's commit to the file shows only in data_version, which does not say what it touched. */
  foreignChanges(): Touched[][] {
    return [];
  }

  isAvailable(): boolean {
    return this.raw.open;
  }

  async close(): Promise<void> {
    if (!this.raw.open) return;
    await this.db.destroy();
    if (this.raw.open) this.raw.close();
  }
}

/** The store on the SQLite file `file` (created when new), migrated and with its reference data. */
export async function openSqliteStore(file: string, dbDir = DB_DIR): Promise<FiguresDatabase> {
  return new FiguresDatabase(await SqliteEngine.open(file, dbDir));
}
