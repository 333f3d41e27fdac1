/**
 * Property: the national sums kept per period as each write commits (migration 9) always equal the sums of
 * the uploads that count (withCounting, read through uploadSums), now and as of any instant, for random
 * sequences of uploads, replacements, table imports through the staging tables and withdrawals, with instants
 * that often repeat; and so does what migration 9 fills in from the uploads of a database written without it.
 * On SQLite and on PostgreSQL. Set FC_SEED (and FC_PATH) to replay a failure.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { FiguresStore, NationalSums, NewUpload } from '../../src/domain/ports';
import { nationalSumsOf } from '../../src/domain/read-shapes';
import { Region } from '../../src/domain/reference';
import { STAGING_BATCH_ROWS } from '../../src/storage/engine';
import { openPostgres } from '../../src/storage/postgres/postgres-engine';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-engine';
import { borrowDatabase } from '../support/postgres-database';
import { saveUploads } from '../support/stores';

const runs = (n: number) => ({ numRuns: n, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) });

const PERIODS = ['2026-01', '2026-02', '2026-03'];
const START = Date.parse('2026-04-01T00:00:00.000Z');

interface Put { region: number; period: number; register: number | null; marker: number }
type Step =
  | { kind: 'upload'; puts: Put[]; after: number }
  | { kind: 'import'; marker: number; after: number }
  | { kind: 'withdraw'; pick: number; after: number };

/** Milliseconds between one write and the next: often none, so that writes share an instant. */
const after = fc.constantFrom(0, 0, 1, 2, 1000);
const put = fc.record({
  region: fc.integer({ min: 0, max: 3 }), period: fc.integer({ min: 0, max: PERIODS.length - 1 }),
  register: fc.option(fc.integer({ min: 0, max: 5000 }), { nil: null }), marker: fc.integer({ min: 0, max: 200 }),
});
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('upload' as const), puts: fc.array(put, { minLength: 1, maxLength: 3 }), after }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('import' as const), marker: fc.integer({ min: 0, max: 200 }), after }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), pick: fc.nat(), after }) },
);
const steps = fc.array(step, { minLength: 1, maxLength: 12 });

let regions: Region[];

function upload(p: Put): NewUpload {
  const region = regions[p.region];
  return {
    regionCode: region.code, period: PERIODS[p.period], registerTotal: p.register, uploadedBy: 'writer', source: 'json',
    rows: region.gemeenten.map((g, i) => ({
      code: g.code, name: g.name, gemeenteClients: { withProfile: p.marker + i, withoutProfile: 2 * p.marker }, uwvClients: { withProfile: i, withoutProfile: p.marker % 7 },
    })),
  };
}

/** More rows than one staging batch holds, so that the commit moves them from the staging tables. */
function largeImport(marker: number): NewUpload[] {
  const uploads: NewUpload[] = [];
  let rows = 0;
  for (let k = 0; rows <= STAGING_BATCH_ROWS; k++) {
    const u = upload({ region: k % 4, period: Math.floor(k / 4) % PERIODS.length, register: k % 5 === 0 ? null : 100 + k, marker: marker + k });
    uploads.push({ ...u, source: 'tsv' });
    rows += u.rows.length;
  }
  return uploads;
}

/** Runs the steps; the instants each write took (in order). */
async function write(store: FiguresStore, plan: Step[], from = START): Promise<string[]> {
  let now = from;
  const instants: string[] = [];
  const ids: number[] = [];
  for (const s of plan) {
    now += s.after;
    const instant = new Date(now).toISOString();
    const clock = () => instant;
    if (s.kind === 'withdraw') {
      if (ids.length === 0) continue;
      await store.withdrawUpload(ids[s.pick % ids.length], 'writer', clock);
    } else {
      const records = await saveUploads(store, s.kind === 'import' ? largeImport(s.marker) : s.puts.map(upload), clock);
      ids.push(...records.map((r) => r.id));
    }
    instants.push(instant);
  }
  return instants;
}

/** The national sums derived from the uploads that count (withCounting), per period. */
async function derived(store: FiguresStore, asOf: string | undefined): Promise<NationalSums[]> {
  const byPeriod = new Map<string, Array<{ regionCode: string; registerTotal: number | null; rows: [NationalSums['counts']] }>>();
  for (const u of await store.uploadSums(undefined, asOf)) {
    byPeriod.set(u.period, [...(byPeriod.get(u.period) ?? []), { regionCode: u.regionCode, registerTotal: u.registerTotal, rows: [u.counts] }]);
  }
  return [...byPeriod].sort(([a], [b]) => (a < b ? -1 : 1)).map(([period, uploads]) => nationalSumsOf(period, uploads));
}

/** Every instant worth asking about: before anything, each write's, a millisecond either side, and now. */
function askedInstants(instants: string[]): Array<string | undefined> {
  const around = instants.flatMap((i) => [-1, 0, 1].map((d) => new Date(Date.parse(i) + d).toISOString()));
  return [undefined, new Date(START - 1).toISOString(), ...new Set(around)];
}

const withoutVersion = ({ version, ...sums }: NationalSums): NationalSums => sums;

async function expectKeptEqualDerived(store: FiguresStore, instants: string[]): Promise<void> {
  const sumsOfVersion = new Map<string, NationalSums>();
  for (const asOf of askedInstants(instants)) {
    const expected = await derived(store, asOf);
    const kept = await store.nationalSums({ asOf });
    expect({ asOf, sums: kept.map(withoutVersion) }).toEqual({ asOf, sums: expected });
    // The versions read alone are those of the sums read whole, and name them: another version, other sums.
    expect({ asOf, versions: await store.nationalSumVersions(asOf) }).toEqual({ asOf, versions: kept.map(({ period, version }) => ({ period, version })) });
    for (const s of kept) {
      const seen = sumsOfVersion.get(s.version as string);
      if (seen) expect(withoutVersion(s)).toEqual(seen);
      else sumsOfVersion.set(s.version as string, withoutVersion(s));
    }
    for (const period of PERIODS) {
      const one = await store.periodNationalSums(period, asOf);
      expect({ asOf, period, sums: one && withoutVersion(one) }).toEqual({ asOf, period, sums: expected.find((s) => s.period === period) });
    }
    expect({ asOf, latest: await store.latestPeriod(undefined, asOf) }).toEqual({ asOf, latest: expected.at(-1)?.period });
    // Without a period, the latest with figures, found in the same read: the same sums as naming it.
    const latest = await store.periodNationalSums(undefined, asOf);
    expect({ asOf, latest: latest && withoutVersion(latest) }).toEqual({ asOf, latest: expected.at(-1) });
    const latestRegions = (await store.periodSums(undefined, { asOf })).map((u) => u.regionCode);
    expect({ asOf, latestRegions }).toEqual({ asOf, latestRegions: expected.at(-1)?.regionCodes ?? [] });
    const counting = await store.uploadSums(undefined, asOf); // by period, then region
    for (const regionCode of new Set(counting.map((u) => u.regionCode))) {
      const latestOfRegion = counting.filter((u) => u.regionCode === regionCode).at(-1);
      expect({ asOf, regionCode, sums: await store.periodSums(undefined, { regionCode, asOf }) }).toEqual({ asOf, regionCode, sums: [latestOfRegion] });
      expect({ asOf, regionCode, period: (await store.currentUploads(undefined, { regionCode, asOf }))[0]?.period }).toEqual({ asOf, regionCode, period: latestOfRegion?.period });
    }
  }
}

interface Kind {
  name: string;
  /** A new empty store; `reopen` closes it and opens it again after undoing migration 9, which then fills the sums anew. */
  open(): Promise<{ store: FiguresStore; reopen(): Promise<FiguresStore>; close(): Promise<void> }>;
}

const UNDO_MIGRATION_9 = ['drop table national_sums', 'delete from schema_migrations where version = 9'];

const kinds: Kind[] = [
  {
    name: 'SQLite',
    open: async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'sonar-national-'));
      const file = path.join(dir, 'sonar.db');
      let store = await openSqliteStore(file);
      return {
        store,
        reopen: async () => {
          await store.close();
          const raw = new Database(file);
          for (const statement of UNDO_MIGRATION_9) raw.exec(statement);
          raw.close();
          store = await openSqliteStore(file);
          return store;
        },
        close: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const database = await borrowDatabase();
      let store = await openPostgres(database.url);
      return {
        store,
        reopen: async () => {
          await store.close();
          const client = new Client({ connectionString: database.url });
          await client.connect();
          for (const statement of UNDO_MIGRATION_9) await client.query(statement);
          await client.end();
          store = await openPostgres(database.url);
          return store;
        },
        close: async () => {
          await store.close();
          database.release();
        },
      };
    },
  },
];

describe.each(kinds)('The national sums kept per period, on $name', (kind) => {
  beforeAll(async () => {
    const { store, close } = await kind.open();
    regions = (await store.referenceData(2026)).slice(0, 4);
    await close();
  });

  test('When uploads, replacements, imports and withdrawals come in any order, also at one instant, then the kept sums equal those of the uploads that count, now and as of every instant', async () => {
    await fc.assert(fc.asyncProperty(steps, async (plan) => {
      const { store, close } = await kind.open();
      try {
        await expectKeptEqualDerived(store, await write(store, plan));
      } finally {
        await close();
      }
    }), runs(15));
  });

  test('When migration 9 runs on a database written without it, then the sums it fills in equal those of the uploads that count, now and as of every instant', async () => {
    await fc.assert(fc.asyncProperty(steps, async (plan) => {
      const { store, reopen, close } = await kind.open();
      try {
        const instants = await write(store, plan);
        const migrated = await reopen();
        await expectKeptEqualDerived(migrated, instants);
        // Writes after the migration go on from the rows it filled in.
        const more = await write(migrated, [{ kind: 'upload', puts: [{ region: 0, period: 0, register: 7, marker: 3 }], after: 0 }, { kind: 'withdraw', pick: 0, after: 0 }],
          Date.parse(instants.at(-1) ?? new Date(START).toISOString()) + 1000);
        await expectKeptEqualDerived(migrated, [...instants, ...more]);
      } finally {
        await close();
      }
    }), runs(10));
  });
});
