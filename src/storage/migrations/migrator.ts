import { parse } from 'csv-parse/sync';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Schema } from '../schema';
import { loadShippedClassifications } from '../classification-files';
import { type Dialect, flavorOf, type Migration, MIGRATIONS } from './migrations';

/** Runs `body` in a transaction that no other process or instance migrating the same database runs beside. */
export type Exclusively = <T>(body: (db: Kysely<Schema>) => Promise<T>) => Promise<T>;

/**
 * `body` in one transaction on one connection of `db`, begun with `begin` (each engine says how it takes its
 * lock), committed, or rolled back when `body` fails; not on a connection `lost` says is gone, where a
 * rollback could only fail again. Kysely's own transaction cannot begin with SQLite's IMMEDIATE.
 */
export function transactionOn<T>(db: Kysely<Schema>, begin: string, body: (db: Kysely<Schema>) => Promise<T>, lost = (_error: unknown) => false): Promise<T> {
  return db.connection().execute(async (connection) => {
    await connection.executeQuery(CompiledQuery.raw(begin));
    try {
      const result = await body(connection);
      await connection.executeQuery(CompiledQuery.raw('commit'));
      return result;
    } catch (error) {
      if (!lost(error)) await connection.executeQuery(CompiledQuery.raw('rollback')).catch(() => undefined);
      throw error;
    }
  });
}

/**
 * The first release's PostgreSQL schema was one migration, version 1, holding versions 1-7 of this history.
 * Such a database records them here, so that it goes on from 8 as a SQLite file of that release does.
 */
async function adoptFirstRelease(db: Kysely<Schema>, dialect: Dialect, applied: Set<number>, now: string): Promise<void> {
  if (dialect !== 'postgres' || !applied.has(1) || applied.has(2)) return;
  const adopted = MIGRATIONS.filter((m) => m.version > 1 && m.version <= 7);
  await db.insertInto('schema_migrations')
    .values(adopted.map((m) => ({ version: m.version, name: `${m.name} (in version 1 of the first release)`, applied_at: now })))
    .execute();
  for (const m of adopted) applied.add(m.version);
}

/**
 * Applies every migration not yet recorded, in order, then loads the reference data if the database has
 * none: all in one exclusive transaction, so that processes starting at once never race (the others wait,
 * then find the work done) and a failed start leaves the database as it was. Returns the versions applied.
 */
export async function migrate(exclusively: Exclusively, dialect: Dialect, dbDir: string, migrations: Migration[] = MIGRATIONS): Promise<number[]> {
  return exclusively(async (db) => {
    await db.schema.createTable('schema_migrations').ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();
    const now = new Date().toISOString();
    const applied = new Set((await db.selectFrom('schema_migrations').select('version').execute()).map((r) => r.version));
    await adoptFirstRelease(db, dialect, applied, now);
    const done: number[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      await m.up(db as Kysely<unknown>, flavorOf(dialect));
      await db.insertInto('schema_migrations').values({ version: m.version, name: m.name, applied_at: now }).execute();
      done.push(m.version);
    }
    await loadReferenceData(db, path.join(dbDir, 'reference'));
    await loadShippedClassifications(db, path.join(dbDir, 'classifications'), now);
    return done;
  });
}

interface RegionCsvRow { arbeidsmarktregiocode: string; arbeidsmarktregionaam: string }
interface GemeenteCsvRow { gemeentecode: string; gemeentenaam: string; arbeidsmarktregiocode: string }

/** The CBS regions and gemeenten, loaded once: a database that has them is left alone. */
async function loadReferenceData(db: Kysely<Schema>, dir: string): Promise<boolean> {
  const { n } = await db.selectFrom('regions').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  if (Number(n) > 0) return false;
  const read = <T>(file: string): T[] => parse(readFileSync(path.join(dir, file)), { columns: true, skip_empty_lines: true, trim: true, bom: true });
  const regions = read<RegionCsvRow>('arbeidsmarktregios-2026.csv');
  const gemeenten = read<GemeenteCsvRow>('gemeenten-2026.csv');
  await db.insertInto('regions').values(regions.map((r) => ({ code: r.arbeidsmarktregiocode, name: r.arbeidsmarktregionaam }))).execute();
  await db.insertInto('gemeenten').values(gemeenten.map((g) => ({ code: g.gemeentecode, name: g.gemeentenaam, region_code: g.arbeidsmarktregiocode }))).execute();
  return true;
}
