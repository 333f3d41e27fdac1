import { parse } from 'csv-parse/sync';
import { unflatten } from '../support/csv';
import { appUnderTest, WRITER_KEY } from '../support/test-app';
import { buildRow, buildUpload, twenteUpload } from '../support/factories';

/** Supertest gives text answers as `text`; CSV is text. */
const asText = (res: { text: string }) => res.text;

describe('CSV of the figures reads', () => {
  const app = appUnderTest('all');
  beforeAll(async () => {
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twenteUpload()).expect(201);
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY)
      .send(buildUpload({ region: 'Groot Amsterdam', registerTotal: 5000, gemeenten: [buildRow({ gemeente: 'Amsterdam' })] })).expect(201);
  });

  test('When the gemeenten are asked for with Accept: text/csv, then the CSV parsed back with csv-parse equals the JSON answer, one row per gemeente', async () => {
    const json = await app().http().get('/v1/regions/Twente/gemeenten?period=2026-06').expect(200);
    const res = await app().http().get('/v1/regions/Twente/gemeenten?period=2026-06').set('Accept', 'text/csv').expect(200);

    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers['content-disposition']).toBe('attachment; filename="twente-2026-06-gemeenten.csv"');
    expect(res.headers.vary).toBe('Accept');
    expect(res.headers['total-count']).toBe('14');
    const text = asText(res);
    expect(text.split('\r\n')[0]).toBe('region.code,region.name,period,code,name,gemeenteClients.withProfile,gemeenteClients.withoutProfile,uwvClients.withProfile,uwvClients.withoutProfile,total');
    expect(text.endsWith('\r\n')).toBe(true);
    const records = parse(text, { columns: true }) as Record<string, string>[];
    expect(records).toHaveLength(14);
    expect(records.map(unflatten)).toEqual(json.body.gemeenten.map((g: object) => ({ region: json.body.region, period: '2026-06', ...g })));
    expect(text).toContain('AM05,Twente,2026-06,GM0141,Almelo,3,222,491,502,1218\r\n');
    expect(text).toContain(',GM0164,Hengelo (O.),5,153,611,448,1217\r\n');
  });

  test('When ?format=csv is given, then the answer is CSV whatever Accept says', async () => {
    const res = await app().http().get('/v1/regions/AM05/totals?format=csv').set('Accept', 'application/json').expect(200);

    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toBe('attachment; filename="twente-2026-06-totalen.csv"');
    const [record] = parse(asText(res), { columns: true }) as Record<string, string>[];
    expect(record).toEqual(expect.objectContaining({ 'region.name': 'Twente', total: '7898', registerTotal: '10371', coverage: '0.7615', coveragePercent: '76', profileShare: '0.4449' }));
  });

  test('When the coverage is asked for with delimiter=semicolon, then Dutch Excel gets a BOM, semicolons and decimal commas', async () => {
    const res = await app().http().get('/v1/coverage?format=csv&delimiter=semicolon').buffer(true).expect(200);

    const text = asText(res);
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(res.headers['content-disposition']).toBe('attachment; filename="nederland-2026-06-dekking.csv"');
    expect(res.headers['total-count']).toBe('2');
    const records = parse(text, { columns: true, delimiter: ';', bom: true }) as Record<string, string>[];
    expect(records).toHaveLength(2);
    expect(records.find((r) => r['region.code'] === 'AM05')).toEqual(expect.objectContaining({ coverage: '0,7615', profileShare: '0,4449', total: '7898' }));
    expect(text).toContain('2026-06;AM05;Twente;7898;10371;0,7615;76;0,4449;44\r\n');
  });

  test('When the national totals are asked for as CSV, then the one row holds the JSON answer\'s figures with decimal points', async () => {
    const json = await app().http().get('/v1/totals').expect(200);
    const res = await app().http().get('/v1/totals').set('Accept', 'text/csv, application/json;q=0.5').expect(200);

    const records = parse(asText(res), { columns: true }) as Record<string, string>[];
    const { missing, ...cells } = json.body; // a list is no CSV cell: the regions missing are left out
    expect(missing.length).toBeGreaterThan(0);
    expect(records.map(unflatten)).toEqual([cells]);
    expect(res.headers['content-disposition']).toBe('attachment; filename="nederland-2026-06-totalen.csv"');
  });

  test('When a CSV answer is asked for again with its ETag, then it is 304; JSON of the same URL has another ETag', async () => {
    const first = await app().http().get('/v1/regions/Twente/gemeenten').set('Accept', 'text/csv').expect(200);
    const again = await app().http().get('/v1/regions/Twente/gemeenten').set('Accept', 'text/csv').expect(200);
    const json = await app().http().get('/v1/regions/Twente/gemeenten').expect(200);
    const notModified = await app().http().get('/v1/regions/Twente/gemeenten').set('Accept', 'text/csv').set('If-None-Match', first.headers.etag).expect(304);

    expect(again.text).toBe(first.text); // the cached answer is the same bytes
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['content-type']).toBe(first.headers['content-type']);
    expect(json.headers.etag).not.toBe(first.headers.etag);
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.headers.vary).toBe('Accept');
    expect(notModified.headers.etag).toBe(first.headers.etag);
  });

  test('When an upload changes the figures, then the cached CSV is derived again', async () => {
    const before = await app().http().get('/v1/regions/AM05/totals?format=csv&period=2026-07').expect(404);
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload({ period: '2026-07', registerTotal: 100 })).expect(201);
    const after = await app().http().get('/v1/regions/AM05/totals?format=csv&period=2026-07').expect(200);

    expect(before.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(parse(after.text, { columns: true })).toEqual([expect.objectContaining({ total: '1218', registerTotal: '100', coverage: '12.18' })]);
  });

  test('When format or delimiter has an unknown value, then the answer is a 400 problem naming the parameter', async () => {
    const res = await app().http().get('/v1/coverage?format=xml&delimiter=tab').expect(400);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.stringify(res.body)).toContain('format');
    expect(JSON.stringify(res.body)).toContain('delimiter');
  });
});

describe('CSV ETags', () => {
  const app = appUnderTest('all');

  test('When the same figures are asked for with comma and with semicolon, then the two files have different ETags', async () => {
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twenteUpload()).expect(201);

    const comma = await app().http().get('/v1/regions/AM05/totals?format=csv').expect(200);
    const semicolon = await app().http().get('/v1/regions/AM05/totals?format=csv&delimiter=semicolon').expect(200);

    expect(comma.text).not.toBe(semicolon.text);
    expect(comma.headers.etag).not.toBe(semicolon.headers.etag);
  });
});
