/**
 * Databases made by the first release (its migration SQL, test/fixtures/release-1-schema) open with the
 * store of this one, migrate, and answer every read as that release wrote its data: on SQLite and on
 * PostgreSQL alike, also for a withdrawn upload, printed names and a remembered Idempotency-Key.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FiguresStore } from '../../src/domain/ports';
import { FiguresDatabase } from '../../src/storage/figures-store';
import { openPostgres } from '../../src/storage/postgres/postgres-engine';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-engine';
import { freshDatabase } from '../support/postgres-database';
import { currentUpload, saveUploads } from '../support/stores';
import { emptyPostgresDatabase, release1Postgres, release1Sqlite } from './release-1';

type Run = (text: string, values: unknown[]) => Promise<unknown>;

const HENGELO = 'GM0164';
const ALMELO = 'GM0141';
const ENSCHEDE = 'GM0153';
const ALMERE = 'GM0034';

/** What the first release wrote for each upload, statement by statement as its store did. */
async function fillAsRelease1(run: Run): Promise<void> {
  const uploads: Array<[number, string, string, number | null, string, string, string, string | null, Array<[string, number, string | null]>]> = [
    [1, 'AM05', '2026-03', 9000, 'twente', '2026-04-01T10:00:00.000Z', 'json', null, [[ALMELO, 1, null], [HENGELO, 2, null]]],
    [2, 'AM05', '2026-06', 10371, 'twente', '2026-07-01T10:00:00.000Z', 'tsv', '28 Twente', [[HENGELO, 3, 'Hengelo'], [ALMELO, 4, 'Almelo'], [ENSCHEDE, 5, 'Enschede']]],
    [3, 'AM05', '2026-06', 10400, 'other', '2026-07-02T10:00:00.000Z', 'json', null, [[ALMELO, 6, null]]],
    [4, 'AM01', '2026-06', null, 'flevo', '2026-07-03T10:00:00.000Z', 'csv', '1 Flevoland', [[ALMERE, 7, 'Almere']]],
  ];
  // Upload 1 as stored before the first release kept printed names and order (its migration 006).
  for (const [id, region, period, register, by, at, source, label, rows] of uploads) {
    await run('INSERT INTO uploads (region_code, period, register_total, uploaded_by, uploaded_at, source, region_label) VALUES (?, ?, ?, ?, ?, ?, ?)',
      [region, period, register, by, at, source, label]);
    for (const [i, [code, seed, printed]] of rows.entries()) {
      await run(`INSERT INTO upload_figures (upload_id, gemeente_code, gemeente_with_profile, gemeente_without_profile, uwv_with_profile, uwv_without_profile, printed_name, position)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, [id, code, seed, 10 * seed, 100 * seed, 1000 * seed, printed, id === 1 ? null : i]);
    }
    await run(`INSERT INTO upload_sums (upload_id, gemeente_with_profile, gemeente_without_profile, uwv_with_profile, uwv_without_profile)
      SELECT ?, sum(gemeente_with_profile), sum(gemeente_without_profile), sum(uwv_with_profile), sum(uwv_without_profile) FROM upload_figures WHERE upload_id = ?`, [id, id]);
    await run('INSERT INTO current_uploads (region_code, period, upload_id) VALUES (?, ?, ?) ON CONFLICT (region_code, period) DO UPDATE SET upload_id = excluded.upload_id',
      [region, period, id]);
  }
  // Upload 3 withdrawn: upload 2 current again, as the first release's withdrawal left it.
  await run("UPDATE uploads SET withdrawn_at = '2026-07-05T10:00:00.000Z', withdrawn_by = 'twente' WHERE id = ?", [3]);
  await run("UPDATE current_uploads SET upload_id = 2 WHERE region_code = 'AM05' AND period = '2026-06'", []);
  await run("INSERT INTO idempotency_keys (client, key, fingerprint, answer, expires_at) VALUES ('twente', 'k1', 'f1', '[\"answer\"]', '2026-07-02T10:00:00.000Z')", []);
}

/** Every read of the port, over the data fillAsRelease1 wrote. */
async function readAll(store: FiguresStore): Promise<Record<string, unknown>> {
  const list = { limit: 10, offset: 0 };
  return {
    regions: (await store.referenceData()).length,
    periods: await store.periods(),
    twentePeriods: await store.periods('AM05'),
    latest: await store.latestPeriod(),
    latestBefore: await store.latestPeriod('AM05', '2026-05-01T00:00:00.000Z'),
    june: await store.currentUploads('2026-06'),
    juneWhileWithdrawnStood: await store.currentUploads('2026-06', { regionCode: 'AM05', asOf: '2026-07-04T00:00:00.000Z' }),
    uploads: await Promise.all([1, 2, 3, 4].map((id) => store.getUpload(id))),
    list: await store.listUploads(list),
    listed: await store.countUploads({ ...list, regionCode: 'AM05' }),
    sums: await store.uploadSums(),
    sumsThen: await store.uploadSums('AM05', '2026-07-04T00:00:00.000Z'),
    history: await store.gemeenteHistory(ALMELO),
    historyThen: await store.gemeenteHistory(ALMELO, '2026-07-04T00:00:00.000Z'),
    printed: await store.printedUpload('AM05', '2026-06'),
    unprinted: await store.printedUpload('AM05', '2026-03'),
    labels: [...(await store.regionLabels('2026-06'))].sort(), // a map by region: its order is not the store's to keep
    remembered: await store.rememberedAnswer('twente', 'k1', '2026-07-01T00:00:00.000Z'),
  };
}

describe('A database of the first release, opened by this one', () => {
  let dir: string;
  let database: { url: string; drop(): Promise<void> };
  let sqlite: FiguresDatabase;
  let pg: FiguresDatabase;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sonar-release-1-'));
    const file = path.join(dir, 'sonar.db');
    const old = release1Sqlite(file);
    await fillAsRelease1(async (text, values) => old.prepare(text).run(...values));
    old.close();
    database = await emptyPostgresDatabase();
    const client = await release1Postgres(database.url);
    await fillAsRelease1((text, values) => {
      let n = 0;
      return client.query(text.replace(/\?/g, () => `$${++n}`), values);
    });
    await client.end();
    sqlite = await openSqliteStore(file);
    pg = await openPostgres(database.url);
  });

  afterAll(async () => {
    await sqlite?.close();
    await pg?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test('When it is opened, then both engines answer every read alike, as the first release wrote the data', async () => {
    const reads = await readAll(sqlite);

    expect(await readAll(pg)).toEqual(reads);
    expect(reads.periods).toEqual(['2026-03', '2026-06']);
    expect((reads.june as Array<{ id: number }>).map((u) => u.id)).toEqual([4, 2]);
    expect((reads.juneWhileWithdrawnStood as Array<{ id: number }>).map((u) => u.id)).toEqual([3]);
    expect((reads.uploads as Array<{ withdrawnBy: string | null; current: boolean; gemeenteCount: number }>).map((u) => [u.withdrawnBy, u.current, u.gemeenteCount]))
      .toEqual([[null, true, 2], [null, true, 3], ['twente', false, 1], [null, true, 1]]);
    expect(reads.printed).toMatchObject({ id: 2, regionLabel: '28 Twente', rows: [{ code: HENGELO, printedName: 'Hengelo' }, { code: ALMELO, printedName: 'Almelo' }, { code: ENSCHEDE, printedName: 'Enschede' }] });
    expect(reads.unprinted).toMatchObject({ id: 1, regionLabel: null, rows: [{ code: ALMELO, printedName: 'Almelo' }, { code: HENGELO, printedName: 'Hengelo (O.)' }] });
    expect(reads.labels).toEqual([['AM01', '1 Flevoland'], ['AM05', '28 Twente']]);
    expect((reads.history as Array<{ period: string; row: { gemeenteClients: { withProfile: number } } }>).map((h) => [h.period, h.row.gemeenteClients.withProfile]))
      .toEqual([['2026-03', 1], ['2026-06', 4]]);
    expect((reads.historyThen as Array<{ row: { gemeenteClients: { withProfile: number } } }>).map((h) => h.row.gemeenteClients.withProfile)).toEqual([1, 6]);
    expect(reads.remembered).toEqual({ fingerprint: 'f1', answer: '["answer"]' });
    expect(reads.listed).toBe(3);
  });

  test('When it is written to after migrating, then both engines give the next upload the next id, and it counts', async () => {
    const row = { code: ALMELO, name: 'Almelo', gemeenteClients: { withProfile: 8, withoutProfile: 80 }, uwvClients: { withProfile: 800, withoutProfile: 8000 } };
    const upload = { regionCode: 'AM05', period: '2026-06', registerTotal: 10500, uploadedBy: 'twente', source: 'json' as const, rows: [row] };

    for (const store of [sqlite, pg]) {
      const [record] = await saveUploads(store, [upload], () => '2026-08-01T10:00:00.000Z');
      expect(record).toMatchObject({ id: 5, current: true, gemeenteCount: 1 });
      expect((await currentUpload(store, 'AM05', '2026-06'))?.id).toBe(5);
      expect(await store.withdrawUpload(5, 'twente', () => '2026-08-02T10:00:00.000Z')).toBe(true);
      expect((await currentUpload(store, 'AM05', '2026-06'))?.id).toBe(2);
    }
  });
});

describe('Ids no upload can have (issue 22)', () => {
  test.each(['sqlite', 'postgres'] as const)('When an id is beyond the id column or below 1, then the %s store finds no upload, withdraws none, and lists none past its offset', async (kind) => {
    const database = kind === 'postgres' ? await freshDatabase() : undefined;
    const dir = mkdtempSync(path.join(tmpdir(), 'sonar-ids-'));
    const store = database ? await openPostgres(database.url) : await openSqliteStore(path.join(dir, 'sonar.db'));
    try {
      for (const id of [2 ** 31, 2 ** 53, 0, -1]) {
        expect(await store.getUpload(id)).toBeUndefined();
        expect(await store.withdrawUpload(id, 'writer', () => '2026-08-02T10:00:00.000Z')).toBe(false);
      }
      expect(await store.listUploads({ limit: 2 ** 40, offset: 2 ** 40 })).toEqual([]);
      expect(await store.listUploads({ limit: 2 ** 40, offset: 0 })).toEqual([]);
    } finally {
      await store.close();
      await database?.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('The schema this release makes', () => {
  test('When a new database is made, then it has the tables, columns and indexes a first-release database has once migrated, on both engines', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sonar-schema-'));
    const sqliteSchema = (db: import('better-sqlite3').Database) => db.prepare(`SELECT m.type, m.name, p.name AS col, p.type AS coltype, p."notnull", p.pk
        FROM sqlite_schema m LEFT JOIN pragma_table_info(m.name) p WHERE m.name NOT LIKE 'sqlite_%' ORDER BY m.name, p.cid`).all();
    const pgSchema = async (url: string) => {
      const { Client } = await import('pg');
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        const columns = await client.query(`SELECT table_name, column_name, data_type, collation_name, is_nullable, is_identity
          FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`);
        const indexes = await client.query("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname");
        return { columns: columns.rows, indexes: indexes.rows };
      } finally {
        await client.end();
      }
    };
    const fresh = await emptyPostgresDatabase();
    const old = await emptyPostgresDatabase();
    try {
      release1Sqlite(path.join(dir, 'old.db')).close();
      const stores = [await openSqliteStore(path.join(dir, 'new.db')), await openSqliteStore(path.join(dir, 'old.db'))];
      for (const s of stores) await s.close();
      const Database = (await import('better-sqlite3')).default;
      const [made, migrated] = ['new.db', 'old.db'].map((f) => new Database(path.join(dir, f), { readonly: true }));
      expect(sqliteSchema(made)).toEqual(sqliteSchema(migrated));
      made.close();
      migrated.close();

      await (await release1Postgres(old.url)).end();
      for (const url of [fresh.url, old.url]) await (await openPostgres(url)).close();
      expect(await pgSchema(fresh.url)).toEqual(await pgSchema(old.url));
    } finally {
      await fresh.drop();
      await old.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
