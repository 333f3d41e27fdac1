import { parse } from 'csv-parse/sync';
import { unflatten } from '../support/csv';
import { appUnderTest, WRITER_KEY } from '../support/test-app';
import { twenteUpload } from '../support/factories';

/** The JSON point as CSV gives it back: a null `change` is a row of empty change cells. */
function withEmptyChange(point: Record<string, unknown>, changeFields: string[]): Record<string, unknown> {
  if (point.change !== null) return point;
  return { ...point, change: Object.fromEntries(changeFields.map((f) => [f, null])) };
}

describe('CSV of the series', () => {
  const app = appUnderTest('all');
  beforeAll(async () => {
    const march = twenteUpload();
    march.period = '2026-03';
    march.registerTotal = 10200;
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(march).expect(201);
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twenteUpload()).expect(201);
  });

  test.each([
    ['/v1/regions/Twente/series', 'twente-2026-03-2026-06-reeks.csv'],
    ['/v1/gemeenten/Almelo/series', 'almelo-2026-03-2026-06-reeks.csv'],
    ['/v1/series', 'nederland-2026-03-2026-06-reeks.csv'],
  ])('When %s is asked for as CSV, then there is one row per period and, parsed back, the rows are the JSON points', async (url, fileName) => {
    const json = await app().http().get(url).expect(200);
    const res = await app().http().get(`${url}?format=csv`).expect(200);

    expect(res.headers['content-disposition']).toBe(`attachment; filename="${fileName}"`);
    expect(res.headers['total-count']).toBe('2');
    const records = (parse(res.text, { columns: true }) as Record<string, string>[]).map(unflatten);
    const changeFields = Object.keys(json.body.series[1].change);
    const context = Object.fromEntries(Object.entries(json.body).filter(([key]) => key !== 'series'));
    const points = json.body.series.map((p: Record<string, unknown>) => {
      const { missing: _missing, ...rest } = p; // lists are no CSV cells
      return { ...(url.startsWith('/v1/gemeenten') ? { gemeente: { code: 'GM0141', name: 'Almelo' }, region: { code: 'AM05', name: 'Twente' } } : context), ...withEmptyChange(rest, changeFields) };
    });
    expect(records).toEqual(points);
  });

  test('When the region series is asked for with Accept: text/csv and semicolons, then the first period\'s change cells are empty and ratios have decimal commas', async () => {
    const res = await app().http().get('/v1/regions/AM05/series?delimiter=semicolon').set('Accept', 'text/csv').expect(200);

    const rows = parse(res.text, { delimiter: ';', bom: true, columns: true }) as Record<string, string>[];
    expect(rows.map((r) => r.period)).toEqual(['2026-03', '2026-06']);
    expect(rows[0]['change.total']).toBe('');
    expect(rows[1]).toEqual(expect.objectContaining({ total: '7898', coverage: '0,7615', 'change.total': '0' }));
  });
});
