import type { UploadRequest } from '../../src/domain/upload';
import { allRegionsBatch, referenceRegions } from '../support/region-batches';
import { nationalSeries } from '../../src/domain/series';
import { appUnderTest, WRITER_KEY } from '../support/test-app';

/** Five quarters of generated figures for every region, with gaps (see `stored`). */
const PERIODS = ['2025-06', '2025-09', '2025-12', '2026-03', '2026-06'];
const REGIONS = referenceRegions();

/**
 * What is stored: every region in every period, except Twente (AM05) in 2025-12 (a gap in its series),
 * Achterhoek (AM09) in 2026-06 (missing nationally), Groningen (AM01) in 2025-09 without a register, and
 * Twente in 2026-03 without Almelo (a gap in Almelo's series).
 */
function stored(): UploadRequest[] {
  return PERIODS.flatMap((period, i) => allRegionsBatch(i + 1, period)
    .filter((u) => !(u.region === 'AM05' && period === '2025-12') && !(u.region === 'AM09' && period === '2026-06'))
    .map((u) => {
      if (u.region === 'AM01' && period === '2025-09') return { ...u, registerTotal: undefined };
      if (u.region === 'AM05' && period === '2026-03') return { ...u, gemeenten: u.gemeenten.filter((g) => g.gemeente !== 'GM0141'), partial: true };
      return u;
    }));
}

/** A ratio of 4 decimals as an integer, rounded half up, without floating point: the oracle for the service's ratios. */
const ratioInt = (numerator: number, denominator: number) => Math.floor((20_000 * numerator + denominator) / (2 * denominator));
const FOUR_DECIMALS = /^-?[0-9]+(\.[0-9]{1,4})?$/;

interface Point {
  period: string;
  total: number;
  registerTotal: number | null;
  coverage: number | null;
  profileShare: number | null;
  gemeenteClients: { withProfile: number };
  uwvClients: { withProfile: number };
  change: { total: number; coverage: number | null; profileShare: number | null; fromPeriod: string } | null;
}

describe('Series on five quarters of generated figures with gaps', () => {
  const app = appUnderTest('all');
  const get = (url: string) => app().http().get(url);

  beforeAll(async () => {
    for (const upload of stored()) {
      await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(upload).expect(201);
    }
  });

  test('When a region series is read, then every point is the totals read of its period, without the region', async () => {
    for (const region of REGIONS) {
      const res = await get(`/v1/regions/${region.code}/series`).expect(200);
      const expectedPeriods = PERIODS.filter((p) => !(region.code === 'AM05' && p === '2025-12') && !(region.code === 'AM09' && p === '2026-06'));

      expect(res.body.region).toEqual({ code: region.code, name: region.name });
      expect(res.body.series.map((p: Point) => p.period)).toEqual(expectedPeriods);
      for (const { change, ...point } of res.body.series as Point[]) {
        const read = await get(`/v1/regions/${region.code}/totals?period=${point.period}`).expect(200);
        expect({ region: res.body.region, ...point }).toEqual(read.body);
        expect(change === null).toBe(point.period === expectedPeriods[0]);
      }
    }
  });

  test('When a region series is read, then each change is exact, against the previous period with figures', async () => {
    for (const region of REGIONS) {
      const { series } = (await get(`/v1/regions/${region.code}/series`).expect(200)).body as { series: Point[] };
      expect(series[0].change).toBeNull();
      series.slice(1).forEach((point, i) => {
        const from = series[i];
        const ratioChange = (n1: number, d1: number | null, n2: number, d2: number | null) =>
          (d1 === null || d2 === null || d1 === 0 || d2 === 0 ? null : (ratioInt(n2, d2) - ratioInt(n1, d1)) / 10_000);
        const withProfile = (p: Point) => p.gemeenteClients.withProfile + p.uwvClients.withProfile;
        expect(point.change).toEqual({
          total: point.total - from.total,
          coverage: ratioChange(from.total, from.registerTotal, point.total, point.registerTotal),
          profileShare: ratioChange(withProfile(from), from.total, withProfile(point), point.total),
          fromPeriod: from.period,
        });
        for (const ratio of [point.change?.coverage, point.change?.profileShare]) {
          if (ratio !== null && ratio !== undefined) expect(String(ratio)).toMatch(FOUR_DECIMALS);
        }
      });
    }
  });

  test('When a region has no figures in a period, then its series skips it and the next change is from the period before the gap', async () => {
    const { series } = (await get('/v1/regions/Twente/series').expect(200)).body as { series: Point[] };
    const march = series.find((p) => p.period === '2026-03');

    expect(series.map((p) => p.period)).toEqual(['2025-06', '2025-09', '2026-03', '2026-06']);
    expect(march?.change?.fromPeriod).toBe('2025-09');
    expect(march?.change?.total).toBe((march?.total ?? 0) - series[1].total);
  });

  test('When a period has no register, then coverage and its changes to and from it are null', async () => {
    const { series } = (await get('/v1/regions/AM01/series').expect(200)).body as { series: Point[] };

    expect(series[1]).toEqual(expect.objectContaining({ period: '2025-09', registerTotal: null, coverage: null }));
    expect(series[1].change?.coverage).toBeNull();
    expect(series[2].change?.coverage).toBeNull();
    expect(series[2].change?.profileShare).not.toBeNull();
    expect(series[3].change?.coverage).not.toBeNull();
  });

  test('When the national series is read, then every point is the national totals read of its period, with the regions missing', async () => {
    const res = await get('/v1/series').expect(200);

    expect(res.body.series.map((p: Point) => p.period)).toEqual(PERIODS);
    for (const { change, ...point } of res.body.series as Point[]) {
      const read = await get(`/v1/totals?period=${point.period}`).expect(200);
      expect(point).toEqual(read.body);
      expect(change === null).toBe(point.period === PERIODS[0]);
    }
    const [, september, december, , june] = res.body.series;
    expect(december).toEqual(expect.objectContaining({ regions: 34, missing: [{ code: 'AM05', name: 'Twente' }] }));
    expect(june).toEqual(expect.objectContaining({ regions: 34, missing: [{ code: 'AM09', name: 'Achterhoek' }] }));
    expect(september).toEqual(expect.objectContaining({ regions: 35, regionsWithRegister: 34, missing: [] }));
    expect(december.change.total).toBe(december.total - september.total);
    expect(december.change.fromPeriod).toBe('2025-09');
  });

  test('When one period\'s figures change, then the national series changes that point and the next one\'s change only, and as of before it is as it was', async () => {
    const before = (await get('/v1/series').expect(200)).body;
    await new Promise((resolve) => setTimeout(resolve, 2)); // an instant strictly before the write
    const instant = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 2));
    const december = stored().find((u) => u.region === 'AM01' && u.period === '2025-12') as UploadRequest;
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY)
      .send({ ...december, gemeenten: december.gemeenten.map((g) => ({ ...g, uwvClients: { ...g.uwvClients, withProfile: g.uwvClients.withProfile + 2 }, total: undefined })) })
      .expect(201);
    const added = 2 * december.gemeenten.length;

    const after = (await get('/v1/series').expect(200)).body;
    const [, , changed, next] = after.series;
    expect(changed.total).toBe(before.series[2].total + added);
    expect(changed.change.total).toBe(before.series[2].change.total + added);
    expect(next.change.total).toBe(before.series[3].change.total - added);
    expect(next.change.fromPeriod).toBe('2025-12');
    for (const i of [0, 1, 4]) expect(after.series[i]).toEqual(before.series[i]);
    for (const { change, ...point } of after.series as Point[]) expect(point).toEqual((await get(`/v1/totals?period=${point.period}`).expect(200)).body);
    expect((await get(`/v1/series?asOf=${instant}`).expect(200)).body).toEqual(before);
    expect((await get('/v1/series?startPeriod=1999-01').expect(200)).body).toEqual(after);
    expect((await get(`/v1/series?asOf=${instant}&startPeriod=1999-01`).expect(200)).body).toEqual(before);
  });

  test('When the coverage of a period with a region missing is read, then that region is listed as missing', async () => {
    const res = await get('/v1/coverage?period=2025-12').expect(200);

    expect(res.body.regions).toHaveLength(34);
    expect(res.body.missing).toEqual([{ code: 'AM05', name: 'Twente' }]);
  });

  test('When a gemeente series is read, then every point is the gemeente\'s row in the gemeenten read of its period', async () => {
    const res = await get('/v1/gemeenten/Almelo/series').expect(200);

    expect(res.body.gemeente).toEqual({ code: 'GM0141', name: 'Almelo', region: { code: 'AM05', name: 'Twente' } });
    expect(res.body.series.map((p: Point) => p.period)).toEqual(['2025-06', '2025-09', '2026-06']);
    for (const { change, period, ...figures } of res.body.series as Point[]) {
      const read = await get(`/v1/regions/Twente/gemeenten?period=${period}`).expect(200);
      expect({ code: 'GM0141', name: 'Almelo', ...figures }).toEqual(read.body.gemeenten.find((g: { code: string }) => g.code === 'GM0141'));
      if (change) expect(change.coverage).toBeNull();
    }
    const march = await get('/v1/regions/Twente/gemeenten?period=2026-03').expect(200);
    expect(march.body.missing).toEqual([{ code: 'GM0141', name: 'Almelo' }]);
    const [first, second, last] = res.body.series as Point[];
    expect(first.change).toBeNull();
    expect(last.change).toEqual({ total: last.total - second.total, coverage: null, profileShare: null, fromPeriod: '2025-09' });
  });

  test('When startPeriod and endPeriod are given, then exactly the periods between them, both included, are the points', async () => {
    const res = await get('/v1/regions/AM02/series?startPeriod=2025-09&endPeriod=2026-03').expect(200);
    const all = (await get('/v1/regions/AM02/series').expect(200)).body.series as Point[];

    expect(res.body.series.map((p: Point) => p.period)).toEqual(['2025-09', '2025-12', '2026-03']);
    expect(res.body.series).toEqual(all.slice(1, 4));
    expect(res.body.series[0].change.fromPeriod).toBe('2025-06'); // a filter selects points; it does not change them
  });

  test('When only startPeriod or only endPeriod is given, then the series is open on the other side', async () => {
    const from = await get('/v1/series?startPeriod=2026-03').expect(200);
    const to = await get('/v1/series?endPeriod=2025-06').expect(200);
    const between = await get('/v1/series?startPeriod=2025-07&endPeriod=2025-11').expect(200);

    expect(from.body.series.map((p: Point) => p.period)).toEqual(['2026-03', '2026-06']);
    expect(to.body.series.map((p: Point) => p.period)).toEqual(['2025-06']);
    expect(to.body.series[0].change).toBeNull();
    expect(between.body.series.map((p: Point) => p.period)).toEqual(['2025-09']);
  });

  test('When lastNObservations is given, then the last N points of those in the period range are the answer', async () => {
    const last2 = await get('/v1/regions/Twente/series?lastNObservations=2').expect(200);
    const last2Before = await get('/v1/regions/Twente/series?endPeriod=2026-03&lastNObservations=2').expect(200);
    const more = await get('/v1/gemeenten/GM0141/series?lastNObservations=100').expect(200);

    expect(last2.body.series.map((p: Point) => p.period)).toEqual(['2026-03', '2026-06']);
    expect(last2Before.body.series.map((p: Point) => p.period)).toEqual(['2025-09', '2026-03']);
    expect(more.body.series).toHaveLength(3);
  });

  test('When filters are written as quarters, then they select what the months select', async () => {
    const months = await get('/v1/series?startPeriod=2025-09&endPeriod=2026-03').expect(200);
    const sdmx = await get('/v1/series?startPeriod=2025-Q3&endPeriod=2026-Q1').expect(200);
    const cbs = await get('/v1/series?startPeriod=2025KW03&endPeriod=2026KW01').expect(200);

    expect(sdmx.body).toEqual(months.body);
    expect(cbs.body).toEqual(months.body);
  });

  test('When filters are malformed or contradict each other, then a 400 names each offending parameter', async () => {
    const cases: Array<[string, string[]]> = [
      ['/v1/series?startPeriod=2026-Q5', ['query.startPeriod']],
      ['/v1/series?endPeriod=2026KW07', ['query.endPeriod']],
      ['/v1/regions/Twente/series?lastNObservations=0', ['query.lastNObservations']],
      ['/v1/regions/Twente/series?lastNObservations=1.5', ['query.lastNObservations']],
      ['/v1/gemeenten/Almelo/series?startPeriod=2026-06&endPeriod=2026-03', ['query.endPeriod']],
      ['/v1/series?asOf=yesterday', ['query.asOf']],
    ];
    for (const [url, fields] of cases) {
      const res = await get(url).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    }
  });

  test('When a series is read again, then it comes with an ETag and a 304 for it, until an upload changes it', async () => {
    const first = await get('/v1/regions/Twente/series').expect(200);
    await get('/v1/regions/Twente/series').set('If-None-Match', first.headers.etag).expect(304);
    const [national, gemeente] = await Promise.all([get('/v1/series').expect(200), get('/v1/gemeenten/Almelo/series').expect(200)]);
    await get('/v1/series').set('If-None-Match', national.headers.etag).expect(304);
    await get('/v1/gemeenten/Almelo/series').set('If-None-Match', gemeente.headers.etag).expect(304);

    const june = stored().find((u) => u.region === 'AM05' && u.period === '2026-06') as UploadRequest;
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY)
      .send({ ...june, gemeenten: june.gemeenten.map((g) => ({ ...g, gemeenteClients: { ...g.gemeenteClients, withProfile: g.gemeenteClients.withProfile + 1 }, total: undefined })) })
      .expect(201);
    const after = await get('/v1/regions/Twente/series').set('If-None-Match', first.headers.etag).expect(200);

    expect(first.headers['cache-control']).toBe('public, no-cache');
    expect(after.body.series.at(-1).total).toBe(first.body.series.at(-1).total + june.gemeenten.length);
    expect(after.body.series.at(-1).change.total).toBe(first.body.series.at(-1).change.total + june.gemeenten.length);
  });

  test('When a region\'s periods are read, then they are the periods it has figures for, gap left out', async () => {
    const twente = await get('/v1/regions/Twente/periods').expect(200);
    const achterhoek = await get('/v1/regions/AM09/periods').expect(200);

    expect(twente.body).toEqual({ region: { code: 'AM05', name: 'Twente' }, periods: ['2025-06', '2025-09', '2026-03', '2026-06'] });
    expect(achterhoek.body.periods).toEqual(PERIODS.slice(0, 4));
    await get('/v1/regions/Nowhere/periods').expect(404);
  });
});

describe('Series without figures', () => {
  const app = appUnderTest('all');

  test('When nothing has been uploaded, then every series is empty, and a region has no periods', async () => {
    const region = await app().http().get('/v1/regions/Twente/series').expect(200);
    const national = await app().http().get('/v1/series').expect(200);
    const gemeente = await app().http().get('/v1/gemeenten/Enschede/series').expect(200);
    const periods = await app().http().get('/v1/regions/Twente/periods').expect(200);

    expect(region.body).toEqual({ region: { code: 'AM05', name: 'Twente' }, series: [] });
    expect(national.body).toEqual({ series: [] });
    expect(gemeente.body.series).toEqual([]);
    expect(periods.body.periods).toEqual([]);
  });

  test('When a period\'s only upload is withdrawn, then the national series leaves the period out and the next point changes from the one before it', async () => {
    const twente = (period: string) => allRegionsBatch(Number(period.slice(5)), period).find((u) => u.region === 'AM05') as UploadRequest;
    const ids: number[] = [];
    for (const period of ['2026-01', '2026-02', '2026-03']) {
      ids.push((await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twente(period)).expect(201)).body.uploads[0].id);
    }
    const all = (await app().http().get('/v1/series').expect(200)).body.series;
    await app().http().delete(`/v1/uploads/${ids[1]}`).set('X-API-Key', WRITER_KEY).expect(200);

    const after = (await app().http().get('/v1/series').expect(200)).body.series;
    expect(after.map((p: Point) => p.period)).toEqual(['2026-01', '2026-03']);
    expect(after[0]).toEqual(all[0]);
    expect(after[1].change).toEqual(expect.objectContaining({ fromPeriod: '2026-01', total: all[2].total - all[0].total }));
  });

  test('When the national series is derived again, then each point a write did not change is the one shaped before, until the classifications are read again', async () => {
    const twente = (period: string, registerTotal: number) => ({ ...(allRegionsBatch(1, period).find((u) => u.region === 'AM05') as UploadRequest), registerTotal });
    const upload = (period: string, registerTotal: number) => app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twente(period, registerTotal)).expect(201);
    for (const period of ['2025-04', '2025-05', '2025-06']) await upload(period, 10_000);
    const first = (await nationalSeries(app().service, { startPeriod: '2025-04', endPeriod: '2025-06' })).series;
    const again = (await nationalSeries(app().service, { startPeriod: '2025-04', endPeriod: '2025-06' })).series;

    await upload('2025-05', 20_000);
    const after = (await nationalSeries(app().service, { startPeriod: '2025-04', endPeriod: '2025-06' })).series;
    await app().service.reloadClassifications();
    const reloaded = (await nationalSeries(app().service, { startPeriod: '2025-04', endPeriod: '2025-06' })).series;

    expect(again.every((point, i) => point === first[i])).toBe(true);
    expect([after[0] === first[0], after[1] === first[1], after[2] === first[2]]).toEqual([true, false, false]); // May, and June's change from it
    expect(after[1].registerTotal).toBe(20_000);
    expect(after[2].change?.coverage).not.toBe(first[2].change?.coverage);
    expect(reloaded.some((point, i) => point === after[i])).toBe(false);
    expect(reloaded).toEqual(after);
  });

  test('When a series names an unknown region or gemeente, then it is a 404', async () => {
    await app().http().get('/v1/regions/Atlantis/series').expect(404);
    await app().http().get('/v1/gemeenten/GM9999/series').expect(404);
  });
});
