/**
 * The PostgreSQL store on a real throwaway cluster, through the port's methods: every answer compared with
 * the SQLite store's for the same calls, and what only several instances on one database can show —
 * concurrent writers, change notification, the fallback version check, migrations started at once, outages.
 */
import { Client } from 'pg';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DomainError } from '../../src/domain/errors';
import { NewUpload, Remember, WriteClock } from '../../src/domain/ports';
import { Region } from '../../src/domain/reference';
import type { Touched } from '../../src/domain/staleness';
import { FiguresDatabase } from '../../src/storage/figures-store';
import { STAGING_BATCH_ROWS } from '../../src/storage/engine';
import { openPostgres } from '../../src/storage/postgres/postgres-engine';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-engine';
import { startCluster } from '../support/postgres-cluster';
import { freshDatabase, TestDatabase } from '../support/postgres-database';
import { currentUpload, saveUploads, sqliteDb } from '../support/stores';

let regions: Region[];

/** An upload of every gemeente of a region, its counts derived from `marker` so that uploads differ. */
function upload(regionCode: string, period: string, marker: number, source: NewUpload['source'] = 'json'): NewUpload {
  const region = regions.find((r) => r.code === regionCode) as Region;
  return {
    regionCode, period, registerTotal: 1000 + marker, uploadedBy: 'writer', source,
    rows: region.gemeenten.map((g, i) => ({
      code: g.code, name: g.name,
      gemeenteClients: { withProfile: marker + i, withoutProfile: 2 * marker },
      uwvClients: { withProfile: i, withoutProfile: marker },
    })),
  };
}

/** The write instant a store asks for inside its transaction. */
const at = (instant: string): WriteClock => () => instant;

const remembering = (key: string, now: string): Remember => ({
  client: 'writer', key, fingerprint: `fp-${key}`, now, expiresAt: '2099-01-01T00:00:00.000Z',
  answer: (records) => JSON.stringify(records.map((r) => r.id)),
});

/** Month `i` counted from 2010-01. */
const month = (i: number) => `${2010 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;

/** Waits for a condition that another connection's commit makes true; fails after `ms`. */
async function eventually(condition: () => boolean, ms = 5000): Promise<number> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return Date.now() - start;
}

describe('FiguresDatabase answers every read and write as the SQLite store does', () => {
  let database: TestDatabase;
  let pg: FiguresDatabase;
  let sqlite: FiguresDatabase;
  let dir: string;

  beforeAll(async () => {
    database = await freshDatabase();
    pg = await openPostgres(database.url);
    dir = mkdtempSync(path.join(tmpdir(), 'sonar-pg-vs-sqlite-'));
    sqlite = await openSqliteStore(path.join(dir, 'sonar.db'));
    regions = await pg.referenceData();
  });

  afterAll(async () => {
    await pg?.close();
    await sqlite?.close();
    await database?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs the same call on both stores and expects the same answer. */
  async function both<T>(call: (store: FiguresDatabase) => T | Promise<T>): Promise<T> {
    const expected = await call(sqlite);
    const actual = await call(pg);
    expect(actual).toEqual(expected);
    return actual;
  }

  test('When nothing is uploaded yet, then the reference data and the empty reads are the same', async () => {
    const reference = await both((s) => s.referenceData());
    expect(reference.find((r) => r.code === 'AM05')?.gemeenten.some((g) => g.code === 'GM0141' && g.name === 'Almelo')).toBe(true);
    await both((s) => s.latestPeriod());
    await both((s) => s.periods());
    await both((s) => s.currentUploads('2026-06'));
    await both((s) => s.countUploads({ limit: 10, offset: 0 }));
  });

  test('When uploads are saved, replaced, staged, withdrawn and remembered, then every read answers the same on both', async () => {
    await both((s) => saveUploads(s, [upload('AM05', '2026-03', 1), upload('AM01', '2026-03', 2)], at('2026-04-01T10:00:00.000Z')));
    await both((s) => saveUploads(s, [upload('AM05', '2026-06', 3)], at('2026-07-01T10:00:00.000Z'), remembering('k1', '2026-07-01T10:00:00.000Z')));
    await both((s) => saveUploads(s, [upload('AM05', '2026-06', 4)], at('2026-07-02T10:00:00.000Z')));
    // A table import: staged as it is read, committed at once; a discarded one leaves nothing.
    const staged = await both(async (s) => {
      const staging = await s.beginStaging();
      await staging.add(upload('AM05', '2026-09', 5, 'tsv'));
      await staging.add(upload('AM01', '2026-09', 6, 'tsv'));
      await staging.add(upload('AM05', '2026-09', 7, 'tsv'));
      const records = await staging.commit(at('2026-10-01T10:00:00.000Z'), remembering('k2', '2026-10-01T10:00:00.000Z'));
      await staging.discard();
      return records;
    });
    expect(staged.map((r) => r.current)).toEqual([false, true, true]);
    await both(async (s) => {
      const staging = await s.beginStaging();
      await staging.add(upload('AM05', '2026-12', 8, 'csv'));
      await staging.discard();
      return s.periods();
    });
    // As a table prints them: the region's label, names as written, in the table's order (not the CBS order).
    const printed = (u: NewUpload): NewUpload => {
      const rows = [...u.rows].reverse();
      return { ...u, rows, printed: { regionLabel: `${Number(u.regionCode.slice(2))} ${regions.find((r) => r.code === u.regionCode)?.name}`, names: rows.map((r) => `${r.name} (as printed)`) } };
    };
    await both((s) => saveUploads(s, [printed(upload('AM01', '2026-06', 11))], at('2026-07-01T11:00:00.000Z')));
    await both(async (s) => {
      const staging = await s.beginStaging();
      await staging.add(printed(upload('AM02', '2026-06', 12, 'tsv')));
      return staging.commit(at('2026-07-01T12:00:00.000Z'));
    });
    const twente = await both((s) => s.printedUpload('AM01', '2026-06'));
    expect(twente?.rows[0].printedName).toMatch(/\(as printed\)$/);
    await both((s) => s.printedUpload('AM02', '2026-06'));
    await both((s) => s.printedUpload('AM05', '2026-06'));
    await both((s) => s.printedUpload('AM05', '2030-06'));
    expect([...(await both((s) => s.regionLabels('2026-06'))).keys()].sort()).toEqual(['AM01', 'AM02']);

    expect(await both((s) => s.withdrawUpload(4, 'writer', at('2026-07-03T10:00:00.000Z')))).toBe(true);
    expect(await both((s) => s.withdrawUpload(4, 'writer', at('2026-07-04T10:00:00.000Z')))).toBe(false);

    const instants = [undefined, '2026-04-01T10:00:00.000Z', '2026-07-01T12:00:00.000Z', '2026-07-02T12:00:00.000Z', '2026-07-03T12:00:00.000Z', '2030-01-01T00:00:00.000Z'];
    for (const asOf of instants) {
      await both((s) => s.latestPeriod(undefined, asOf));
      await both((s) => s.latestPeriod('AM05', asOf));
      await both((s) => s.latestPeriod('AM99', asOf));
      await both((s) => currentUpload(s, 'AM05', '2026-06', asOf));
      await both((s) => s.currentUploads('2026-09', { asOf }));
      await both((s) => s.uploadSums(undefined, asOf));
      await both((s) => s.uploadSums('AM05', asOf));
      await both((s) => s.gemeenteHistory('GM0141', asOf));
    }
    expect(await both((s) => s.periods())).toEqual(['2026-03', '2026-06', '2026-09']);
    await both((s) => s.periods('AM05'));
    for (const id of [1, 2, 3, 4, 5, 6, 7, 8, 9, 99]) await both((s) => s.getUpload(id));
    await both((s) => s.listUploads({ limit: 3, offset: 1 }));
    await both((s) => s.listUploads({ regionCode: 'AM05', period: '2026-06', uploadedBy: 'writer', limit: 10, offset: 0 }));
    expect(await both((s) => s.countUploads({ regionCode: 'AM05', limit: 1, offset: 0 }))).toBe(5);
    expect(await both((s) => s.countUploads({ limit: 1, offset: 0 }))).toBe(9);
    expect(await both((s) => s.rememberedAnswer('writer', 'k1', '2026-07-01T11:00:00.000Z'))).toEqual({ fingerprint: 'fp-k1', answer: '[3]' });
    await both((s) => s.rememberedAnswer('writer', 'k2', '2026-10-01T11:00:00.000Z'));
    expect(await both((s) => s.rememberedAnswer('writer', 'k1', '2100-01-01T00:00:00.000Z'))).toBeUndefined();
  });

  test('When a key is used again, then the second upload is refused as a conflict and nothing of it is stored', async () => {
    const before = await pg.countUploads({ limit: 1, offset: 0 });
    const sqliteError = await Promise.resolve().then(() => saveUploads(sqlite, [upload('AM05', '2027-03', 9)], at('2027-04-01T10:00:00.000Z'), remembering('k1', '2026-07-01T11:00:00.000Z'))).catch((e: unknown) => e);
    const pgError = await saveUploads(pg, [upload('AM05', '2027-03', 9)], at('2027-04-01T10:00:00.000Z'), remembering('k1', '2026-07-01T11:00:00.000Z')).catch((e: unknown) => e);
    expect(pgError).toBeInstanceOf(DomainError);
    expect((pgError as DomainError).kind).toBe('conflict');
    expect((pgError as DomainError).kind).toBe((sqliteError as DomainError).kind);
    expect(await pg.countUploads({ limit: 1, offset: 0 })).toBe(before);
    expect(await pg.latestPeriod('AM05')).toBe('2026-09');
  });

  test('When a statement the write sends with its COMMIT fails, then nothing of the upload or withdrawal is stored, on either database', async () => {
    const [standing] = await both((s) => saveUploads(s, [upload('AM20', '2027-09', 1)], at('2027-10-01T10:00:00.000Z')));
    // The events are written last, with the COMMIT: refusing them fails the write's closing statements.
    // On the store's own SQLite connection: the trigger is then in the schema its next statement is run with.
    const sqliteRaw = sqliteDb(sqlite);
    const pgRaw = new Client({ connectionString: database.url });
    await pgRaw.connect();
    const count = async () => ({
      events: [Number((sqliteRaw.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n), Number((await pgRaw.query('SELECT count(*) AS n FROM events')).rows[0].n)],
      version: (await pgRaw.query('SELECT version::text AS v FROM figures_version')).rows[0].v as string,
    });
    const stored = () => both(async (s) => ({
      uploads: await s.countUploads({ limit: 1, offset: 0 }), current: await currentUpload(s, 'AM20', '2027-09'),
      national: await s.nationalSums(), standing: await s.getUpload(standing.id),
    }));
    try {
      sqliteRaw.exec("CREATE TRIGGER refuse_events BEFORE INSERT ON events BEGIN SELECT RAISE(ABORT, 'refused'); END");
      await pgRaw.query("CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$");
      await pgRaw.query('CREATE TRIGGER refuse_events BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_events()');
      const before = await stored();
      const counted = await count();
      for (const [name, store] of [['SQLite', sqlite], ['PostgreSQL', pg]] as const) {
        const refused = async (write: Promise<unknown>) => String(await write.then(() => 'stored', (e: Error) => e.message));
        expect(`${name}: ${await refused(saveUploads(store, [upload('AM20', '2027-09', 2), upload('AM21', '2027-09', 3)], at('2027-10-02T10:00:00.000Z')))}`).toMatch(new RegExp(`^${name}: .*refused`));
        expect(`${name}: ${await refused(store.withdrawUpload(standing.id, 'writer', at('2027-10-03T10:00:00.000Z')))}`).toMatch(new RegExp(`^${name}: .*refused`));
      }
      expect(await stored()).toEqual(before);
      expect(await count()).toEqual(counted);
    } finally {
      sqliteRaw.exec('DROP TRIGGER IF EXISTS refuse_events');
      await pgRaw.query('DROP TRIGGER IF EXISTS refuse_events ON events');
      await pgRaw.query('DROP FUNCTION IF EXISTS refuse_events()');
      await pgRaw.end();
    }
    expect(await both((s) => s.withdrawUpload(standing.id, 'writer', at('2027-10-04T10:00:00.000Z')))).toBe(true);
  });

  test('When an upload names an unknown gemeente, then the whole batch is rolled back', async () => {
    const before = await pg.countUploads({ limit: 1, offset: 0 });
    const bad = upload('AM01', '2027-06', 10);
    bad.rows[0] = { ...bad.rows[0], code: 'GM9999' };
    await expect(saveUploads(pg, [upload('AM05', '2027-06', 10), bad], at('2027-07-01T10:00:00.000Z'))).rejects.toThrow();
    expect(await pg.countUploads({ limit: 1, offset: 0 })).toBe(before);
    expect(await pg.periods()).not.toContain('2027-06');
  });
});

describe('Several FiguresDatabase instances on one database', () => {
  let database: TestDatabase;
  let a: FiguresDatabase;
  let b: FiguresDatabase;

  beforeAll(async () => {
    database = await freshDatabase();
    // Started at once on one fresh database: the advisory lock lets one migrate while the others wait.
    [a, b] = await Promise.all([openPostgres(database.url, { versionCheckMs: 200 }), openPostgres(database.url, { versionCheckMs: 200 })]);
    regions = await a.referenceData();
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await database?.drop();
  });

  test('When several instances migrate one empty database at once, then each migration and the reference data are there once', async () => {
    const fresh = await freshDatabase();
    const admin = new Client({ connectionString: fresh.url });
    await admin.connect();
    try {
      await admin.query('DROP TABLE national_sums, delivery_cursor, deliveries, subscriptions, events, herindelingen, classification_gemeenten, classification_regions, classification_years, staged_figures, staged_uploads, figures_version, idempotency_keys, current_uploads, upload_sums, upload_figures, uploads, gemeenten, regions, schema_migrations');
      await admin.query('DROP SEQUENCE staged_imports');
      const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgres(fresh.url)));
      const migrations = await admin.query<{ version: number; n: number }>('SELECT version, count(*)::int AS n FROM schema_migrations GROUP BY version');
      expect(migrations.rows.every((r) => r.n === 1)).toBe(true);
      expect(migrations.rows.map((r) => r.version)).toContain(1);
      const counts = await admin.query<{ regions: number; gemeenten: number; years: number }>('SELECT (SELECT count(*)::int FROM classification_regions WHERE year = 2026) AS regions, (SELECT count(*)::int FROM classification_gemeenten WHERE year = 2026) AS gemeenten, (SELECT count(*)::int FROM classification_years) AS years');
      expect(counts.rows[0]).toEqual({ regions: 35, gemeenten: regions.reduce((n, r) => n + r.gemeenten.length, 0), years: 8 });
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await admin.end();
      await fresh.drop();
    }
  });

  test('When one instance commits, then the other learns through the notification which region and period it touched, and when it was stored', async () => {
    const seen = b.externalChanges();
    b.foreignChanges();
    const learnt: Touched[][] = [];
    await saveUploads(a, [upload('AM05', '2026-06', 1)], at('2026-07-01T10:00:00.000Z'));
    await eventually(() => learnt.push(...b.foreignChanges()) > 0, 2000);
    expect(learnt).toEqual([[{ regionCode: 'AM05', period: '2026-06', at: '2026-07-01T10:00:00.000Z' }]]);
    expect(b.externalChanges()).toBe(seen); // its scope is known: not "anything may have changed"
    expect((await currentUpload(b, 'AM05', '2026-06'))?.registerTotal).toBe(1001);
  });

  test('When one instance withdraws an upload, then the other learns which region and period it touched, and when', async () => {
    const [record] = await saveUploads(a, [upload('AM14', '2026-06', 5)], at('2026-07-01T10:00:00.000Z'));
    await eventually(() => b.foreignChanges().length > 0, 2000);
    const learnt: Touched[][] = [];
    await a.withdrawUpload(record.id, 'writer', at('2026-07-01T11:00:00.000Z'));
    await eventually(() => learnt.push(...b.foreignChanges()) > 0, 2000);
    expect(learnt).toEqual([[{ regionCode: 'AM14', period: '2026-06', at: '2026-07-01T11:00:00.000Z' }]]);
  });

  test('When commits are notified while the version check runs, then each is learnt with its scope, none as a change of unknown scope', async () => {
    // A check every 2 ms against commits one after another: the check often sees a version whose notification
    // is still on its way on the same connection. Its grace is lengthened: a loaded machine may hold back the
    // committing server process between its commit and its notification (the default is 100 ms).
    const c = await openPostgres(database.url, { versionCheckMs: 2, notificationGraceMs: 2000 });
    try {
      const seen = c.externalChanges();
      const learnt = { b: [] as Touched[][], c: [] as Touched[][] };
      const commits = 150;
      for (let i = 0; i < commits; i++) await saveUploads(a, [upload('AM01', month(i), i)], at('2026-07-01T10:00:00.000Z'));
      // B learns them too: taken here, so that the next test finds only its own.
      for (const [name, store] of [['b', b], ['c', c]] as const) {
        await eventually(() => {
          learnt[name].push(...store.foreignChanges());
          return learnt[name].some((t) => t[0].period === month(commits - 1));
        }, 5000);
      }
      expect(c.externalChanges()).toBe(seen);
      expect(new Set(learnt.c.map((t) => t[0].period)).size).toBe(commits);
    } finally {
      await c.close();
    }
  });

  test('When the database\'s version goes back (a restore), then the check counts everything as changed, and later commits are learnt again', async () => {
    const fresh = await freshDatabase();
    const [writer, reader] = [await openPostgres(fresh.url), await openPostgres(fresh.url, { versionCheckMs: 50 })];
    const raw = new Client({ connectionString: fresh.url });
    await raw.connect();
    try {
      await saveUploads(writer, [upload('AM05', '2026-03', 1)], at('2026-04-01T10:00:00.000Z'));
      await saveUploads(writer, [upload('AM05', '2026-06', 2)], at('2026-07-01T10:00:00.000Z'));
      const before: Touched[][] = [];
      await eventually(() => before.push(...reader.foreignChanges()) >= 2, 2000);
      const seen = reader.externalChanges();
      await raw.query('UPDATE figures_version SET version = version - 2');
      await eventually(() => reader.externalChanges() !== seen, 2000);
      reader.foreignChanges();
      const learnt: Touched[][] = [];
      await saveUploads(writer, [upload('AM14', '2026-06', 3)], at('2026-07-02T10:00:00.000Z'));
      await eventually(() => learnt.push(...reader.foreignChanges()) > 0, 2000);
      expect(learnt).toEqual([[{ regionCode: 'AM14', period: '2026-06', at: '2026-07-02T10:00:00.000Z' }]]);
    } finally {
      await raw.end();
      await writer.close();
      await reader.close();
      await fresh.drop();
    }
  });

  test('When an instance commits, then it knows the commit as its own, while the other learns it; a write that failed leaves its version to the next', async () => {
    const seen = { a: a.externalChanges(), b: b.externalChanges() };
    a.foreignChanges();
    b.foreignChanges();
    const [record] = await saveUploads(a, [upload('AM22', '2026-06', 1)], at('2026-07-01T10:00:00.000Z'));
    await a.withdrawUpload(record.id, 'writer', at('2026-07-01T11:00:00.000Z'));
    // A write of A that fails after its version was reckoned: the version is B's next.
    const raw = new Client({ connectionString: database.url });
    await raw.connect();
    try {
      await raw.query("CREATE FUNCTION refuse_events() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused'; END $$");
      await raw.query('CREATE TRIGGER refuse_events BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION refuse_events()');
      await expect(saveUploads(a, [upload('AM23', '2026-06', 2)], at('2026-07-01T12:00:00.000Z'))).rejects.toThrow(/refused/);
    } finally {
      await raw.query('DROP TRIGGER IF EXISTS refuse_events ON events');
      await raw.query('DROP FUNCTION IF EXISTS refuse_events()');
      await raw.end();
    }
    await saveUploads(b, [upload('AM24', '2026-06', 3)], at('2026-07-01T13:00:00.000Z'));
    // Notifications reach each listener in commit order: once A has learnt B's commit, it has had its own.
    const learnt: Record<'a' | 'b', Touched[][]> = { a: [], b: [] };
    await eventually(() => learnt.a.push(...a.foreignChanges()) > 0, 2000);
    await eventually(() => learnt.b.push(...b.foreignChanges()) >= 2, 2000);
    expect(learnt.a).toEqual([[{ regionCode: 'AM24', period: '2026-06', at: '2026-07-01T13:00:00.000Z' }]]);
    expect(learnt.b).toEqual([[{ regionCode: 'AM22', period: '2026-06', at: '2026-07-01T10:00:00.000Z' }], [{ regionCode: 'AM22', period: '2026-06', at: '2026-07-01T11:00:00.000Z' }]]);
    expect({ a: a.externalChanges(), b: b.externalChanges() }).toEqual(seen);
  });

  test('When a commit is made without a notification, then the periodic version check notices it', async () => {
    const seen = b.externalChanges();
    const raw = new Client({ connectionString: database.url });
    await raw.connect();
    await raw.query('UPDATE figures_version SET version = version + 1'); // as if pgbouncer had dropped the NOTIFY
    await raw.end();
    await eventually(() => b.externalChanges() !== seen, 2000);
  });

  test('When both instances upload the same region and period at once, then every upload is in the history and the last committed is current', async () => {
    const uploads = Array.from({ length: 20 }, (_, i) => upload('AM05', '2026-09', 100 + i));
    const records = (await Promise.all(uploads.map((u, i) => saveUploads(i % 2 ? a : b, [u], () => new Date().toISOString())))).flat();
    const ids = records.map((r) => r.id);
    expect(new Set(ids).size).toBe(20);
    const listed = await a.listUploads({ regionCode: 'AM05', period: '2026-09', limit: 100, offset: 0 });
    expect(listed.map((r) => r.id).sort((x, y) => x - y)).toEqual([...ids].sort((x, y) => x - y));
    // Writers take turns, so ids follow commit order: the highest id is the last committed, and current.
    const current = await currentUpload(b, 'AM05', '2026-09');
    expect(current?.id).toBe(Math.max(...ids));
    expect(listed.filter((r) => r.current).map((r) => r.id)).toEqual([Math.max(...ids)]);
    expect(current?.rows).toHaveLength(current?.gemeenteCount ?? -1);
    // Each instant is taken once the writer holds the lock: instant order is commit order, as id order is.
    const byId = [...listed].sort((x, y) => x.id - y.id).map((r) => r.uploadedAt);
    expect(byId).toEqual([...byId].sort());
  });

  /** The rows of every import still in the staging tables. */
  async function stagedRows(): Promise<number> {
    const raw = new Client({ connectionString: database.url });
    await raw.connect();
    try {
      const { rows: [row] } = await raw.query<{ n: string }>('SELECT (SELECT count(*) FROM staged_uploads) + (SELECT count(*) FROM staged_figures) AS n');
      return Number(row.n);
    } finally {
      await raw.end();
    }
  }

  test('When two imports of more rows than a staging batch are staged on different instances at once, then the batches reach the database as they fill, each import commits all of its own, and nothing stays staged', async () => {
    const perUpload = Math.min(...['AM01', 'AM02'].map((code) => upload(code, '2025-01', 0).rows.length));
    const count = Math.ceil((2 * STAGING_BATCH_ROWS + 1) / perUpload);
    const [sa, sb] = await Promise.all([a.beginStaging(), b.beginStaging()]);
    let added = 0;
    for (let i = 0; i < count; i++) {
      const pair = [upload('AM01', month(i), i, 'tsv'), upload('AM02', month(i), i, 'tsv')];
      await Promise.all([sa.add(pair[0]), sb.add(pair[1])]);
      added += pair[0].rows.length + pair[1].rows.length;
    }
    // What each instance still holds is less than a batch and the region it is reading.
    expect(await stagedRows()).toBeGreaterThan(added - 2 * (STAGING_BATCH_ROWS + perUpload));

    const [ra, rb] = await Promise.all([sa.commit(at('2026-01-01T00:00:00.000Z')), sb.commit(at('2026-01-01T00:00:00.000Z'))]);

    expect(ra.map((r) => [r.regionCode, r.period])).toEqual(Array.from({ length: count }, (_, i) => ['AM01', month(i)]));
    expect(rb.map((r) => [r.regionCode, r.period])).toEqual(Array.from({ length: count }, (_, i) => ['AM02', month(i)]));
    for (const records of [ra, rb]) expect(records.map((r) => r.id)).toEqual(records.map((_, i) => records[0].id + i));
    expect(await b.periods('AM01')).toEqual(Array.from({ length: count }, (_, i) => month(i)));
    expect((await currentUpload(a, 'AM02', month(count - 1)))?.rows).toHaveLength(rb[count - 1].gemeenteCount);
    expect(await stagedRows()).toBe(0);
  });

  test('When an import of more rows than a staging batch is discarded, or its commit is refused, then nothing of it stays staged or reaches the figures', async () => {
    const before = await a.countUploads({ limit: 1, offset: 0 });
    const perUpload = upload('AM03', '2025-01', 0).rows.length;
    const uploads = Array.from({ length: Math.ceil((STAGING_BATCH_ROWS + 1) / perUpload) + 1 }, (_, i) => upload('AM03', month(i), i, 'tsv'));
    const discarded = await a.beginStaging();
    for (const u of uploads) await discarded.add(u);
    expect(await stagedRows()).toBeGreaterThan(0);
    await discarded.discard();
    expect(await stagedRows()).toBe(0);

    const refused = await b.beginStaging();
    uploads[0].rows[0] = { ...uploads[0].rows[0], code: 'GM9999' };
    for (const u of uploads) await refused.add(u);
    await expect(refused.commit(at('2026-02-01T00:00:00.000Z'))).rejects.toThrow(/foreign key/);
    expect(await stagedRows()).toBeGreaterThan(0);
    await refused.discard();

    expect(await stagedRows()).toBe(0);
    expect(await a.countUploads({ limit: 1, offset: 0 })).toBe(before);
    expect(await a.periods('AM03')).toEqual([]);
  });
});

describe('Staged rows of imports that never ended', () => {
  test('When an instance was killed mid-import, then a running instance clears its staged rows once they are an hour old, and leaves running imports alone', async () => {
    const database = await freshDatabase();
    const store = await openPostgres(database.url, { staleStagingSweepMs: 100 });
    const raw = new Client({ connectionString: database.url });
    await raw.connect();
    const staged = async () => Number((await raw.query<{ n: string }>('SELECT (SELECT count(*) FROM staged_uploads) + (SELECT count(*) FROM staged_figures) AS n')).rows[0].n);
    try {
      regions = await store.referenceData();
      const perUpload = upload('AM03', '2025-01', 0).rows.length;
      const batch = Array.from({ length: Math.ceil((STAGING_BATCH_ROWS + 1) / perUpload) }, (_, i) => upload('AM03', month(i), i, 'tsv'));
      const abandoned = await store.beginStaging(); // as a killed instance leaves it: never committed nor discarded
      for (const u of batch) await abandoned.add(u);
      const abandonedRows = await staged();
      const running = await store.beginStaging();
      for (const u of batch) await running.add(u);
      // Both imports are counted before either is old enough to sweep, so the sweep (every 100 ms) cannot
      // run between the counts; only then is the abandoned one (the first import id) aged past the hour.
      const runningRows = (await staged()) - abandonedRows;
      await raw.query("UPDATE staged_uploads SET staged_at = now() - interval '61 minutes' WHERE import_id = (SELECT min(import_id) FROM staged_uploads)");

      const start = Date.now();
      while ((await staged()) !== runningRows && Date.now() - start < 10_000) await new Promise((resolve) => setTimeout(resolve, 50));

      expect(abandonedRows).toBeGreaterThan(STAGING_BATCH_ROWS);
      expect(await staged()).toBe(runningRows);
      const records = await running.commit(at('2026-03-01T00:00:00.000Z'));
      expect(records.map((r) => r.gemeenteCount)).toEqual(batch.map((u) => u.rows.length));
      expect(await staged()).toBe(0);
    } finally {
      await raw.end();
      await store.close();
      await database.drop();
    }
  });
});

describe('FiguresDatabase while PostgreSQL is down (a cluster of its own)', () => {
  test('When the server stops, then calls fail fast as unavailable, nothing is half-written, and all recovers when it is back', async () => {
    const cluster = await startCluster();
    try {
      const admin = new Client({ connectionString: cluster.url('postgres') });
      await admin.connect();
      await admin.query('CREATE DATABASE sonar');
      await admin.end();
      const store = await openPostgres(cluster.url('sonar'), { versionCheckMs: 100 });
      try {
        regions = await store.referenceData();
        await saveUploads(store, [upload('AM05', '2026-06', 1)], at('2026-07-01T10:00:00.000Z'));
        expect(store.isAvailable()).toBe(true);

        cluster.stopServer();
        const failure = await saveUploads(store, [upload('AM05', '2026-09', 2)], at('2026-10-01T10:00:00.000Z')).catch((e: unknown) => e);
        expect(failure).toBeInstanceOf(DomainError);
        expect((failure as DomainError).kind).toBe('unavailable');
        const read = await store.periods().catch((e: unknown) => e);
        expect(read).toBeInstanceOf(DomainError);
        expect((read as DomainError).kind).toBe('unavailable');
        await eventually(() => !store.isAvailable(), 3000);

        const changesBefore = store.externalChanges();
        cluster.startServer();
        await eventually(() => store.isAvailable(), 10_000);
        // Reconnected after being deaf: whatever changed meanwhile is taken as changed.
        expect(store.externalChanges()).not.toBe(changesBefore);
        expect(await store.periods()).toEqual(['2026-06']);
        await saveUploads(store, [upload('AM05', '2026-09', 3)], at('2026-10-01T10:00:00.000Z'));
        expect(await store.periods()).toEqual(['2026-06', '2026-09']);
      } finally {
        await store.close();
        await store.close(); // idempotent
      }
    } finally {
      cluster.remove();
    }
  });
});
