/**
 * A write makes stale only the answers that depend on what it touched: its region and period, the national
 * answers of that period, the series and lists that contain it. Every other kept answer stays kept (served
 * from the kept answers, same ETag, 304 still answered); an answer the write does touch is stale at once.
 * An answer as of an instant counts only what was stored at or before it: a write stored later leaves it kept.
 * Runs on SQLite and on PostgreSQL (both jest projects); across two instances: test/instances/two-instances.
 */
import { buildRow, buildUpload } from '../support/factories';
import { appUnderTest, TestApp, WRITER_KEY } from '../support/test-app';

const TWENTE = 'AM05';
const OTHER = 'AM14';

async function upload(t: TestApp, regionCode: string, period: string, withProfile: number): Promise<number> {
  const gemeente = t.service.reference.region(regionCode).gemeenten[0].name;
  const res = await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY)
    .send(buildUpload({ region: regionCode, period, gemeenten: [buildRow({ gemeente, gemeenteClients: { withProfile, withoutProfile: 222 }, total: undefined })] }))
    .expect(201);
  return res.body.uploads[0].id as number;
}

async function keptServed(t: TestApp): Promise<number> {
  const res = await t.http().get('/metrics').expect(200);
  const found = /^kept_answers_served_total (\d+)$/m.exec(res.text);
  if (!found) throw new Error('kept_answers_served_total is not among the metrics');
  return Number(found[1]);
}

/** Reads `url` until it is kept (the second read is served from the kept answers); its ETag. */
async function keptEtag(t: TestApp, url: string): Promise<string> {
  const first = await t.http().get(url).expect(200);
  const before = await keptServed(t);
  const second = await t.http().get(url).expect(200);
  expect(await keptServed(t)).toBe(before + 1);
  expect(second.headers.etag).toBe(first.headers.etag);
  return first.headers.etag as string;
}

/** Each kind of answer, and a write that does not touch what it depends on. */
const LEFT_ALONE: Array<{ kind: string; url: (ids: { twente: number }) => string; other: { region: string; period: string } }> = [
  { kind: 'region totals', url: () => `/v1/regions/${TWENTE}/totals?period=2026-06`, other: { region: OTHER, period: '2026-06' } },
  { kind: 'region totals of the latest period', url: () => `/v1/regions/${TWENTE}/totals`, other: { region: OTHER, period: '2026-09' } },
  { kind: 'region totals as CSV', url: () => `/v1/regions/${TWENTE}/totals?format=csv`, other: { region: OTHER, period: '2026-06' } },
  { kind: 'region gemeenten', url: () => `/v1/regions/${TWENTE}/gemeenten?period=2026-06`, other: { region: OTHER, period: '2026-06' } },
  { kind: 'region table (TSV)', url: () => `/v1/regions/${TWENTE}/table?period=2026-06`, other: { region: OTHER, period: '2026-06' } },
  { kind: 'region table (xlsx)', url: () => `/v1/regions/${TWENTE}/table?format=xlsx`, other: { region: OTHER, period: '2026-06' } },
  { kind: 'region series', url: () => `/v1/regions/${TWENTE}/series`, other: { region: OTHER, period: '2026-06' } },
  { kind: 'region periods', url: () => `/v1/regions/${TWENTE}/periods`, other: { region: OTHER, period: '2026-09' } },
  { kind: 'gemeente series', url: () => '/v1/gemeenten/GM0141/series', other: { region: OTHER, period: '2026-06' } },
  { kind: 'gemeente with its latest figures', url: () => '/v1/gemeenten/GM0141', other: { region: OTHER, period: '2026-06' } },
  { kind: 'uploads list of a region', url: () => `/v1/uploads?region=${TWENTE}`, other: { region: OTHER, period: '2026-06' } },
  { kind: 'one upload', url: ({ twente }) => `/v1/uploads/${twente}`, other: { region: OTHER, period: '2026-06' } },
  { kind: 'national totals of a period', url: () => '/v1/totals?period=2026-06', other: { region: OTHER, period: '2026-03' } },
  { kind: 'national totals of the latest period', url: () => '/v1/totals', other: { region: OTHER, period: '2026-03' } },
  { kind: 'coverage of a period', url: () => '/v1/coverage?period=2026-06', other: { region: TWENTE, period: '2026-03' } },
  { kind: 'national table (xlsx)', url: () => '/v1/table?period=2026-06&format=xlsx', other: { region: OTHER, period: '2026-03' } },
  { kind: 'regions (reference data)', url: () => '/v1/regions', other: { region: TWENTE, period: '2026-06' } },
];

/** Each kind of answer, and a write that touches what it depends on. */
const TOUCHED: Array<{ kind: string; url: (ids: { twente: number }) => string; write: { region: string; period: string } }> = [
  { kind: 'region totals', url: () => `/v1/regions/${TWENTE}/totals?period=2026-06`, write: { region: TWENTE, period: '2026-06' } },
  { kind: 'region totals of the latest period, by a later period', url: () => `/v1/regions/${TWENTE}/totals`, write: { region: TWENTE, period: '2026-09' } },
  { kind: 'region totals as CSV', url: () => `/v1/regions/${TWENTE}/totals?format=csv`, write: { region: TWENTE, period: '2026-06' } },
  { kind: 'region gemeenten', url: () => `/v1/regions/${TWENTE}/gemeenten?period=2026-06`, write: { region: TWENTE, period: '2026-06' } },
  { kind: 'region table (TSV)', url: () => `/v1/regions/${TWENTE}/table?period=2026-06`, write: { region: TWENTE, period: '2026-06' } },
  { kind: 'region table (xlsx)', url: () => `/v1/regions/${TWENTE}/table?format=xlsx`, write: { region: TWENTE, period: '2026-06' } },
  { kind: 'region series', url: () => `/v1/regions/${TWENTE}/series`, write: { region: TWENTE, period: '2026-03' } },
  { kind: 'region periods', url: () => `/v1/regions/${TWENTE}/periods`, write: { region: TWENTE, period: '2026-09' } },
  { kind: 'gemeente series', url: () => '/v1/gemeenten/GM0141/series', write: { region: TWENTE, period: '2026-03' } },
  { kind: 'uploads list of a region', url: () => `/v1/uploads?region=${TWENTE}`, write: { region: TWENTE, period: '2026-03' } },
  { kind: 'national totals of a period, by another region', url: () => '/v1/totals?period=2026-06', write: { region: OTHER, period: '2026-06' } },
  { kind: 'national totals of the latest period, by a later period', url: () => '/v1/totals', write: { region: OTHER, period: '2026-09' } },
  { kind: 'coverage of a period', url: () => '/v1/coverage?period=2026-06', write: { region: OTHER, period: '2026-06' } },
  { kind: 'national table (xlsx)', url: () => '/v1/table?period=2026-06&format=xlsx', write: { region: OTHER, period: '2026-06' } },
  { kind: 'national series, by any region and period', url: () => '/v1/series', write: { region: OTHER, period: '2026-03' } },
  { kind: 'periods', url: () => '/v1/periods', write: { region: OTHER, period: '2026-09' } },
  { kind: 'uploads list', url: () => '/v1/uploads', write: { region: OTHER, period: '2026-03' } },
];

/** Each kind of answer a read gives as of an instant (`asOf`), with the region and period a write to it touches. */
const AS_OF: Array<{ kind: string; url: string; write: { region: string; period: string } }> = [
  { kind: 'region totals', url: `/v1/regions/${TWENTE}/totals?period=2026-06`, write: { region: TWENTE, period: '2026-06' } },
  { kind: 'region totals of the latest period', url: `/v1/regions/${TWENTE}/totals`, write: { region: TWENTE, period: '2026-09' } },
  { kind: 'region gemeenten as CSV', url: `/v1/regions/${TWENTE}/gemeenten?period=2026-06&format=csv`, write: { region: TWENTE, period: '2026-06' } },
  { kind: 'region series', url: `/v1/regions/${TWENTE}/series`, write: { region: TWENTE, period: '2026-03' } },
  { kind: 'gemeente series', url: '/v1/gemeenten/GM0141/series', write: { region: TWENTE, period: '2026-03' } },
  { kind: 'gemeente with its latest figures', url: '/v1/gemeenten/GM0141', write: { region: TWENTE, period: '2026-06' } },
  { kind: 'national totals of the latest period', url: '/v1/totals', write: { region: OTHER, period: '2026-09' } },
  { kind: 'coverage', url: '/v1/coverage?period=2026-06', write: { region: OTHER, period: '2026-06' } },
  { kind: 'national series', url: '/v1/series', write: { region: OTHER, period: '2026-03' } },
];

const withAsOf = (url: string, instant: string): string => `${url}${url.includes('?') ? '&' : '?'}asOf=${encodeURIComponent(instant)}`;

describe('A write makes stale only the answers that depend on what it touched', () => {
  const app = appUnderTest('each');

  /** Twente and the other region in June, Twente also in March: every kind of answer has something to show. */
  async function arrange(): Promise<{ twente: number }> {
    const twente = await upload(app(), TWENTE, '2026-06', 3);
    await upload(app(), OTHER, '2026-06', 4);
    await upload(app(), TWENTE, '2026-03', 5);
    return { twente };
  }

  test.each(LEFT_ALONE)('When a write touches neither the region nor the period of the $kind, then the answer stays kept: same ETag, 304', async ({ url, other }) => {
    const ids = await arrange();
    const etag = await keptEtag(app(), url(ids));
    const served = await keptServed(app());

    await upload(app(), other.region, other.period, 9);

    const revalidated = await app().http().get(url(ids)).set('If-None-Match', etag).expect(304);
    const again = await app().http().get(url(ids)).expect(200);
    expect(revalidated.headers.etag).toBe(etag);
    expect(again.headers.etag).toBe(etag);
    expect(await keptServed(app())).toBe(served + 2); // both from the kept answers, not derived again
  });

  test.each(TOUCHED)('When a write touches what the $kind depends on, then the next read gets the new answer at once', async ({ url, write }) => {
    const ids = await arrange();
    const etag = await keptEtag(app(), url(ids));
    const served = await keptServed(app());

    await upload(app(), write.region, write.period, 9);

    const after = await app().http().get(url(ids)).set('If-None-Match', etag).expect(200);
    expect(after.headers.etag).not.toBe(etag);
    expect(await keptServed(app())).toBe(served); // derived again
  });

  test.each(AS_OF)('When a write stored after the instant of the $kind as of it touches what it depends on, then the answer stays kept: same ETag, 304', async ({ url, write }) => {
    await arrange();
    const instant = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5)); // the write's instant is after it, not in the same millisecond
    const asOf = withAsOf(url, instant);
    const etag = await keptEtag(app(), asOf);
    const served = await keptServed(app());

    const id = await upload(app(), write.region, write.period, 9);
    await app().http().delete(`/v1/uploads/${id}`).set('X-API-Key', WRITER_KEY).expect(200);

    await app().http().get(asOf).set('If-None-Match', etag).expect(304);
    const again = await app().http().get(asOf).expect(200);
    expect(again.headers.etag).toBe(etag);
    expect(await keptServed(app())).toBe(served + 2);
  });

  test.each(AS_OF)('When a write stored before the instant of the $kind as of it commits after the answer was kept, then the next read gets the new answer at once', async ({ url, write }) => {
    await arrange();
    const asOf = withAsOf(url, new Date(Date.now() + 3_600_000).toISOString()); // an hour ahead: every write now is before it
    const etag = await keptEtag(app(), asOf);
    const served = await keptServed(app());

    await upload(app(), write.region, write.period, 9);

    const after = await app().http().get(asOf).set('If-None-Match', etag).expect(200);
    expect(after.headers.etag).not.toBe(etag);
    expect(await keptServed(app())).toBe(served); // derived again
    const now = await app().http().get(url).expect(200);
    expect(after.text).toBe(now.text); // as of an instant after every write, the same as now
  });

  test('When an upload is withdrawn, then the answers of its region and period are stale at once and those of another region stay kept', async () => {
    const ids = await arrange();
    const otherId = await upload(app(), OTHER, '2026-06', 8);
    const twenteTotals = await keptEtag(app(), `/v1/regions/${TWENTE}/totals?period=2026-06`);
    const otherTotals = await keptEtag(app(), `/v1/regions/${OTHER}/totals?period=2026-06`);
    const upload1 = await keptEtag(app(), `/v1/uploads/${ids.twente}`);

    await app().http().delete(`/v1/uploads/${otherId}`).set('X-API-Key', WRITER_KEY).expect(200);

    await app().http().get(`/v1/regions/${TWENTE}/totals?period=2026-06`).set('If-None-Match', twenteTotals).expect(304);
    await app().http().get(`/v1/uploads/${ids.twente}`).set('If-None-Match', upload1).expect(304);
    const other = await app().http().get(`/v1/regions/${OTHER}/totals?period=2026-06`).set('If-None-Match', otherTotals).expect(200);
    expect(other.body.gemeenteClients.withProfile).toBe(4); // the upload before the withdrawn one is current again
  });
});
