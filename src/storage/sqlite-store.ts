import { DomainError } from '../domain/errors';
import { FiguresStore, GemeentePeriodCounts, NewUpload, PrintedUpload, Remember, Staging, StoredUpload, UploadFilter, UploadRecord, UploadSums, WriteClock } from '../domain/ports';
import { Region } from '../domain/reference';
import { GemeenteCounts } from '../domain/upload';
import type { Statement } from 'better-sqlite3';
import { Db } from './database';
import { SumsRow, toRecord, toSums, UploadRow } from './rows';

interface FigureRow {
  upload_id: number;
  code: string;
  name: string;
  gw: number;
  gwo: number;
  uw: number;
  uwo: number;
}

const UPLOAD_COLUMNS = `u.id, u.region_code, u.period, u.register_total, u.uploaded_by, u.uploaded_at, u.source, u.withdrawn_at, u.withdrawn_by,
  EXISTS (SELECT 1 FROM current_uploads c WHERE c.upload_id = u.id) AS current,
  (SELECT count(*) FROM upload_figures f WHERE f.upload_id = u.id) AS gemeente_count`;

const SUMS = `s.gemeente_with_profile AS gw, s.gemeente_without_profile AS gwo, s.uwv_with_profile AS uw, s.uwv_without_profile AS uwo`;

const FIGURE_COLUMNS = `f.upload_id, g.code, g.name, f.gemeente_with_profile AS gw, f.gemeente_without_profile AS gwo,
  f.uwv_with_profile AS uw, f.uwv_without_profile AS uwo`;

/** An upload that stood at `:asOf`: made at or before it, and not withdrawn at or before it. */
const STOOD = (u: string) => `${u}.uploaded_at <= :asOf AND (${u}.withdrawn_at IS NULL OR ${u}.withdrawn_at > :asOf)`;

/**
 * The figures as they stood at the instant `:asOf`: per region and period, the latest upload (by
 * uploaded_at, then id) that stood then (as current_uploads holds the latest one not withdrawn). This is
 * the one place that rule is written; every read with asOf selects from it (as `as_of_uploads`, with the
 * columns of current_uploads, which the reads without asOf use).
 */
const UPLOADS_AS_OF = `as_of_uploads AS (
  SELECT u.region_code, u.period, u.id AS upload_id FROM uploads u
  WHERE ${STOOD('u')} AND NOT EXISTS (
    SELECT 1 FROM uploads later
    WHERE later.region_code = u.region_code AND later.period = u.period AND ${STOOD('later')}
      AND (later.uploaded_at, later.id) > (u.uploaded_at, u.id)))`;

type Read<R> = Statement<Record<string, unknown>, R>;

/** A read over the uploads as they stood at `:asOf`; `sql` names the table of uploads that count. */
function asOfRead<R>(db: Db, sql: (uploads: string) => string): Read<R> {
  return db.prepare<Record<string, unknown>, R>(`WITH ${UPLOADS_AS_OF} ${sql('as_of_uploads')}`);
}

/** A read prepared twice: over the current uploads, and over the uploads as they stood at `:asOf`. */
interface Effective<R> {
  current: Read<R>;
  asOf: Read<R>;
}

function effective<R>(db: Db, sql: (uploads: string) => string): Effective<R> {
  return { current: db.prepare<Record<string, unknown>, R>(sql('current_uploads')), asOf: asOfRead(db, sql) };
}

const of = <R>(statement: Effective<R>, asOf: string | undefined) => (asOf === undefined ? statement.current : statement.asOf);

function toCounts(row: FigureRow): GemeenteCounts {
  return {
    code: row.code,
    name: row.name,
    gemeenteClients: { withProfile: row.gw, withoutProfile: row.gwo },
    uwvClients: { withProfile: row.uw, withoutProfile: row.uwo },
  };
}

/**
 * Staged uploads live in TEMP tables: private to this connection and outside the main database, so staging
 * takes no write lock on the figures while a file is still arriving. One pair of tables serves every import,
 * keyed by import, so that their statements are prepared once.
 */
const STAGING_SCHEMA = `
  CREATE TEMP TABLE IF NOT EXISTS staged_uploads (
    import_id INTEGER NOT NULL, seq INTEGER NOT NULL, region_code TEXT NOT NULL, period TEXT NOT NULL,
    register_total INTEGER, uploaded_by TEXT NOT NULL, source TEXT NOT NULL,
    region_label TEXT,
    PRIMARY KEY (import_id, seq)) WITHOUT ROWID;
  CREATE TEMP TABLE IF NOT EXISTS staged_figures (
    import_id INTEGER NOT NULL, seq INTEGER NOT NULL, gemeente_code TEXT NOT NULL,
    gw INTEGER NOT NULL, gwo INTEGER NOT NULL, uw INTEGER NOT NULL, uwo INTEGER NOT NULL,
    printed_name TEXT, position INTEGER,
    PRIMARY KEY (import_id, seq, gemeente_code)) WITHOUT ROWID;`;

/** An upload set aside while its file is read: the columns of an upload, numbered within its import. */
interface StagedUploadRow extends Omit<UploadRow, 'id' | 'current' | 'gemeente_count' | 'withdrawn_at' | 'withdrawn_by' | 'uploaded_at'> {
  seq: number;
  region_label: string | null;
}

interface PrintedFigureRow extends FigureRow {
  printed_name: string;
}

interface UploadFilterParams {
  region: string | null;
  period: string | null;
  uploadedBy: string | null;
}

const UPLOAD_FILTER = `(:region IS NULL OR u.region_code = :region) AND (:period IS NULL OR u.period = :period)
  AND (:uploadedBy IS NULL OR u.uploaded_by = :uploadedBy)`;

const filterParams = (filter: UploadFilter): UploadFilterParams =>
  ({ region: filter.regionCode ?? null, period: filter.period ?? null, uploadedBy: filter.uploadedBy ?? null });

/** All SQL of the service: prepared once, run with bound parameters, writes in one transaction. */
export class SqliteStore implements FiguresStore {
  private readonly sql;
  private readonly staging;
  private readonly reads;
  private imports = 0;

  /** The connection, for what only SQLite has (backups, its own checks); the domain never sees it. */
  constructor(readonly db: Db) {
    db.exec(STAGING_SCHEMA);
    this.staging = {
      upload: db.prepare<[number, number, string, string, number | null, string, string, string | null]>(
        `INSERT INTO staged_uploads (import_id, seq, region_code, period, register_total, uploaded_by, source, region_label)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      figure: db.prepare<[number, number, string, number, number, number, number, string | null, number]>(
        'INSERT INTO staged_figures (import_id, seq, gemeente_code, gw, gwo, uw, uwo, printed_name, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)'),
      uploads: db.prepare<[number], StagedUploadRow>(
        `SELECT seq, region_code, period, register_total, uploaded_by, source, region_label
         FROM staged_uploads WHERE import_id = ? ORDER BY seq`),
      moveFigures: db.prepare<[number | bigint, number, number]>(
        `INSERT INTO upload_figures (upload_id, gemeente_code, gemeente_with_profile, gemeente_without_profile,
           uwv_with_profile, uwv_without_profile, printed_name, position)
         SELECT ?, gemeente_code, gw, gwo, uw, uwo, printed_name, position FROM staged_figures WHERE import_id = ? AND seq = ?`),
      forgetUploads: db.prepare<[number]>('DELETE FROM staged_uploads WHERE import_id = ?'),
      forgetFigures: db.prepare<[number]>('DELETE FROM staged_figures WHERE import_id = ?'),
    };
    this.reads = {
      latestPeriod: asOfRead<{ period: string | null }>(db, (uploads) => `SELECT max(period) AS period FROM ${uploads}`),
      latestRegionPeriod: asOfRead<{ period: string | null }>(db, (uploads) =>
        `SELECT max(period) AS period FROM ${uploads} WHERE region_code = :region`),
      regionPeriods: db.prepare<[string], string>('SELECT period FROM current_uploads WHERE region_code = ? ORDER BY period').pluck(),
      upload: asOfRead<UploadRow>(db, (uploads) =>
        `SELECT ${UPLOAD_COLUMNS} FROM ${uploads} c JOIN uploads u ON u.id = c.upload_id
         WHERE c.region_code = :region AND c.period = :period`),
      uploads: asOfRead<UploadRow>(db, (uploads) =>
        `SELECT ${UPLOAD_COLUMNS} FROM ${uploads} c JOIN uploads u ON u.id = c.upload_id
         WHERE c.period = :period ORDER BY u.region_code`),
      figures: asOfRead<FigureRow>(db, (uploads) =>
        `SELECT ${FIGURE_COLUMNS} FROM ${uploads} c
         JOIN upload_figures f ON f.upload_id = c.upload_id JOIN gemeenten g ON g.code = f.gemeente_code
         WHERE c.period = :period ORDER BY g.name`),
      // One query for a whole series: each upload that counts, with its sums (one row per upload).
      regionSums: effective<SumsRow>(db, (uploads) =>
        `SELECT c.region_code, c.period, u.register_total, ${SUMS} FROM ${uploads} c
         JOIN uploads u ON u.id = c.upload_id JOIN upload_sums s ON s.upload_id = c.upload_id
         WHERE c.region_code = :region ORDER BY c.period`),
      allSums: effective<SumsRow>(db, (uploads) =>
        `SELECT c.region_code, c.period, u.register_total, ${SUMS} FROM ${uploads} c
         JOIN uploads u ON u.id = c.upload_id JOIN upload_sums s ON s.upload_id = c.upload_id
         ORDER BY c.period, c.region_code`),
      gemeenteHistory: effective<FigureRow & { period: string }>(db, (uploads) =>
        `SELECT c.period, ${FIGURE_COLUMNS} FROM gemeenten g
         JOIN ${uploads} c ON c.region_code = g.region_code
         JOIN upload_figures f ON f.upload_id = c.upload_id AND f.gemeente_code = g.code
         WHERE g.code = :gemeente ORDER BY c.period`),
    };
    this.sql = {
      dataVersion: db.prepare<[], number>('PRAGMA data_version').pluck(),
      regions: db.prepare<[], { code: string; name: string }>('SELECT code, name FROM regions ORDER BY code'),
      gemeenten: db.prepare<[], { code: string; name: string; region_code: string }>(
        'SELECT code, name, region_code FROM gemeenten ORDER BY name'),
      latestPeriod: db.prepare<[], string | null>('SELECT max(period) FROM current_uploads').pluck(),
      latestRegionPeriod: db.prepare<[string], string | null>('SELECT max(period) FROM current_uploads WHERE region_code = ?').pluck(),
      periods: db.prepare<[], string>('SELECT DISTINCT period FROM current_uploads ORDER BY period').pluck(),
      currentUpload: db.prepare<[string, string], UploadRow>(
        `SELECT ${UPLOAD_COLUMNS} FROM current_uploads c JOIN uploads u ON u.id = c.upload_id
         WHERE c.region_code = ? AND c.period = ?`),
      currentUploads: db.prepare<[string], UploadRow>(
        `SELECT ${UPLOAD_COLUMNS} FROM current_uploads c JOIN uploads u ON u.id = c.upload_id
         WHERE c.period = ? ORDER BY u.region_code`),
      currentFigures: db.prepare<[string], FigureRow>(
        `SELECT ${FIGURE_COLUMNS} FROM current_uploads c
         JOIN upload_figures f ON f.upload_id = c.upload_id JOIN gemeenten g ON g.code = f.gemeente_code
         WHERE c.period = ? ORDER BY g.name`),
      upload: db.prepare<[number], UploadRow>(`SELECT ${UPLOAD_COLUMNS} FROM uploads u WHERE u.id = ?`),
      figures: db.prepare<[number], FigureRow>(
        `SELECT ${FIGURE_COLUMNS} FROM upload_figures f JOIN gemeenten g ON g.code = f.gemeente_code
         WHERE f.upload_id = ? ORDER BY g.name`),
      listUploads: db.prepare<UploadFilterParams & { limit: number; offset: number }, UploadRow>(
        `SELECT ${UPLOAD_COLUMNS} FROM uploads u WHERE ${UPLOAD_FILTER}
         ORDER BY u.id DESC LIMIT :limit OFFSET :offset`),
      countUploads: db.prepare<UploadFilterParams, number>(`SELECT count(*) FROM uploads u WHERE ${UPLOAD_FILTER}`).pluck(),
      withdraw: db.prepare<[string, string, number]>(
        'UPDATE uploads SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ? AND withdrawn_at IS NULL'),
      currentOf: db.prepare<[number], { region_code: string; period: string }>(
        'SELECT region_code, period FROM current_uploads WHERE upload_id = ?'),
      latestStanding: db.prepare<[string, string], number>(
        `SELECT id FROM uploads WHERE region_code = ? AND period = ? AND withdrawn_at IS NULL
         ORDER BY uploaded_at DESC, id DESC LIMIT 1`).pluck(),
      forgetCurrent: db.prepare<[string, string]>('DELETE FROM current_uploads WHERE region_code = ? AND period = ?'),
      insertUpload: db.prepare<[string, string, number | null, string, string, string, string | null]>(
        `INSERT INTO uploads (region_code, period, register_total, uploaded_by, uploaded_at, source, region_label)
         VALUES (?, ?, ?, ?, ?, ?, ?)`),
      insertFigure: db.prepare<[number | bigint, string, number, number, number, number, string | null, number]>(
        `INSERT INTO upload_figures (upload_id, gemeente_code, gemeente_with_profile, gemeente_without_profile,
           uwv_with_profile, uwv_without_profile, printed_name, position) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      // In the upload's transaction, once its figures are in: what a series reads instead of the figures.
      sumUpload: db.prepare<[number | bigint, number | bigint]>(
        `INSERT INTO upload_sums (upload_id, gemeente_with_profile, gemeente_without_profile, uwv_with_profile, uwv_without_profile)
         SELECT ?, coalesce(sum(gemeente_with_profile), 0), coalesce(sum(gemeente_without_profile), 0),
           coalesce(sum(uwv_with_profile), 0), coalesce(sum(uwv_without_profile), 0)
         FROM upload_figures WHERE upload_id = ?`),
      regionLabels: db.prepare<[string], { region_code: string; region_label: string }>(
        `SELECT c.region_code, u.region_label FROM current_uploads c JOIN uploads u ON u.id = c.upload_id
         WHERE c.period = ? AND u.region_label IS NOT NULL`),
      regionLabel: db.prepare<[number], string | null>('SELECT region_label FROM uploads WHERE id = ?').pluck(),
      printedFigures: db.prepare<[number], PrintedFigureRow>(
        `SELECT ${FIGURE_COLUMNS}, coalesce(f.printed_name, g.name) AS printed_name
         FROM upload_figures f JOIN gemeenten g ON g.code = f.gemeente_code
         WHERE f.upload_id = ? ORDER BY f.position IS NULL, f.position, g.name`),
      makeCurrent: db.prepare<[string, string, number | bigint]>(
        `INSERT INTO current_uploads (region_code, period, upload_id) VALUES (?, ?, ?)
         ON CONFLICT (region_code, period) DO UPDATE SET upload_id = excluded.upload_id`),
      remembered: db.prepare<[string, string, string], { fingerprint: string; answer: string }>(
        'SELECT fingerprint, answer FROM idempotency_keys WHERE client = ? AND key = ? AND expires_at > ?'),
      forgetExpired: db.prepare<[string]>('DELETE FROM idempotency_keys WHERE expires_at <= ?'),
      remember: db.prepare<[string, string, string, string, string]>(
        `INSERT INTO idempotency_keys (client, key, fingerprint, answer, expires_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (client, key) DO NOTHING`),
    };
  }

  isAvailable(): boolean {
    return this.db.open;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }

  async rememberedAnswer(client: string, key: string, now: string): Promise<{ fingerprint: string; answer: string } | undefined> {
    return this.sql.remembered.get(client, key, now);
  }

  /** Inside an upload's transaction: a key taken meanwhile (by another process) undoes the upload. */
  private remember(remember: Remember | undefined, records: UploadRecord[]): void {
    if (!remember) return;
    this.sql.forgetExpired.run(remember.now);
    const { changes } = this.sql.remember.run(remember.client, remember.key, remember.fingerprint, remember.answer(records), remember.expiresAt);
    if (changes === 0) {
      throw new DomainError('conflict', 'Conflict', 'Another request with this Idempotency-Key was stored at the same moment; send it again to get that answer.');
    }
  }

  externalChanges(): number {
    return this.sql.dataVersion.get() as number;
  }

  async referenceData(): Promise<Region[]> {
    const gemeenten = this.sql.gemeenten.all();
    return this.sql.regions.all().map((r) => ({
      code: r.code,
      name: r.name,
      gemeenten: gemeenten.filter((g) => g.region_code === r.code).map((g) => ({ code: g.code, name: g.name })),
    }));
  }

  async latestPeriod(regionCode?: string, asOf?: string): Promise<string | undefined> {
    if (asOf !== undefined) {
      const found = regionCode === undefined ? this.reads.latestPeriod.get({ asOf }) : this.reads.latestRegionPeriod.get({ region: regionCode, asOf });
      return found?.period ?? undefined;
    }
    const period = regionCode === undefined ? this.sql.latestPeriod.get() : this.sql.latestRegionPeriod.get(regionCode);
    return period ?? undefined;
  }

  async regionPeriods(regionCode: string): Promise<string[]> {
    return this.reads.regionPeriods.all(regionCode);
  }

  async uploadSums(regionCode?: string, asOf?: string): Promise<UploadSums[]> {
    const rows = regionCode === undefined ? of(this.reads.allSums, asOf).all({ asOf }) : of(this.reads.regionSums, asOf).all({ region: regionCode, asOf });
    return rows.map(toSums);
  }

  async gemeenteHistory(gemeenteCode: string, asOf?: string): Promise<GemeentePeriodCounts[]> {
    return of(this.reads.gemeenteHistory, asOf).all({ gemeente: gemeenteCode, asOf }).map((r) => ({ period: r.period, row: toCounts(r) }));
  }

  async periods(): Promise<string[]> {
    return this.sql.periods.all();
  }

  async currentUpload(regionCode: string, period: string, asOf?: string): Promise<StoredUpload | undefined> {
    const row = asOf === undefined ? this.sql.currentUpload.get(regionCode, period) : this.reads.upload.get({ region: regionCode, period, asOf });
    return row && { ...toRecord(row), rows: this.sql.figures.all(row.id).map(toCounts) };
  }

  async currentUploads(period: string, asOf?: string): Promise<StoredUpload[]> {
    const byUpload = new Map<number, GemeenteCounts[]>();
    const figures = asOf === undefined ? this.sql.currentFigures.all(period) : this.reads.figures.all({ period, asOf });
    for (const f of figures) {
      const rows = byUpload.get(f.upload_id) ?? [];
      rows.push(toCounts(f));
      byUpload.set(f.upload_id, rows);
    }
    const uploads = asOf === undefined ? this.sql.currentUploads.all(period) : this.reads.uploads.all({ period, asOf });
    return uploads.map((row) => ({ ...toRecord(row), rows: byUpload.get(row.id) ?? [] }));
  }

  async printedUpload(regionCode: string, period: string): Promise<PrintedUpload | undefined> {
    const row = this.sql.currentUpload.get(regionCode, period);
    if (!row) return undefined;
    const rows = this.sql.printedFigures.all(row.id).map((f) => ({ ...toCounts(f), printedName: f.printed_name }));
    return { ...toRecord(row), regionLabel: this.sql.regionLabel.get(row.id) ?? null, rows };
  }

  async regionLabels(period: string): Promise<Map<string, string>> {
    return new Map(this.sql.regionLabels.all(period).map((r) => [r.region_code, r.region_label]));
  }

  // IMMEDIATE: the write lock is held before the instant is taken, so instants follow commit order.
  async saveUploads(uploads: NewUpload[], now: WriteClock, remember?: Remember): Promise<UploadRecord[]> {
    return this.db.transaction(() => {
      const uploadedAt = now();
      const ids = uploads.map((u) => {
        const id = this.sql.insertUpload.run(u.regionCode, u.period, u.registerTotal, u.uploadedBy, uploadedAt, u.source, u.printed?.regionLabel ?? null).lastInsertRowid;
        u.rows.forEach((r, i) => {
          this.sql.insertFigure.run(id, r.code, r.gemeenteClients.withProfile, r.gemeenteClients.withoutProfile,
            r.uwvClients.withProfile, r.uwvClients.withoutProfile, u.printed?.names[i] ?? null, i);
        });
        this.sql.sumUpload.run(id, id);
        this.sql.makeCurrent.run(u.regionCode, u.period, id);
        return Number(id);
      });
      const records = ids.map((id) => toRecord(this.sql.upload.get(id) as UploadRow));
      this.remember(remember, records);
      return records;
    }).immediate();
  }

  async beginStaging(): Promise<Staging> {
    const importId = ++this.imports;
    let seq = 0;
    const forget = () => {
      this.staging.forgetFigures.run(importId);
      this.staging.forgetUploads.run(importId);
    };
    // Each staged upload is one short synchronous transaction on the temp tables only.
    const add = this.db.transaction((u: NewUpload) => {
      seq++;
      this.staging.upload.run(importId, seq, u.regionCode, u.period, u.registerTotal, u.uploadedBy, u.source, u.printed?.regionLabel ?? null);
      u.rows.forEach((r, i) => {
        this.staging.figure.run(importId, seq, r.code, r.gemeenteClients.withProfile, r.gemeenteClients.withoutProfile,
          r.uwvClients.withProfile, r.uwvClients.withoutProfile, u.printed?.names[i] ?? null, i);
      });
    });
    const commit = this.db.transaction((now: WriteClock, remember?: Remember): UploadRecord[] => {
      const uploadedAt = now();
      const records = this.staging.uploads.all(importId).map((u) => {
        const id = this.sql.insertUpload.run(u.region_code, u.period, u.register_total, u.uploaded_by, uploadedAt, u.source, u.region_label).lastInsertRowid;
        const gemeenteCount = this.staging.moveFigures.run(id, importId, u.seq).changes;
        this.sql.sumUpload.run(id, id);
        this.sql.makeCurrent.run(u.region_code, u.period, id);
        return toRecord({ ...u, id: Number(id), uploaded_at: uploadedAt, current: 1, gemeente_count: gemeenteCount, withdrawn_at: null, withdrawn_by: null });
      });
      forget();
      // The records are known here; reading them back would scan current_uploads once per record.
      const last = new Map(records.map((r) => [`${r.regionCode} ${r.period}`, r.id]));
      for (const r of records) r.current = last.get(`${r.regionCode} ${r.period}`) === r.id;
      this.remember(remember, records);
      return records;
    });
    return {
      add: async (u) => add(u),
      // IMMEDIATE, as saveUploads: the instant is taken once the write lock is held.
      commit: async (now, remember) => commit.immediate(now, remember),
      discard: async () => forget(),
    };
  }

  async listUploads(filter: UploadFilter): Promise<UploadRecord[]> {
    return this.sql.listUploads.all({ ...filterParams(filter), limit: filter.limit, offset: filter.offset }).map(toRecord);
  }

  async countUploads(filter: UploadFilter): Promise<number> {
    return this.sql.countUploads.get(filterParams(filter)) as number;
  }

  async withdrawUpload(id: number, withdrawnBy: string, now: WriteClock): Promise<boolean> {
    return this.db.transaction(() => {
      if (this.sql.withdraw.run(now(), withdrawnBy, id).changes === 0) return false;
      const current = this.sql.currentOf.get(id);
      if (current) {
        const previous = this.sql.latestStanding.get(current.region_code, current.period);
        if (previous === undefined) this.sql.forgetCurrent.run(current.region_code, current.period);
        else this.sql.makeCurrent.run(current.region_code, current.period, previous);
      }
      return true;
    }).immediate();
  }

  async getUpload(id: number): Promise<StoredUpload | undefined> {
    const row = this.sql.upload.get(id);
    return row && { ...toRecord(row), rows: this.sql.figures.all(id).map(toCounts) };
  }
}
