/**
 * Crash safety of a multi-region upload. NEEDS THE BUILD: the child process runs dist/ (`npm test` builds
 * first; with plain jest run `npm run build` before). A child uploads one large batch (every region, three
 * periods, 105 uploads and 1,026 gemeente rows in one service.upload call, i.e. one transaction) after
 * another, alternating batch A and batch B, and is killed with SIGKILL at a random moment. After each
 * kill the database is reopened as the server would and must be intact and hold exactly the figures of
 * the last batch committed: all A or all B, never some regions of each, never part of a region.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { UploadRequest } from '../../src/domain/upload';
import { ReferenceData } from '../../src/domain/reference';
import { SonarService } from '../../src/domain/service';
import { openDatabase } from '../../src/storage/database';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { expectFreshBuild, startChild, stopChildren } from '../support/child-processes';
import { allRegionsBatch } from '../support/region-batches';

const CHILD = path.join(__dirname, 'upload-child.js');
const PERIODS = ['2027-03', '2027-06', '2027-09'];
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

const batch = (variant: number): UploadRequest[] => PERIODS.flatMap((period) => allRegionsBatch(variant, period));

/** The register and each gemeente's four counts, gemeenten sorted by code so that two reads compare as JSON. */
interface Figures { registerTotal: number | null; gemeenten: Array<[string, number, number, number, number]> }

const byCode = (rows: Figures['gemeenten']): Figures['gemeenten'] => rows.sort((a, b) => a[0].localeCompare(b[0]));

/** What each (region, period) of a batch holds after it committed, keyed "AM05 2027-03". */
function expectedFigures(uploads: UploadRequest[]): Map<string, Figures> {
  return new Map(uploads.map((u) => [`${u.region} ${u.period}`, {
    registerTotal: u.registerTotal ?? null,
    gemeenten: byCode(u.gemeenten.map((g) => [g.gemeente, g.gemeenteClients.withProfile, g.gemeenteClients.withoutProfile, g.uwvClients.withProfile, g.uwvClients.withoutProfile])),
  }]));
}

/** Reopens the database the way the server does and reads every (region, period) of the batch back. */
function reopenAndRead(file: string, keys: string[]): { integrity: unknown; foreignKeys: unknown[]; uploads: number; figures: Map<string, Figures | undefined> } {
  const db = openDatabase(file);
  try {
    const store = new SqliteStore(db);
    const service = new SonarService(store, new ReferenceData(store.referenceData()));
    const figures = new Map<string, Figures | undefined>();
    for (const key of keys) {
      const [region, period] = key.split(' ');
      const upload = store.currentUpload(region, period);
      figures.set(key, upload && {
        registerTotal: service.regionTotals(region, period).registerTotal,
        gemeenten: byCode(service.gemeenten(region, period).gemeenten.map((g) => [g.code, g.gemeenteClients.withProfile, g.gemeenteClients.withoutProfile, g.uwvClients.withProfile, g.uwvClients.withoutProfile])),
      });
    }
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      foreignKeys: db.pragma('foreign_key_check') as unknown[],
      uploads: db.prepare('SELECT count(*) FROM uploads').pluck().get() as number,
      figures,
    };
  } finally {
    db.close();
  }
}

describe('Crash safety of a multi-region upload', () => {
  let dir: string;
  beforeAll(() => {
    expectFreshBuild();
    dir = mkdtempSync(path.join(tmpdir(), 'sonar-crash-'));
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
    openDatabase(file).close(); // migrated and loaded once, as on the server's first start
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
      const state = reopenAndRead(file, keys);
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
