import { parse } from 'csv-parse/sync';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { ClientBase } from 'pg';

const MIGRATION_FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;

/** One key for every instance of the service: whoever holds it migrates; the others wait, then find it done. */
const MIGRATION_LOCK = 0x50_4e_41_52; // "SONAR" shortened to fit, any constant will do

/**
 * Applies every migration not yet recorded, in order, and loads the reference data if the database has
 * none: all in one transaction that first takes a transaction-level advisory lock, so that instances
 * starting at once never race (the others wait, then find the work done). A session lock would not do:
 * behind a transaction pooler the statements of one session run on different server connections, so the
 * unlock would miss the lock and leave it held by a pooled connection. PostgreSQL's DDL is transactional,
 * so a failed start-up leaves the database as it was. Returns the versions it applied.
 */
export async function migratePostgres(client: ClientBase, dbDir: string): Promise<number[]> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const dir = path.join(dbDir, 'migrations', 'postgres');
    const applied = new Set((await client.query<{ version: number }>('SELECT version FROM schema_migrations')).rows.map((r) => r.version));
    const done: number[] = [];
    for (const file of readdirSync(dir).filter((f) => MIGRATION_FILE.test(f)).sort()) {
      const version = Number(MIGRATION_FILE.exec(file)?.[1]);
      if (applied.has(version)) continue;
      await client.query(readFileSync(path.join(dir, file), 'utf8'));
      await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [version, file, new Date().toISOString()]);
      done.push(version);
    }
    await loadReferenceData(client, path.join(dbDir, 'reference'));
    await client.query('COMMIT');
    return done;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

interface RegionCsvRow { arbeidsmarktregiocode: string; arbeidsmarktregionaam: string }
interface GemeenteCsvRow { gemeentecode: string; gemeentenaam: string; arbeidsmarktregiocode: string }

/** The CBS regions and gemeenten, loaded once (inside the migrations' transaction): a database that has them is left alone. */
async function loadReferenceData(client: ClientBase, dir: string): Promise<boolean> {
  const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM regions');
  if (rows[0].n > 0) return false;
  const read = <T>(file: string): T[] => parse(readFileSync(path.join(dir, file)), { columns: true, skip_empty_lines: true, trim: true, bom: true });
  const regions = read<RegionCsvRow>('arbeidsmarktregios-2026.csv');
  const gemeenten = read<GemeenteCsvRow>('gemeenten-2026.csv');
  await client.query('INSERT INTO regions (code, name) SELECT * FROM unnest($1::text[], $2::text[])',
    [regions.map((r) => r.arbeidsmarktregiocode), regions.map((r) => r.arbeidsmarktregionaam)]);
  await client.query('INSERT INTO gemeenten (code, name, region_code) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])',
    [gemeenten.map((g) => g.gemeentecode), gemeenten.map((g) => g.gemeentenaam), gemeenten.map((g) => g.arbeidsmarktregiocode)]);
  return true;
}
