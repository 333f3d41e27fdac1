import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DB_DIR } from '../paths';

export type Db = Database.Database;

const MIGRATION_FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;
const BUSY_TIMEOUT_MS = 5000;

/**
 * Switching a new file to WAL needs it to itself, and SQLite answers BUSY at once, without waiting, when
 * another process is doing the same: so wait here, briefly and a bounded number of times.
 */
function whenNotBusy<T>(run: () => T): T {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited += 10) {
    try {
      return run();
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || waited >= BUSY_TIMEOUT_MS) throw error;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

/** Opens (creating if needed) the database, brings its schema up to date and loads the reference data. */
export function openDatabase(file: string, dbDir = DB_DIR): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`); // first: other processes may be opening the same file right now
  whenNotBusy(() => db.pragma('journal_mode = WAL'));
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = FULL'); // an answered upload survives a power cut, not only a crash
  migrate(db, path.join(dbDir, 'migrations'));
  loadReferenceData(db, path.join(dbDir, 'reference'));
  return db;
}

/** Applies every migration not yet recorded, in order, each in its own transaction. */
export function migrate(db: Db, dir: string): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const isApplied = db.prepare('SELECT 1 FROM schema_migrations WHERE version = ?').pluck();
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const files = readdirSync(dir).filter((f) => MIGRATION_FILE.test(f)).sort();
  const done: number[] = [];
  for (const file of files) {
    const version = Number(MIGRATION_FILE.exec(file)?.[1]);
    // IMMEDIATE takes the write lock before looking, so two processes never both apply a migration.
    db.transaction(() => {
      if (isApplied.get(version)) return;
      db.exec(readFileSync(path.join(dir, file), 'utf8'));
      record.run(version, file, new Date().toISOString());
      done.push(version);
    }).immediate();
  }
  return done;
}

interface RegionCsvRow { arbeidsmarktregiocode: string; arbeidsmarktregionaam: string }
interface GemeenteCsvRow { gemeentecode: string; gemeentenaam: string; arbeidsmarktregiocode: string }

/** Loads the CBS regions and gemeenten on first start; a database that has them is left alone. */
export function loadReferenceData(db: Db, dir: string): boolean {
  const count = db.prepare('SELECT count(*) FROM regions').pluck();
  if ((count.get() as number) > 0) return false;
  const read = <T>(file: string): T[] => parse(readFileSync(path.join(dir, file)), { columns: true, skip_empty_lines: true, trim: true, bom: true });
  const regions = read<RegionCsvRow>('arbeidsmarktregios-2026.csv');
  const gemeenten = read<GemeenteCsvRow>('gemeenten-2026.csv');
  const insertRegion = db.prepare('INSERT INTO regions (code, name) VALUES (?, ?)');
  const insertGemeente = db.prepare('INSERT INTO gemeenten (code, name, region_code) VALUES (?, ?, ?)');
  return db.transaction(() => {
    if ((count.get() as number) > 0) return false; // another process loaded it meanwhile
    for (const r of regions) insertRegion.run(r.arbeidsmarktregiocode, r.arbeidsmarktregionaam);
    for (const g of gemeenten) insertGemeente.run(g.gemeentecode, g.gemeentenaam, g.arbeidsmarktregiocode);
    return true;
  }).immediate();
}
