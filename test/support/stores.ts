import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { FiguresStore, NewUpload, Remember, UploadRecord, WriteClock } from '../../src/domain/ports';
import { FiguresDatabase } from '../../src/storage/figures-store';
import { openPostgres } from '../../src/storage/postgres/postgres-engine';
import { openSqliteStore, SqliteEngine } from '../../src/storage/sqlite/sqlite-engine';
import { borrowDatabase, pgbouncerPort } from './postgres-database';

/**
 * The stores the tests can run against; `TEST_STORE` picks one for the store-agnostic suites. `pgbouncer`:
 * PostgreSQL through the run's pgbouncer in transaction mode (DATABASE_POOL_MODE=transaction).
 */
export const STORE_KINDS = ['sqlite', 'postgres', 'pgbouncer'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

/** A fresh, empty store (migrated, with reference data) and the configuration that points the service at it. */
export interface TestStore {
  kind: StoreKind;
  store: FiguresStore;
  /** DATABASE_PATH or DATABASE_URL, as the service's configuration would name this store. */
  config: Record<string, string>;
  /** Closes the store and removes what it was kept in. */
  close(): Promise<void>;
}

export function testStoreKind(): StoreKind {
  const kind = process.env.TEST_STORE ?? 'sqlite';
  if (!(STORE_KINDS as readonly string[]).includes(kind)) throw new Error(`TEST_STORE must be one of ${STORE_KINDS.join(', ')}, not "${kind}".`);
  return kind as StoreKind;
}

/** A SQLite store on `file`, or on a new file in a temporary folder that closing removes. */
export async function createSqliteStore(file?: string): Promise<TestStore> {
  const dir = file === undefined ? mkdtempSync(path.join(tmpdir(), 'sonar-store-')) : undefined;
  const databasePath = file ?? path.join(dir as string, 'sonar.db');
  const store = await openSqliteStore(databasePath);
  return {
    kind: 'sqlite',
    store,
    config: { DATABASE_PATH: databasePath },
    close: async () => {
      await store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A PostgreSQL store on this test file's database of the run's throwaway cluster, emptied first: directly,
 * or through the run's pgbouncer in transaction mode.
 */
export async function createPostgresStore(through: 'direct' | 'pgbouncer' = 'direct'): Promise<TestStore> {
  const database = await borrowDatabase();
  const pooled = through === 'pgbouncer';
  const url = pooled ? `postgres://postgres@127.0.0.1:${pgbouncerPort()}/${database.name}` : database.url;
  const store = await openPostgres(url, { poolMode: pooled ? 'transaction' : 'session' });
  return {
    kind: pooled ? 'pgbouncer' : 'postgres',
    store,
    config: pooled ? { DATABASE_URL: url, DATABASE_POOL_MODE: 'transaction' } : { DATABASE_URL: url },
    close: async () => {
      await store.close();
      database.release();
    },
  };
}

export async function createTestStore(kind: StoreKind = testStoreKind()): Promise<TestStore> {
  switch (kind) {
    case 'sqlite':
      return createSqliteStore();
    case 'postgres':
      return createPostgresStore();
    case 'pgbouncer':
      return createPostgresStore('pgbouncer');
  }
}

/** The SQLite connection under a store, for the tests that are about SQLite itself. */
export function sqliteDb(store: FiguresStore): Database.Database {
  if (!(store instanceof FiguresDatabase) || !(store.engine instanceof SqliteEngine)) throw new Error('This test is about SQLite and runs on the SQLite store only.');
  return store.engine.raw;
}

/** Stores uploads the one way a store does, staged then committed: for tests that write below the use cases. */
export async function saveUploads(store: FiguresStore, uploads: NewUpload[], now: WriteClock, remember?: Remember): Promise<UploadRecord[]> {
  const staging = await store.beginStaging();
  try {
    for (const upload of uploads) await staging.add(upload);
    return await staging.commit(now, remember);
  } finally {
    await staging.discard();
  }
}

/** The upload that counts for one region and period, now or as of an instant. */
export async function currentUpload(store: FiguresStore, regionCode: string, period: string, asOf?: string) {
  return (await store.currentUploads(period, { regionCode, asOf }))[0];
}
