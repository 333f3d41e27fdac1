import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DB_DIR } from '../paths';

export type Db = Database.Database;

const MIGRATION_FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;

/** Opens (creating if needed) the database, brings its schema up to date and loads the reference data. */
export function openDatabase(file: string, dbDir = DB_DIR): Db {
  if (file !== ':memory:') mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL'); // with WAL: durable at every checkpoint, never corrupt
  db.pragma('busy_timeout = 5000');
  migrate(db, path.join(dbDir, 'migrations'));
  loadReferenceData(db, path.join(dbDir, 'reference'));
  return db;
}

/** Applies every migration not yet recorded, in order, each in its own transaction. */
export function migrate(db: Db, dir: string): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  const files = readdirSync(dir).filter((f) => MIGRATION_FILE.test(f)).sort();
  const done: number[] = [];
  for (const file of files) {
    const version = Number(MIGRATION_FILE.exec(file)?.[1]);
    if (applied.has(version)) continue;
    const sql = readFileSync(path.join(dir, file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      record.run(version, file, new Date().toISOString());
    })();
    done.push(version);
  }
  return done;
}

interface RegionCsvRow { arbeidsmarktregiocode: string; arbeidsmarktregionaam: string }
interface GemeenteCsvRow { gemeentecode: string; gemeentenaam: string; arbeidsmarktregiocode: string }

/** Loads the CBS regions and gemeenten on first start; a database that has them is left alone. */
export function loadReferenceData(db: Db, dir: string): boolean {
  const count = db.prepare('SELECT count(*) FROM regions').pluck().get() as number;
  if (count > 0) return false;
  const read = <T>(file: string): T[] => parse(readFileSync(path.join(dir, file)), { columns: true, skip_empty_lines: true, trim: true, bom: true });
  const regions = read<RegionCsvRow>('arbeidsmarktregios-2026.csv');
  const gemeenten = read<GemeenteCsvRow>('gemeenten-2026.csv');
  const insertRegion = db.prepare('INSERT INTO regions (code, name) VALUES (?, ?)');
  const insertGemeente = db.prepare('INSERT INTO gemeenten (code, name, region_code) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (const r of regions) insertRegion.run(r.arbeidsmarktregiocode, r.arbeidsmarktregionaam);
    for (const g of gemeenten) insertGemeente.run(g.gemeentecode, g.gemeentenaam, g.arbeidsmarktregiocode);
  })();
  return true;
}
