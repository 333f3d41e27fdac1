/**
 * Databases as the first release made them: its migration SQL (kept in test/fixtures/release-1-schema, as
 * db/migrations then held it) applied and recorded as that release did, with its reference data.
 */
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import { DB_DIR } from '../../src/paths';
import { randomBytes } from 'node:crypto';
import { FIXTURES } from '../support/factories';
import { clusterPort } from '../support/postgres-database';

const SCHEMA = path.join(FIXTURES, 'release-1-schema');

const reference = () => {
  const read = (file: string): Array<Record<string, string>> => parse(readFileSync(path.join(DB_DIR, 'reference', file)), { columns: true, skip_empty_lines: true, trim: true, bom: true });
  return {
    regions: read('arbeidsmarktregios-2026.csv').map((r) => [r.arbeidsmarktregiocode, r.arbeidsmarktregionaam]),
    gemeenten: read('gemeenten-2026.csv').map((g) => [g.gemeentecode, g.gemeentenaam, g.arbeidsmarktregiocode]),
  };
};

/** A SQLite file of the first release, its migrations applied up to `upTo` (all six by default). */
export function release1Sqlite(file: string, upTo = 6): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  for (const name of readdirSync(SCHEMA).filter((f) => f.endsWith('.sql')).sort()) {
    const version = Number(name.slice(0, 3));
    if (version > upTo) continue;
    db.exec(readFileSync(path.join(SCHEMA, name), 'utf8'));
    db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(version, name, '2026-06-01T00:00:00.000Z');
  }
  const { regions, gemeenten } = reference();
  for (const r of regions) db.prepare('INSERT INTO regions (code, name) VALUES (?, ?)').run(...r);
  for (const g of gemeenten) db.prepare('INSERT INTO gemeenten (code, name, region_code) VALUES (?, ?, ?)').run(...g);
  return db;
}

/** A PostgreSQL database of the first release: its one migration applied and recorded, with reference data. */
export async function release1Postgres(url: string): Promise<Client> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  await client.query(readFileSync(path.join(SCHEMA, 'postgres', '001_initial.sql'), 'utf8'));
  await client.query("INSERT INTO schema_migrations VALUES (1, '001_initial.sql', '2026-06-01T00:00:00.000Z')");
  const { regions, gemeenten } = reference();
  for (const r of regions) await client.query('INSERT INTO regions (code, name) VALUES ($1, $2)', r);
  for (const g of gemeenten) await client.query('INSERT INTO gemeenten (code, name, region_code) VALUES ($1, $2, $3)', g);
  return client;
}

/** An empty database in the run's cluster (not the migrated template's copy), with a way to drop it. */
export async function emptyPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const port = clusterPort();
  const name = `sonar_empty_${randomBytes(6).toString('hex')}`;
  const admin = async (text: string) => {
    const client = new Client({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres` });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name} TEMPLATE template0`);
  return { url: `postgres://postgres@127.0.0.1:${port}/${name}`, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
