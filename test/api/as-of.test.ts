import { markedUpload } from '../support/region-batches';
import { appUnderTest, TestApp, WRITER_KEY } from '../support/test-app';
import { saveUploads } from '../support/stores';

/** Waits until the clock has moved on by a millisecond, so that the next upload has a later uploadedAt. */
async function nextMillisecond(): Promise<void> {
  const start = Date.now();
  while (Date.now() === start) await new Promise((resolve) => setTimeout(resolve, 1));
}

const before = (instant: string) => new Date(Date.parse(instant) - 1).toISOString();

interface History {
  /** Twente 2026-06, later replaced by `replacement`. */
  first: { id: number; uploadedAt: string };
  /** Twente 2026-03 and Groningen 2026-06, both after `first`. */
  between: { id: number; uploadedAt: string };
  replacement: { id: number; uploadedAt: string };
}

async function upload(t: TestApp, region: string, period: string, marker: number): Promise<{ id: number; uploadedAt: string }> {
  await nextMillisecond();
  const res = await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(markedUpload(region, period, marker)).expect(201);
  return { id: res.body.uploads[0].id, uploadedAt: res.body.uploads[0].uploadedAt };
}

describe('Figures as they stood at an instant (asOf)', () => {
  const app = appUnderTest('all');
  const get = (url: string) => app().http().get(url);
  let h: History;

  beforeAll(async () => {
    const first = await upload(app(), 'AM05', '2026-06', 101);
    const between = await upload(app(), 'AM05', '2026-03', 202);
    await upload(app(), 'AM01', '2026-06', 303);
    const replacement = await upload(app(), 'AM05', '2026-06', 404);
    h = { first, between, replacement };
    await nextMillisecond();
  });

  test('When asOf is before the first upload, then there are no figures', async () => {
    const asOf = encodeURIComponent(before(h.first.uploadedAt));

    await get(`/v1/regions/Twente/totals?period=2026-06&asOf=${asOf}`).expect(404);
    await get(`/v1/regions/Twente/totals?asOf=${asOf}`).expect(404);
    await get(`/v1/totals?asOf=${asOf}`).expect(404);
    expect((await get(`/v1/regions/Twente/series?asOf=${asOf}`).expect(200)).body.series).toEqual([]);
    expect((await get(`/v1/gemeenten/Almelo?asOf=${asOf}`).expect(200)).body.latest).toBeNull();
  });

  test('When asOf is between an upload and its replacement, then the replaced figures come back', async () => {
    const asOf = h.between.uploadedAt;

    const totals = await get(`/v1/regions/Twente/totals?period=2026-06&asOf=${asOf}`).expect(200);
    const gemeenten = await get(`/v1/regions/Twente/gemeenten?period=2026-06&asOf=${asOf}`).expect(200);
    const replaced = await get(`/v1/uploads/${h.first.id}`).expect(200);

    expect(replaced.body.current).toBe(false);
    expect(totals.body).toEqual(replaced.body.totals);
    expect(totals.body.registerTotal).toBe(101);
    expect(gemeenten.body.gemeenten).toEqual(replaced.body.gemeenten);
  });

  test('When asOf is after the replacement, or left out, then the current figures are the answer', async () => {
    const now = new Date().toISOString();
    const urls = ['/v1/regions/Twente/totals?period=2026-06', '/v1/regions/Twente/gemeenten', '/v1/totals', '/v1/coverage', '/v1/series', '/v1/regions/AM05/series', '/v1/gemeenten/Almelo', '/v1/gemeenten/Almelo/series'];

    for (const url of urls) {
      const current = await get(url).expect(200);
      const asOfNow = await get(`${url}${url.includes('?') ? '&' : '?'}asOf=${now}`).expect(200);
      const asOfReplacement = await get(`${url}${url.includes('?') ? '&' : '?'}asOf=${h.replacement.uploadedAt}`).expect(200);
      expect(asOfNow.body).toEqual(current.body);
      expect(asOfReplacement.body).toEqual(current.body);
    }
    expect((await get('/v1/regions/Twente/totals?period=2026-06').expect(200)).body.registerTotal).toBe(404);
  });

  test('When asOf is the instant of an upload, then that upload counts: at or before is inclusive', async () => {
    const atFirst = await get(`/v1/totals?asOf=${h.first.uploadedAt}`).expect(200);
    const justBefore = await get(`/v1/regions/Twente/totals?period=2026-03&asOf=${before(h.between.uploadedAt)}`).expect(404);
    const atBetween = await get(`/v1/regions/Twente/totals?period=2026-03&asOf=${h.between.uploadedAt}`).expect(200);

    expect(atFirst.body).toEqual(expect.objectContaining({ period: '2026-06', regions: 1, registerTotal: 101 }));
    expect(atFirst.body.missing).toHaveLength(34);
    expect(justBefore.body.status).toBe(404);
    expect(atBetween.body.registerTotal).toBe(202);
  });

  test('When a series is read as of an instant, then its points are the one-period reads as of that instant', async () => {
    const asOf = h.between.uploadedAt;
    const region = await get(`/v1/regions/Twente/series?asOf=${asOf}`).expect(200);
    const national = await get(`/v1/series?asOf=${asOf}`).expect(200);
    const gemeente = await get(`/v1/gemeenten/Almelo/series?asOf=${asOf}`).expect(200);

    expect(region.body.series.map((p: { period: string }) => p.period)).toEqual(['2026-03', '2026-06']);
    for (const { change, ...point } of region.body.series) {
      const read = await get(`/v1/regions/Twente/totals?period=${point.period}&asOf=${asOf}`).expect(200);
      expect({ region: region.body.region, ...point }).toEqual(read.body);
    }
    expect(region.body.series[1].registerTotal).toBe(101);
    expect(region.body.series[1].change.total).toBe(region.body.series[1].total - region.body.series[0].total);
    for (const { change, ...point } of national.body.series) {
      expect(point).toEqual((await get(`/v1/totals?period=${point.period}&asOf=${asOf}`).expect(200)).body);
    }
    const june = (await get(`/v1/regions/Twente/gemeenten?period=2026-06&asOf=${asOf}`).expect(200)).body.gemeenten
      .find((g: { code: string }) => g.code === 'GM0141');
    const { change, period, ...figures } = gemeente.body.series.at(-1);
    expect({ code: 'GM0141', name: 'Almelo', ...figures }).toEqual(june);
    expect(period).toBe('2026-06');
  });

  test('When the coverage and the gemeente are read as of an instant, then they show that instant too', async () => {
    const coverage = await get(`/v1/coverage?period=2026-06&asOf=${h.first.uploadedAt}`).expect(200);
    const almelo = await get(`/v1/gemeenten/GM0141?asOf=${h.between.uploadedAt}`).expect(200);
    const first = await get(`/v1/uploads/${h.first.id}`).expect(200);

    expect(coverage.body.regions.map((r: { region: { code: string } }) => r.region.code)).toEqual(['AM05']);
    expect(coverage.body.missing.map((r: { code: string }) => r.code)).toContain('AM01');
    const { code, name, ...figures } = first.body.gemeenten.find((g: { code: string }) => g.code === 'GM0141');
    expect(almelo.body.latest).toEqual({ period: '2026-06', ...figures });
  });

  test('When asOf is written with an offset, a lower-case t or z, a fraction, or an unencoded +, then it is the same instant', async () => {
    const at = new Date(h.between.uploadedAt);
    const plusTwo = new Date(at.getTime() + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    const minusFive = new Date(at.getTime() - 5 * 3600_000).toISOString().replace('Z', '-05:00');
    const expected = (await get(`/v1/regions/Twente/totals?period=2026-06&asOf=${h.between.uploadedAt}`).expect(200)).body;

    for (const asOf of [encodeURIComponent(plusTwo), plusTwo, minusFive, h.between.uploadedAt.replace('T', 't').replace('Z', 'z'), h.between.uploadedAt.replace('Z', '999Z')]) {
      const res = await get(`/v1/regions/Twente/totals?period=2026-06&asOf=${asOf}`).expect(200);
      expect(res.body).toEqual(expected);
    }
  });

  test('When asOf is no RFC 3339 instant, then every read answers a 400 naming asOf', async () => {
    const bad = ['yesterday', '2026-02-30T12:00:00Z', '2026-06-30T12:00:00', '2026-06-30', '2026-06-30T25:00:00Z', '2026-06-30T12:00:00+24:00', '１２０２６-06-30T12:00:00Z'];
    const reads = ['/v1/regions/Twente/totals', '/v1/regions/Twente/gemeenten', '/v1/totals', '/v1/coverage', '/v1/series', '/v1/regions/Twente/series', '/v1/gemeenten/Almelo', '/v1/gemeenten/Almelo/series'];

    for (const read of reads) {
      for (const asOf of bad) {
        const res = await get(`${read}?asOf=${encodeURIComponent(asOf)}`).expect(400);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.errors).toEqual([expect.objectContaining({ field: 'query.asOf' })]);
      }
    }
  });
});

describe('Uploads made at the same instant', () => {
  const app = appUnderTest('each');

  test('When two uploads of a region and period have the same uploadedAt, then as of that instant the later one (by id) counts', async () => {
    const t = app();
    const at = '2026-07-01T10:00:00.000Z';
    const region = t.service.reference.region('Twente');
    const rows = (withProfile: number) => region.gemeenten.slice(0, 2).map((g) => ({
      ...g, gemeenteClients: { withProfile, withoutProfile: 1 }, uwvClients: { withProfile: 2, withoutProfile: 3 },
    }));
    const common = { regionCode: region.code, period: '2026-06', uploadedBy: 'writer', source: 'json' as const };
    await saveUploads(t.service.store, [{ ...common, registerTotal: 500, rows: rows(7) }], () => at);
    await saveUploads(t.service.store, [{ ...common, registerTotal: 600, rows: rows(9) }], () => at);
    t.service.figuresChanged([{ regionCode: region.code, period: '2026-06' }]);

    const atInstant = await t.http().get(`/v1/regions/Twente/totals?period=2026-06&asOf=${at}`).expect(200);
    const current = await t.http().get('/v1/regions/Twente/totals?period=2026-06').expect(200);
    await t.http().get(`/v1/regions/Twente/totals?period=2026-06&asOf=${before(at)}`).expect(404);

    expect(atInstant.body.registerTotal).toBe(600);
    expect(atInstant.body).toEqual(current.body);
  });
});

describe('Figures as they stood, with a withdrawal', () => {
  const app = appUnderTest('each');

  test('When an upload was withdrawn, then it counts as of instants before its withdrawal and not after', async () => {
    const t = app();
    const first = await upload(t, 'AM05', '2026-06', 101);
    const second = await upload(t, 'AM05', '2026-06', 202);
    await nextMillisecond();
    await t.http().delete(`/v1/uploads/${second.id}`).set('X-API-Key', WRITER_KEY).expect(200);
    const withdrawnAt = (await t.http().get(`/v1/uploads/${second.id}`).expect(200)).body.withdrawnAt as string;
    await nextMillisecond();
    const register = async (asOf?: string) =>
      (await t.http().get(`/v1/regions/Twente/totals?period=2026-06${asOf ? `&asOf=${asOf}` : ''}`).expect(200)).body.registerTotal;
    const series = async (asOf: string) =>
      (await t.http().get(`/v1/regions/Twente/series?asOf=${asOf}`).expect(200)).body.series.map((p: { registerTotal: number }) => p.registerTotal);

    expect(await register(first.uploadedAt)).toBe(101);
    expect(await register(before(withdrawnAt))).toBe(202);
    expect(await register(withdrawnAt)).toBe(101);
    expect(await register(new Date().toISOString())).toBe(101);
    expect(await register()).toBe(101);
    expect(await series(before(withdrawnAt))).toEqual([202]);
    expect(await series(withdrawnAt)).toEqual([101]);
  });
});
