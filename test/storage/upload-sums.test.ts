import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Test } from 'supertest';
import path from 'node:path';
import { twenteUpload } from '../support/factories';
import { markedUpload } from '../support/region-batches';
import { appUnderTest, createTestApp, expectResponsesMatchContract, WRITER_KEY } from '../support/test-app';
import { sqliteDb } from '../support/stores';
import { TSV, twenteTsv } from '../tables/publication-files';
import { release1Sqlite } from './release-1';

/** Each series point, checked against the one-period read of its period. */
async function expectSeriesEqualsReads(get: (url: string) => Test, region: string): Promise<number> {
  const res = await get(`/v1/regions/${region}/series`).expect(200);
  for (const { change, ...point } of res.body.series) {
    const read = await get(`/v1/regions/${region}/totals?period=${point.period}`).expect(200);
    expect({ region: res.body.region, ...point }).toEqual(read.body);
  }
  return res.body.series.length;
}

describe('The sums a series reads, stored with each upload', () => {
  const app = appUnderTest('each');

  test('When uploads come as JSON and as a table file, then the series made from their stored sums equals the reads made from their rows', async () => {
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send({ ...twenteUpload(), period: '2026-03' }).expect(201);
    await app().http().post('/v1/uploads?period=2026-06&registerTotal=10371').set('X-API-Key', WRITER_KEY).set('Content-Type', TSV).send(twenteTsv()).expect(201);

    expect(await expectSeriesEqualsReads((url) => app().http().get(url), 'Twente')).toBe(2);
    expect(await app().store.uploadSums('AM05')).toHaveLength(2);
  });

  test('When region and national totals are read from the stored sums, then they equal the sums of the gemeenten rows, now and as of an earlier instant', async () => {
    const upload = (body: object) => app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(body).expect(201);
    await upload(markedUpload('AM05', '2026-06', 11));
    await upload(markedUpload('AM14', '2026-06', 22));
    const between = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5)); // the next upload's instant comes after `between`
    await upload({ ...twenteUpload(), period: '2026-06' });
    const rowSum = async (region: string, query: string) => {
      const res = await app().http().get(`/v1/regions/${region}/gemeenten?period=2026-06${query}`).expect(200);
      return (res.body.gemeenten as Array<{ total: number }>).reduce((n, g) => n + g.total, 0);
    };

    for (const query of ['', `&asOf=${between}`]) {
      const [twente, other] = [await rowSum('AM05', query), await rowSum('AM14', query)];
      const regionTotals = await app().http().get(`/v1/regions/AM05/totals?period=2026-06${query}`).expect(200);
      const national = await app().http().get(`/v1/totals?period=2026-06${query}`).expect(200);
      const coverage = await app().http().get(`/v1/coverage?period=2026-06${query}`).expect(200);
      expect(regionTotals.body.total).toBe(twente);
      expect(national.body.total).toBe(twente + other);
      expect(coverage.body.regions.map((r: { total: number }) => r.total)).toEqual([twente, other]);
    }
    expect(await rowSum('AM05', '')).toBe(7898); // the published Twente table, current now
  });
});

describe('Migrating a SQLite database that has uploads from before the stored sums (SQLite only)', () => {
  test('When the migration runs, then every earlier upload gets its sums, and the series equals the reads', async () => {
    // A database as it was before migration 005: the first release's migrations 001-004 only.
    const before = mkdtempSync(path.join(tmpdir(), 'sonar-before-005-'));
    const file = path.join(before, 'sonar.db');
    const old = release1Sqlite(file, 4);
    const insertUpload = old.prepare("INSERT INTO uploads (region_code, period, register_total, uploaded_by, uploaded_at, source) VALUES (?, ?, ?, 'old', ?, 'json')");
    const insertFigure = old.prepare('INSERT INTO upload_figures (upload_id, gemeente_code, gemeente_with_profile, gemeente_without_profile, uwv_with_profile, uwv_without_profile) VALUES (?, ?, ?, ?, ?, ?)');
    const makeCurrent = old.prepare('INSERT INTO current_uploads (region_code, period, upload_id) VALUES (?, ?, ?) ON CONFLICT (region_code, period) DO UPDATE SET upload_id = excluded.upload_id');
    [['2026-03', 11], ['2026-06', 22], ['2026-06', 33]].forEach(([period, marker], i) => {
      const upload = markedUpload('AM05', period as string, marker as number);
      const id = insertUpload.run('AM05', period, upload.registerTotal, `2026-07-0${i + 1}T00:00:00.000Z`).lastInsertRowid;
      for (const g of upload.gemeenten) insertFigure.run(id, g.gemeente, g.gemeenteClients.withProfile, g.gemeenteClients.withoutProfile, g.uwvClients.withProfile, g.uwvClients.withoutProfile);
      makeCurrent.run('AM05', period, id);
    });
    old.close();

    const t = await createTestApp({ DATABASE_PATH: file });
    try {
      expect(sqliteDb(t.store).prepare('SELECT count(*) FROM upload_sums').pluck().get()).toBe(3);
      expect(await expectSeriesEqualsReads((url) => t.http().get(url), 'AM05')).toBe(2);
      const asOfFirst = await t.http().get('/v1/regions/AM05/series?asOf=2026-07-02T00:00:00Z').expect(200);
      expect(asOfFirst.body.series.map((p: { registerTotal: number }) => p.registerTotal)).toEqual([11, 22]);
      expectResponsesMatchContract(t);
    } finally {
      await t.close();
      rmSync(before, { recursive: true, force: true });
    }
  });
});
