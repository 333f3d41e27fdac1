import { twenteUpload } from '../support/factories';
import { appUnderTest, storedData, WRITER_KEY } from '../support/test-app';
import { TSV, twenteTsv } from '../tables/publication-files';

/** A quarter, written as SDMX (`2026-Q2`) or CBS (`2026KW02`) writes it, means its last month (`2026-06`). */
describe('Periods written as quarters', () => {
  const app = appUnderTest('all');
  const get = (url: string) => app().http().get(url);

  beforeAll(async () => {
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twenteUpload()).expect(201);
  });

  test('When a read names the period as a quarter, then the answer is the one for its last month', async () => {
    const reads = ['/v1/regions/Twente/gemeenten', '/v1/regions/AM05/totals', '/v1/totals', '/v1/coverage', '/v1/uploads'];
    for (const read of reads) {
      const month = await get(`${read}?period=2026-06`).expect(200);
      for (const quarter of ['2026-Q2', '2026KW02']) {
        const res = await get(`${read}?period=${quarter}`).expect(200);
        expect(res.body).toEqual(month.body);
      }
    }
  });

  test('When a JSON upload names its period as a quarter, then it is stored under the quarter\'s last month', async () => {
    const res = await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send({ ...twenteUpload(), period: '2025-Q4' }).expect(201);

    expect(res.body.uploads[0].period).toBe('2025-12');
    expect(res.body.uploads[0].totals.period).toBe('2025-12');
    expect((await get('/v1/regions/Twente/totals?period=2025-12').expect(200)).body.total).toBe(7898);
  });

  test('When a table is uploaded with its period as a CBS quarter, then it is stored under the quarter\'s last month', async () => {
    const res = await app().http().post('/v1/uploads?period=2025KW03&registerTotal=10371').set('X-API-Key', WRITER_KEY)
      .set('Content-Type', TSV).send(twenteTsv()).expect(201);

    expect(res.body.uploads[0].period).toBe('2025-09');
    expect((await get('/v1/regions/Twente/totals?period=2025-Q3').expect(200)).body).toEqual(
      { ...(await get('/v1/regions/Twente/totals?period=2026-06').expect(200)).body, period: '2025-09' },
    );
  });

  test('When a period is no month or quarter, then a read answers a 400 naming the period', async () => {
    for (const period of ['2026-Q5', '2026KW07', '2026-Q0', '2026KW5', '2026q2', '2026-13', '2026KW2']) {
      const res = await get(`/v1/regions/Twente/totals?period=${period}`).expect(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'query.period' })]);
    }
  });

  test('When an upload names a period that is no month or quarter, then it is a 400 naming the period and nothing is stored', async () => {
    const before = await storedData(app());
    for (const period of ['2026-Q5', '2026KW07']) {
      const json = await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send({ ...twenteUpload(), period }).expect(400);
      const table = await app().http().post(`/v1/uploads?period=${period}`).set('X-API-Key', WRITER_KEY).set('Content-Type', TSV).send(twenteTsv()).expect(400);
      expect(json.body.errors).toEqual([expect.objectContaining({ field: 'period' })]);
      expect(table.body.errors.map((e: { field?: string }) => e.field)).toContain('query.period');
    }
    expect(await storedData(app())).toEqual(before);
  });
});
