/**
 * Crash safety of multi-region uploads. NEEDS THE BUILD: the child processes run dist/ (`npm test` builds
 * first; with plain jest run `npm run build` before).
 *
 * JSON batches: a child uploads one large batch (every region, three periods, 105 uploads and 1,026
 * gemeente rows in one service.upload call, i.e. one transaction) after another, alternating batch A and
 * batch B, and is killed with SIGKILL at a random moment. After each kill the database is reopened as the
 * server would and must be intact and hold exactly the figures of the last batch committed: all A or all
 * B, never some regions of each, never part of a region.
 *
 * Files: the same for a publication table of all 35 regions (342 gemeente rows) imported as POST /v1/uploads
 * imports a TSV body: streamed through textRows → publicationTables → service.uploadTables, each region
 * staged in TEMP tables, then all moved into the figures by one commit. File A and file B alternate, and
 * the kills land while the file is being read and staged, during the commit, and between imports. After
 * each kill the main database must hold nothing but whole uploads: the TEMP staging vanishes with the
 * connection.
 *
 * The kill moments are random: a failing run names its seed, and CRASH_SEED=<seed> repeats its delays.
 * CRASH_REPORT=1 prints where the file import's kills landed (reading and staging, committing, between).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { UploadRequest } from '../../src/domain/upload';
import { ReferenceData } from '../../src/domain/reference';
import { SonarService } from '../../src/domain/service';
import type Database from 'better-sqlite3';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-engine';
import { expectFreshBuild, startChild, stopChildren } from '../support/child-processes';
import { allRegionsBatch, referenceRegions } from '../support/region-batches';
import { currentUpload, sqliteDb } from '../support/stores';
import { publicationTable, regionFigures, RegionFigures } from '../tables/publication-files';

const CHILD = path.join(__dirname, 'upload-child.js');
const FILE_CHILD = path.join(__dirname, 'file-upload-child.js');
const PERIODS = ['2025-03', '2025-06', '2025-09'];
const KILLS = 25;
/** Upper bound of the random wait between the child being ready and the kill; a batch takes ~10–20 ms. */
const MAX_DELAY_MS = 80;

/** A small seeded generator, so that a failing run can be repeated with CRASH_SEED=<seed>. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Stored as a file's tables are, all in one transaction: a register belongs to one region's upload, so the
// tables of several regions come without one.
const batch = (variant: number): UploadRequest[] => PERIODS.flatMap((period) => allRegionsBatch(variant, period))
  .map(({ registerTotal: _register, ...upload }) => upload);

/** The register and each gemeente's four counts, gemeenten sorted by code so that two reads compare as JSON. */
interface Figures { registerTotal: number | null; gemeenten: Array<[string, number, number, number, number]> }

const byCode = (rows: Figures['gemeenten']): Figures['gemeenten'] => rows.sort((a, b) => a[0].localeCompare(b[0]));

/** What each (region, period) of a batch holds after it committed, keyed "AM05 2025-03". */
function expectedFigures(uploads: UploadRequest[]): Map<string, Figures> {
  return new Map(uploads.map((u) => [`${u.region} ${u.period}`, {
    registerTotal: u.registerTotal ?? null,
    gemeenten: byCode(u.gemeenten.map((g) => [g.gemeente, g.gemeenteClients.withProfile, g.gemeenteClients.withoutProfile, g.uwvClients.withProfile, g.uwvClients.withoutProfile])),
  }]));
}

/** Reopens the database the way the server does and reads every (region, period) of the batch back. */
async function reopenAndRead(file: string, keys: string[]): Promise<{ integrity: unknown; foreignKeys: unknown[]; uploads: number; figures: Map<string, Figures | undefined> }> {
  const store = await openSqliteStore(file);
  const db = sqliteDb(store);
  try {
    const service = new SonarService(store, new ReferenceData(await store.referenceData()));
    const figures = new Map<string, Figures | undefined>();
    for (const key of keys) {
      const [region, period] = key.split(' ');
      const upload = await currentUpload(store, region, period);
      figures.set(key, upload && {
        registerTotal: (await service.regionTotals(region, period)).registerTotal,
        gemeenten: byCode((await service.gemeenten(region, period)).gemeenten.map((g) => [g.code, g.gemeenteClients.withProfile, g.gemeenteClients.withoutProfile, g.uwvClients.withProfile, g.uwvClients.withoutProfile])),
      });
    }
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      foreignKeys: db.pragma('foreign_key_check') as unknown[],
      uploads: db.prepare('SELECT count(*) FROM uploads').pluck().get() as number,
      figures,
    };
  } finally {
    await store.close();
  }
}

describe('Crash safety of a multi-region upload, on the SQLite file (SQLite only)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sonar-crash-'));
    expectFreshBuild();
  });
  afterAll(() => {
    stopChildren();
    rmSync(dir, { recursive: true, force: true });
  });

  test(`When an uploading process is killed with SIGKILL ${KILLS} times at random moments, then every reopening finds an intact database holding all of the batch before or all of the batch after, never a mix`, async () => {
    // Arrange
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const next = random(seed);
    const file = path.join(dir, 'sonar.db');
    const batches = [batch(1), batch(2)];
    const batchesFile = path.join(dir, 'batches.json');
    writeFileSync(batchesFile, JSON.stringify(batches));
    const variants = batches.map(expectedFigures);
    const keys = [...variants[0].keys()];
    const perBatch = batches[0].length;
    await (await openSqliteStore(file)).close(); // migrated and loaded once, as on the server's first start
    let committedBatches = 0;
    let current: number | undefined; // index of the batch whose figures are stored; none at first
    const outcomes: string[] = [];

    for (let kill = 0; kill < KILLS; kill++) {
      // Act: start with the batch that is not stored, so that every commit changes every figure
      const first = current === undefined ? 0 : 1 - current;
      const child = startChild(CHILD, [file, batchesFile, String(first), '500']);
      await child.line((l) => l === 'ready');
      const delay = Math.floor(next() * MAX_DELAY_MS);
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.process.kill('SIGKILL');
      const { signal } = await child.closed;

      // Assert
      const context = `seed ${seed}, kill ${kill + 1} after ${delay} ms; child said: ${child.lines.slice(-3).join(' | ')}; stderr: ${child.stderr()}`;
      expect({ context, signal }).toEqual({ context, signal: 'SIGKILL' });
      const done = child.lines.filter((l) => l.startsWith('done ')).length;
      const begun = child.lines.filter((l) => l.startsWith('begin ')).length;
      const state = await reopenAndRead(file, keys);
      expect({ context, integrity: state.integrity, foreignKeys: state.foreignKeys }).toEqual({ context, integrity: 'ok', foreignKeys: [] });

      const newUploads = state.uploads - committedBatches * perBatch;
      const committedNow = newUploads / perBatch;
      // Whole batches only: the reported ones, plus the one in flight if the kill came after its commit.
      const possible = begun > done ? [done, done + 1] : [done];
      expect({ context, committedNow, possible: possible.includes(committedNow) }).toEqual({ context, committedNow, possible: true });
      committedBatches += committedNow;
      if (committedNow > 0) current = (first + committedNow - 1) % 2;

      const expected = current === undefined ? undefined : variants[current];
      const mismatched = keys.filter((key) => JSON.stringify(state.figures.get(key)) !== JSON.stringify(expected?.get(key)));
      expect({ context, batch: current === undefined ? 'none' : 'AB'[current], mismatched }).toEqual({ context, batch: current === undefined ? 'none' : 'AB'[current], mismatched: [] });
      outcomes.push(begun > done ? (committedNow > done ? 'in flight, committed' : 'in flight, rolled back') : 'between batches');
    }

    // The kills landed while a batch was being written, not only between batches.
    expect(outcomes.filter((o) => o.startsWith('in flight')).length).toBeGreaterThan(0);
  }, 60_000);
});

const FILE_PERIOD = '2025-12';
const FILE_KILLS = 22;
/**
 * When the kills come: a random wait of up to `maxDelay` ms after the child says `anchor`, in turn. After
 * "ready" the first import runs (cold code: ~90 ms); after "begin 1" the first has committed and an import
 * takes ~10–25 ms, 2–10 ms of it the commit; right after "commit 1" the second import is in its commit.
 */
const FILE_KILL_MOMENTS = [
  { anchor: 'ready', maxDelay: 80 },
  { anchor: 'begin 1 ', maxDelay: 80 },
  { anchor: 'commit 1 ', maxDelay: 4 },
];

/** One gemeente's four counts as read back, [code, gemeente with, without, UWV with, without]. */
type GemeenteRow = [string, number, number, number, number];

/**
 * Every region's table of the publication, one after another, with counts that depend on `variant`: two
 * variants differ in every count of every gemeente (and so in every total), so that the figures read
 * back tell which file stored them.
 */
function allRegionsFile(variant: number): { tsv: string; figures: Map<string, GemeenteRow[]> } {
  const regions: RegionFigures[] = referenceRegions().map((r) => {
    const layout = regionFigures(r.code);
    return {
      ...layout,
      gemeenten: layout.gemeenten.map((g) => {
        const seed = Number(g.code.slice(2));
        return { ...g, counts: [(seed % 40) + variant, (seed % 300) + 2 * variant, (seed % 500) + 3 * variant, (seed % 700) + 4 * variant] };
      }),
    };
  });
  return {
    tsv: regions.map(publicationTable).join(''),
    figures: new Map(regions.map((r) => [r.code, byCode(r.gemeenten.map((g): GemeenteRow => [g.code, ...g.counts]))])),
  };
}

interface FileState {
  integrity: unknown;
  foreignKeys: unknown[];
  uploads: number;
  /** The rows of every table of the main schema: staging is TEMP, so the imports leave nothing but whole uploads. */
  rowCounts: Record<string, number>;
  /** Uploads that do not hold exactly one row per gemeente of their region: part of a region. */
  partialUploads: Array<{ id: number; region: string; figures: number; gemeenten: number }>;
  /** The current uploads of the period: how many, and whether they are the newest upload rows, all of one import. */
  current: { count: number; imports: number; newest: boolean };
  /** Each region's current figures for the period, undefined where it has none. */
  figures: Map<string, { registerTotal: number | null; gemeenten: GemeenteRow[] } | undefined>;
}

/** How many rows each table of the main schema holds. */
function rowCounts(db: Database.Database): Record<string, number> {
  const tables = db.prepare("SELECT name FROM main.sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all() as string[];
  return Object.fromEntries(tables.map((table) => [table, db.prepare(`SELECT count(*) FROM main."${table}"`).pluck().get() as number]));
}

/** Reopens the database the way the server does and reads what the file imports left in it. */
async function reopenAndInspect(file: string, period: string, regions: string[]): Promise<FileState> {
  const store = await openSqliteStore(file);
  const db = sqliteDb(store);
  try {
    const rows = rowCounts(db);
    const figures = new Map(await Promise.all(regions.map(async (region) => {
      const upload = await currentUpload(store, region, period);
      return [region, upload && {
        registerTotal: upload.registerTotal,
        gemeenten: byCode(upload.rows.map((g): GemeenteRow => [g.code, g.gemeenteClients.withProfile, g.gemeenteClients.withoutProfile, g.uwvClients.withProfile, g.uwvClients.withoutProfile])),
      }] as const;
    })));
    const current = db.prepare(`SELECT count(*) AS count, count(DISTINCT u.uploaded_at) AS imports,
        coalesce(max(u.id) = (SELECT max(id) FROM uploads) AND max(u.id) - min(u.id) = count(*) - 1, 1) AS newest
      FROM current_uploads c JOIN uploads u ON u.id = c.upload_id WHERE c.period = ?`).get(period) as { count: number; imports: number; newest: number };
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      foreignKeys: db.pragma('foreign_key_check') as unknown[],
      uploads: db.prepare('SELECT count(*) FROM uploads').pluck().get() as number,
      rowCounts: rows,
      partialUploads: db.prepare(`SELECT * FROM (SELECT u.id, u.region_code AS region,
          (SELECT count(*) FROM upload_figures f WHERE f.upload_id = u.id) AS figures,
          (SELECT count(*) FROM classification_gemeenten g
            WHERE g.year = CAST(substr(u.period, 1, 4) AS INTEGER) AND g.region_code = u.region_code) AS gemeenten
        FROM uploads u) WHERE figures <> gemeenten`).all() as FileState['partialUploads'],
      current: { count: current.count, imports: current.imports, newest: current.newest === 1 },
      figures,
    };
  } finally {
    await store.close();
  }
}

describe('Crash safety of a multi-region file import, on the SQLite file (SQLite only)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'sonar-crash-file-'));
    expectFreshBuild();
  });
  afterAll(() => {
    stopChildren();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test(`When a process importing a file of all 35 regions is killed with SIGKILL ${FILE_KILLS} times at random moments, then every reopening finds an intact database holding all of the file before or all of the file after, never a mix and no staging left behind`, async () => {
    // Arrange
    const seed = Number(process.env.CRASH_SEED ?? Date.now() % 1_000_000);
    const next = random(seed);
    const file = path.join(dir, 'sonar.db');
    const files = [allRegionsFile(1), allRegionsFile(2)];
    const paths = files.map((f, i) => {
      const tsv = path.join(dir, `${'ab'[i]}.tsv`);
      writeFileSync(tsv, f.tsv);
      return tsv;
    });
    const regions = [...files[0].figures.keys()];
    expect(regions).toHaveLength(35);
    const gemeenten = [...files[0].figures.values()].reduce((sum, rows) => sum + rows.length, 0);
    const fresh = await openSqliteStore(file); // migrated and loaded once, as on the server's first start
    const freshRows = rowCounts(sqliteDb(fresh));
    await fresh.close();
    let committedImports = 0;
    let current: number | undefined; // index of the file whose figures are stored; none at first
    const outcomes: string[] = [];
    let killsAfterFirstCommit = 0;

    for (let kill = 0; kill < FILE_KILLS; kill++) {
      // Act: start with the file that is not stored, so that every commit changes every figure
      const first = current === undefined ? 0 : 1 - current;
      const child = startChild(FILE_CHILD, [file, FILE_PERIOD, String(first), '500', ...paths]);
      const { anchor, maxDelay } = FILE_KILL_MOMENTS[kill % FILE_KILL_MOMENTS.length];
      if (anchor !== 'ready') killsAfterFirstCommit++; // "begin 1" and "commit 1" come after "done 0"
      await child.line((l) => l.startsWith(anchor));
      const delay = Math.floor(next() * maxDelay);
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      child.process.kill('SIGKILL');
      const { signal } = await child.closed;

      // Assert
      const context = `seed ${seed}, kill ${kill + 1} at ${delay} ms after "${anchor.trim()}"; child said: ${child.lines.slice(-3).join(' | ')}; stderr: ${child.stderr()}`;
      expect({ context, signal }).toEqual({ context, signal: 'SIGKILL' });
      const count = (word: string) => child.lines.filter((l) => l.startsWith(`${word} `)).length;
      const [begun, committing, done] = [count('begin'), count('commit'), count('done')];
      expect({ context, receipts: child.lines.filter((l) => l.startsWith('done ') && !l.endsWith(' 35')) }).toEqual({ context, receipts: [] });
      const state = await reopenAndInspect(file, FILE_PERIOD, regions);
      expect({ context, integrity: state.integrity, foreignKeys: state.foreignKeys }).toEqual({ context, integrity: 'ok', foreignKeys: [] });
      expect({ context, partialUploads: state.partialUploads }).toEqual({ context, partialUploads: [] });

      const newUploads = state.uploads - committedImports * regions.length;
      const committedNow = newUploads / regions.length;
      // Whole files only: the reported ones, plus the one in flight if the kill came once its commit had begun.
      const possible = committing > done ? [done, done + 1] : [done];
      expect({ context, committedNow, possible: possible.includes(committedNow) }).toEqual({ context, committedNow, possible: true });
      committedImports += committedNow;
      if (committedNow > 0) current = (first + committedNow - 1) % 2;

      // Nothing anywhere in the main database beyond whole uploads: no staging table, no stray row; and one
      // event per upload committed (the outbox commits with the figures or not at all), and one national sum
      // of the period per import committed (each valid from its commit).
      const expectedRows = { ...freshRows, uploads: committedImports * regions.length, events: committedImports * regions.length, upload_figures: committedImports * gemeenten, upload_sums: committedImports * regions.length, national_sums: committedImports, current_uploads: current === undefined ? 0 : regions.length };
      expect({ context, rows: state.rowCounts }).toEqual({ context, rows: expectedRows });
      const expectedCurrent = current === undefined ? { count: 0, imports: 0, newest: true } : { count: regions.length, imports: 1, newest: true };
      expect({ context, current: state.current }).toEqual({ context, current: expectedCurrent });
      const expected = (region: string) => current === undefined ? undefined : { registerTotal: null, gemeenten: files[current].figures.get(region) };
      const mismatched = regions.filter((region) => JSON.stringify(state.figures.get(region)) !== JSON.stringify(expected(region)));
      const stored = current === undefined ? 'none' : 'AB'[current];
      expect({ context, file: stored, mismatched }).toEqual({ context, file: stored, mismatched: [] });
      outcomes.push(begun === done ? 'between imports' : committing === done ? 'reading and staging' : committedNow > done ? 'committing, committed' : 'committing, rolled back');
    }

    // The kills landed while a file was being imported, not only between imports; and most of them came
    // after a first import had committed, so that the states checked include files stored, A and B.
    expect(outcomes.filter((o) => o !== 'between imports').length).toBeGreaterThan(0);
    expect(committedImports).toBeGreaterThanOrEqual(killsAfterFirstCommit);
    if (process.env.CRASH_REPORT) process.stdout.write(`seed ${seed}: ${JSON.stringify(outcomes.reduce((m, o) => ({ ...m, [o]: (m[o] ?? 0) + 1 }), {} as Record<string, number>))}, ${committedImports} imports committed\n`);
  }, 60_000);
});
