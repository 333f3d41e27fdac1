import { DomainError } from '../../src/domain/errors';
import { FiguresStore, NewUpload, Remember, UploadRecord } from '../../src/domain/ports';
import { Region } from '../../src/domain/reference';
import { GemeenteCounts } from '../../src/domain/upload';
import { STAGING_BATCH_ROWS } from '../../src/storage/engine';
import { createTestStore, currentUpload, saveUploads, STORE_KINDS, TestStore } from '../support/stores';

/** Instants one minute apart from 2026-07-01 10:00, as the domain's clock would give them; each call the next. */
function ticking(): { now: () => string; calls: () => number } {
  let calls = 0;
  return {
    now: () => new Date(Date.UTC(2026, 6, 1, 10, calls++)).toISOString(),
    calls: () => calls,
  };
}

const minute = (m: number): string => new Date(Date.UTC(2026, 6, 1, 10, m)).toISOString();
const just = (instant: string) => () => instant;

/** Rows for the first `count` gemeenten of a region; `seed` makes each upload's figures its own. */
function rowsOf(region: Region, seed: number, count = 3): GemeenteCounts[] {
  return region.gemeenten.slice(0, count).map((g, i) => ({
    code: g.code, name: g.name,
    gemeenteClients: { withProfile: seed + i, withoutProfile: 10 * seed + i },
    uwvClients: { withProfile: 100 * seed + i, withoutProfile: 1000 * seed + i },
  }));
}

function memory(key: string, at: string, answer = (records: UploadRecord[]) => JSON.stringify(records.map((r) => r.id))): Remember {
  return { client: 'writer', key, fingerprint: `fingerprint-${key}`, now: at, expiresAt: new Date(Date.parse(at) + 60_000).toISOString(), answer };
}

describe.each(STORE_KINDS)('The storage contract, on the %s store', (kind) => {
  let testStore: TestStore;
  let store: FiguresStore;
  let twente: Region;
  let almere: Region;

  const upload = (region: Region, period: string, seed: number, extra: Partial<NewUpload> = {}): NewUpload => ({
    regionCode: region.code, period, registerTotal: 1000 * seed, uploadedBy: 'writer', source: 'json', rows: rowsOf(region, seed), ...extra,
  });

  beforeEach(async () => {
    testStore = await createTestStore(kind);
    store = testStore.store;
    const regions = await store.referenceData();
    twente = regions.find((r) => r.code === 'AM05') as Region;
    almere = regions.find((r) => r.name === 'Flevoland') as Region;
  });

  afterEach(async () => {
    await testStore.close();
  });

  test('When it opens, then it holds the 35 regions and 342 gemeenten, no uploads, and is available', async () => {
    const regions = await store.referenceData();

    expect(regions).toHaveLength(35);
    expect(regions.flatMap((r) => r.gemeenten)).toHaveLength(342);
    expect(twente.name).toBe('Twente');
    expect(await store.countUploads({ limit: 100, offset: 0 })).toBe(0);
    expect(await store.periods()).toEqual([]);
    expect(await store.latestPeriod()).toBeUndefined();
    expect(store.isAvailable()).toBe(true);
    expect(typeof store.externalChanges()).toBe('number');
  });

  test('When uploads are saved, then each gets an id, the instant the clock gives inside the write, and becomes current with its rows', async () => {
    const clock = ticking();

    const records = await saveUploads(store, [upload(twente, '2026-06', 1), upload(almere, '2026-06', 2)], clock.now);

    expect(clock.calls()).toBe(1);
    expect(records.map((r) => [r.regionCode, r.uploadedAt, r.current, r.gemeenteCount, r.withdrawnAt])).toEqual([
      ['AM05', minute(0), true, 3, null], [almere.code, minute(0), true, 3, null],
    ]);
    expect(records[1].id).toBeGreaterThan(records[0].id);
    const stored = await store.getUpload(records[0].id);
    expect(stored).toEqual({ ...records[0], rows: [...rowsOf(twente, 1)].sort((a, b) => a.name.localeCompare(b.name)) });
    expect(await currentUpload(store, 'AM05', '2026-06')).toEqual(stored);
    expect((await store.currentUploads('2026-06')).map((u) => u.regionCode)).toEqual(['AM05', almere.code].sort());
    expect(await store.getUpload(records[1].id + 100)).toBeUndefined();
  });

  test('When a batch holds an upload the database refuses, then none of the batch is stored', async () => {
    const unknownGemeente = { ...rowsOf(twente, 2)[0], code: 'GM9999' };

    // Not toThrow(): better-sqlite3 makes its errors with the class of the first test file that loaded it in
    // this worker, so in later files they are no Error of this file's realm and toThrow() misses them.
    await expect(saveUploads(store, [upload(twente, '2026-06', 1), upload(almere, '2026-06', 2, { rows: [unknownGemeente] })], just(minute(0))))
      .rejects.toHaveProperty('message', expect.stringMatching(/foreign key/i));

    expect(await store.countUploads({ limit: 100, offset: 0 })).toBe(0);
    expect(await currentUpload(store, 'AM05', '2026-06')).toBeUndefined();
  });

  test('When a region and period is uploaded again, then the later one is current, the earlier stays in the history, and asOf reads find each as it stood', async () => {
    const [first] = await saveUploads(store, [upload(twente, '2026-06', 1)], just(minute(1)));
    const [second] = await saveUploads(store, [upload(twente, '2026-06', 2, { uploadedBy: 'other' })], just(minute(3)));

    expect((await currentUpload(store, 'AM05', '2026-06'))?.id).toBe(second.id);
    expect((await store.getUpload(first.id))?.current).toBe(false);
    expect((await store.listUploads({ limit: 10, offset: 0 })).map((u) => u.id)).toEqual([second.id, first.id]);
    expect((await store.listUploads({ uploadedBy: 'other', limit: 10, offset: 0 })).map((u) => u.id)).toEqual([second.id]);
    expect((await store.listUploads({ limit: 1, offset: 1 })).map((u) => u.id)).toEqual([first.id]);
    expect(await store.countUploads({ regionCode: 'AM05', period: '2026-06', limit: 1, offset: 0 })).toBe(2);
    expect(await store.countUploads({ period: '2026-07', limit: 1, offset: 0 })).toBe(0);
    expect((await currentUpload(store, 'AM05', '2026-06', minute(2)))?.id).toBe(first.id);
    expect((await currentUpload(store, 'AM05', '2026-06', minute(3)))?.id).toBe(second.id);
    expect(await currentUpload(store, 'AM05', '2026-06', minute(0))).toBeUndefined();
    expect((await store.currentUploads('2026-06', { asOf: minute(2) })).map((u) => u.id)).toEqual([first.id]);
    expect(await store.latestPeriod('AM05', minute(0))).toBeUndefined();
    expect(await store.latestPeriod(undefined, minute(2))).toBe('2026-06');
  });

  test('When two uploads have the same instant, then the later id counts, now and as of that instant', async () => {
    await saveUploads(store, [upload(twente, '2026-06', 1)], just(minute(1)));
    const [later] = await saveUploads(store, [upload(twente, '2026-06', 2)], just(minute(1)));

    expect((await currentUpload(store, 'AM05', '2026-06'))?.id).toBe(later.id);
    expect((await currentUpload(store, 'AM05', '2026-06', minute(1)))?.id).toBe(later.id);
  });

  test('When the current upload is withdrawn, then the one before it is current again, asOf before the withdrawal still finds it, and a second withdrawal changes nothing', async () => {
    const [first] = await saveUploads(store, [upload(twente, '2026-06', 1)], just(minute(1)));
    const [second] = await saveUploads(store, [upload(twente, '2026-06', 2)], just(minute(2)));
    const clock = ticking();

    expect(await store.withdrawUpload(second.id, 'writer', () => minute(4))).toBe(true);
    expect(await store.withdrawUpload(second.id, 'other', clock.now)).toBe(false);

    expect((await currentUpload(store, 'AM05', '2026-06'))?.id).toBe(first.id);
    expect(await store.getUpload(second.id)).toMatchObject({ current: false, withdrawnAt: minute(4), withdrawnBy: 'writer' });
    expect((await currentUpload(store, 'AM05', '2026-06', minute(3)))?.id).toBe(second.id);
    expect((await currentUpload(store, 'AM05', '2026-06', minute(4)))?.id).toBe(first.id);
    expect(await store.withdrawUpload(first.id, 'writer', () => minute(5))).toBe(true);
    expect(await currentUpload(store, 'AM05', '2026-06')).toBeUndefined();
    expect(await store.periods()).toEqual([]);
    expect(await store.countUploads({ limit: 10, offset: 0 })).toBe(2);
  });

  test('When staged uploads are committed, then all are stored in one write with the one instant of that write, each current', async () => {
    const staging = await store.beginStaging();
    await staging.add(upload(twente, '2026-06', 1, { source: 'tsv' }));
    await staging.add(upload(almere, '2026-06', 2, { source: 'tsv' }));
    expect(await store.countUploads({ limit: 10, offset: 0 })).toBe(0);
    const clock = ticking();

    const records = await staging.commit(clock.now);
    await staging.discard();

    expect(clock.calls()).toBe(1);
    expect(records.map((r) => [r.regionCode, r.source, r.uploadedAt, r.current, r.gemeenteCount])).toEqual([
      ['AM05', 'tsv', minute(0), true, 3], [almere.code, 'tsv', minute(0), true, 3],
    ]);
    expect(await store.getUpload(records[0].id)).toEqual({ ...records[0], rows: [...rowsOf(twente, 1)].sort((a, b) => a.name.localeCompare(b.name)) });
    expect(await store.countUploads({ limit: 10, offset: 0 })).toBe(2);
  });

  test('When staging is discarded, or two imports stage at once, then only what is committed is stored, and each import commits its own', async () => {
    const dropped = await store.beginStaging();
    const kept = await store.beginStaging();
    await dropped.add(upload(twente, '2026-06', 1));
    await kept.add(upload(twente, '2026-07', 2));

    await dropped.discard();
    const records = await kept.commit(just(minute(1)));

    expect(records.map((r) => r.period)).toEqual(['2026-07']);
    expect(await store.periods()).toEqual(['2026-07']);
    expect(await store.countUploads({ limit: 10, offset: 0 })).toBe(1);
  });

  test('When one write holds two uploads for one region and period among others, then ids follow their order and only the last of the two is current', async () => {
    const saved = await saveUploads(store, [upload(twente, '2026-06', 1), upload(almere, '2026-06', 2), upload(twente, '2026-06', 3)], just(minute(1)));
    const staging = await store.beginStaging();
    for (const u of [upload(twente, '2026-07', 4), upload(almere, '2026-07', 5), upload(twente, '2026-07', 6)]) await staging.add(u);
    const staged = await staging.commit(just(minute(2)));

    for (const records of [saved, staged]) {
      expect(records.map((r) => r.id)).toEqual([records[0].id, records[0].id + 1, records[0].id + 2]);
      expect(records.map((r) => [r.regionCode, r.current, r.gemeenteCount])).toEqual([['AM05', false, 3], [almere.code, true, 3], ['AM05', true, 3]]);
      expect((await currentUpload(store, 'AM05', records[0].period))?.id).toBe(records[2].id);
      expect((await store.getUpload(records[0].id))?.current).toBe(false);
    }
    expect(staged[0].id).toBeGreaterThan(saved[2].id);
    expect((await store.listUploads({ regionCode: 'AM05', limit: 10, offset: 0 })).map((u) => [u.id, u.current])).toEqual([
      [staged[2].id, true], [staged[0].id, false], [saved[2].id, true], [saved[0].id, false],
    ]);
    expect((await store.uploadSums('AM05')).map((s) => [s.period, s.registerTotal, s.counts.gemeenteClients.withProfile])).toEqual([
      ['2026-06', 3000, 3 * 3 + 3], ['2026-07', 6000, 3 * 6 + 3],
    ]);
  });

  /** Every region's whole table for `count` periods from 2020-01: more gemeente rows than two staging batches when count ≥ 12. */
  const wholeFile = (regions: Region[], count: number, seed: number): NewUpload[] => Array.from({ length: count }, (_, p) => `${2020 + Math.floor(p / 12)}-${String((p % 12) + 1).padStart(2, '0')}`)
    .flatMap((period, p) => regions.map((r, k) => upload(r, period, seed + p + k, { rows: rowsOf(r, seed + p + k, r.gemeenten.length), source: 'tsv' })));

  test('When an import stages more rows than one staging batch holds, then every upload is stored with its rows and sums, in the order staged, and of two for one region and period the last is current', async () => {
    const regions = await store.referenceData();
    const file = wholeFile(regions, 12, 1);
    // The file's first table once more at its end, with figures of its own.
    const uploads = [...file, upload(regions[0], file[0].period, 99, { rows: rowsOf(regions[0], 99, regions[0].gemeenten.length), source: 'tsv' })];
    expect(uploads.reduce((n, u) => n + u.rows.length, 0)).toBeGreaterThan(2 * STAGING_BATCH_ROWS);
    const staging = await store.beginStaging();
    for (const u of uploads) await staging.add(u);

    const records = await staging.commit(just(minute(1)), memory('file', minute(1)));

    expect(records).toHaveLength(uploads.length);
    expect(await store.rememberedAnswer('writer', 'file', minute(1))).toEqual({ fingerprint: 'fingerprint-file', answer: JSON.stringify(records.map((r) => r.id)) });
    expect(records.map((r) => r.id)).toEqual(records.map((_, i) => records[0].id + i));
    expect(records.map((r) => [r.regionCode, r.period, r.registerTotal, r.gemeenteCount, r.current, r.uploadedAt]))
      .toEqual(uploads.map((u, i) => [u.regionCode, u.period, u.registerTotal, u.rows.length, i > 0, minute(1)]));
    expect(await store.countUploads({ limit: 1, offset: 0 })).toBe(uploads.length);
    expect((await store.getUpload(records[0].id))?.current).toBe(false);
    expect((await currentUpload(store, regions[0].code, file[0].period))?.id).toBe(records[records.length - 1].id);
    const sums = await store.uploadSums();
    expect(sums).toHaveLength(file.length);
    for (const [i, u] of uploads.entries()) {
      if (i === 0) continue; // replaced by the last
      const sum = (pick: (r: GemeenteCounts) => number) => u.rows.reduce((n, r) => n + pick(r), 0);
      expect(sums.find((s) => s.regionCode === u.regionCode && s.period === u.period)?.counts).toEqual({
        gemeenteClients: { withProfile: sum((r) => r.gemeenteClients.withProfile), withoutProfile: sum((r) => r.gemeenteClients.withoutProfile) },
        uwvClients: { withProfile: sum((r) => r.uwvClients.withProfile), withoutProfile: sum((r) => r.uwvClients.withoutProfile) },
      });
      if (i % 97 === 0 || i === uploads.length - 1) expect((await store.getUpload(records[i].id))?.rows).toEqual([...u.rows].sort((a, b) => a.name.localeCompare(b.name)));
    }
  });

  test('When an import of more rows than one staging batch is discarded, or refused by the database at its commit, then nothing of it is stored', async () => {
    const regions = await store.referenceData();
    const discarded = await store.beginStaging();
    for (const u of wholeFile(regions, 12, 1)) await discarded.add(u);
    await discarded.discard();
    await discarded.discard();

    const refused = await store.beginStaging();
    const uploads = wholeFile(regions, 12, 2);
    uploads[uploads.length - 1].rows[0] = { ...uploads[uploads.length - 1].rows[0], code: 'GM9999' };
    for (const u of uploads) await refused.add(u);
    await expect(refused.commit(just(minute(1)))).rejects.toHaveProperty('message', expect.stringMatching(/foreign key/i));
    await refused.discard();

    expect(await store.countUploads({ limit: 1, offset: 0 })).toBe(0);
    expect(await store.periods()).toEqual([]);
    expect(await store.uploadSums()).toEqual([]);
    const kept = await store.beginStaging();
    await kept.add(upload(twente, '2026-06', 1));
    expect((await kept.commit(just(minute(2)))).map((r) => [r.regionCode, r.current])).toEqual([['AM05', true]]);
    expect(await store.countUploads({ limit: 1, offset: 0 })).toBe(1);
  });

  test('When an upload remembers an idempotency key, then the answer is found until it expires, and a key taken meanwhile undoes the upload', async () => {
    const [record] = await saveUploads(store, [upload(twente, '2026-06', 1)], just(minute(1)), memory('k1', minute(1)));
    const staging = await store.beginStaging();
    await staging.add(upload(almere, '2026-06', 2));

    expect(await store.rememberedAnswer('writer', 'k1', minute(1))).toEqual({ fingerprint: 'fingerprint-k1', answer: JSON.stringify([record.id]) });
    expect(await store.rememberedAnswer('writer', 'k1', minute(2))).toBeUndefined();
    expect(await store.rememberedAnswer('other', 'k1', minute(1))).toBeUndefined();
    const again = saveUploads(store, [upload(twente, '2026-06', 3)], just(minute(1)), memory('k1', minute(1)));
    await expect(again).rejects.toBeInstanceOf(DomainError);
    await expect(again).rejects.toMatchObject({ kind: 'conflict' });
    await expect(staging.commit(just(minute(1)), memory('k1', minute(1)))).rejects.toMatchObject({ kind: 'conflict' });
    await staging.discard();
    expect(await store.countUploads({ limit: 10, offset: 0 })).toBe(1);
    const staged = await store.beginStaging();
    await staged.add(upload(almere, '2026-06', 2));
    const [fromFile] = await staged.commit(just(minute(2)), memory('k2', minute(2)));
    expect(await store.rememberedAnswer('writer', 'k2', minute(2))).toEqual({ fingerprint: 'fingerprint-k2', answer: JSON.stringify([fromFile.id]) });
  });

  test('When remembering the answer fails, then the upload is not stored either', async () => {
    const failing = memory('k', minute(1), () => {
      throw new Error('disk full');
    });

    await expect(saveUploads(store, [upload(twente, '2026-06', 1)], just(minute(1)), failing)).rejects.toThrow('disk full');

    expect(await store.countUploads({ limit: 10, offset: 0 })).toBe(0);
    expect(await store.rememberedAnswer('writer', 'k', minute(0))).toBeUndefined();
  });

  test('When periods have uploads, then periods, region periods, sums and a gemeente history read the uploads that count, now and as of an instant', async () => {
    await saveUploads(store, [upload(twente, '2026-05', 1), upload(almere, '2026-06', 2)], just(minute(1)));
    await saveUploads(store, [upload(twente, '2026-06', 3, { registerTotal: null })], just(minute(2)));
    await saveUploads(store, [upload(twente, '2026-06', 4)], just(minute(3)));
    const sum = (seed: number) => ({
      gemeenteClients: { withProfile: 3 * seed + 3, withoutProfile: 30 * seed + 3 },
      uwvClients: { withProfile: 300 * seed + 3, withoutProfile: 3000 * seed + 3 },
    });

    expect(await store.periods()).toEqual(['2026-05', '2026-06']);
    expect(await store.periods('AM05')).toEqual(['2026-05', '2026-06']);
    expect(await store.latestPeriod('AM05')).toBe('2026-06');
    expect(await store.uploadSums('AM05')).toEqual([
      { regionCode: 'AM05', period: '2026-05', registerTotal: 1000, counts: sum(1) },
      { regionCode: 'AM05', period: '2026-06', registerTotal: 4000, counts: sum(4) },
    ]);
    expect(await store.uploadSums('AM05', minute(2))).toEqual([
      { regionCode: 'AM05', period: '2026-05', registerTotal: 1000, counts: sum(1) },
      { regionCode: 'AM05', period: '2026-06', registerTotal: null, counts: sum(3) },
    ]);
    expect((await store.uploadSums()).map((s) => [s.period, s.regionCode])).toEqual([['2026-05', 'AM05'], ...[['2026-06', 'AM05'], ['2026-06', almere.code]].sort()]);
    const gemeente = twente.gemeenten[0];
    const history = await store.gemeenteHistory(gemeente.code);
    expect(history.map((h) => [h.period, h.row.code, h.row.gemeenteClients.withProfile])).toEqual([['2026-05', gemeente.code, 1], ['2026-06', gemeente.code, 4]]);
    expect((await store.gemeenteHistory(gemeente.code, minute(2))).map((h) => h.row.gemeenteClients.withProfile)).toEqual([1, 3]);
  });

  test('When an upload gives a region label and the names as printed, then the printed upload keeps them in its order; without them it prints CBS names', async () => {
    const rows = rowsOf(twente, 1).reverse();
    const printed = { regionLabel: '28 Twente', names: rows.map((r, i) => `${r.name} (${i})`) };
    await saveUploads(store, [upload(twente, '2026-06', 1, { rows, printed }), upload(almere, '2026-06', 2)], just(minute(1)));

    const table = await store.printedUpload('AM05', '2026-06');
    const plain = await store.printedUpload(almere.code, '2026-06');

    expect(table?.regionLabel).toBe('28 Twente');
    expect(table?.rows.map((r) => [r.code, r.printedName])).toEqual(rows.map((r, i) => [r.code, printed.names[i]]));
    expect(plain?.regionLabel).toBeNull();
    expect(plain?.rows.map((r) => r.printedName)).toEqual(rowsOf(almere, 2).map((r) => r.name).sort((a, b) => a.localeCompare(b)));
    expect([...(await store.regionLabels('2026-06'))]).toEqual([['AM05', '28 Twente']]);
    expect(await store.printedUpload('AM05', '2026-07')).toBeUndefined();
  });

  test('When it is closed, then it is no longer available, and closing again is harmless', async () => {
    await store.close();
    await store.close();

    expect(store.isAvailable()).toBe(false);
  });
});
