import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import request from 'supertest';
import { MEASURES } from '../../src/domain/measures';
import openapi from '../../src/generated/swagger.json';
import { appUnderTest, TestApp, WRITER_KEY } from '../support/test-app';
import { buildRow, buildUpload, twenteUpload } from '../support/factories';
import { cellsOf, CSV, TSV, twenteTsv, XLSX } from '../tables/publication-files';

/** Reads a binary answer whole. */
const binary = (req: request.Test) => req.buffer(true).parse((res, done) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
});

async function figuresOf(t: TestApp, period: string) {
  const [gemeenten, totals] = await Promise.all([
    t.http().get(`/v1/regions/Twente/gemeenten?period=${period}`).expect(200),
    t.http().get(`/v1/regions/Twente/totals?period=${period}`).expect(200),
  ]);
  return { gemeenten: gemeenten.body.gemeenten, totals: { ...totals.body, period: undefined } };
}

describe('The publication table of a region', () => {
  const app = appUnderTest('each');
  const uploadTwenteTable = () => app().http().post('/v1/uploads?period=2026-06&registerTotal=10371')
    .set('X-API-Key', WRITER_KEY).set('Content-Type', TSV).send(twenteTsv()).expect(201);

  test('When the uploaded Twente table is exported as TSV, then it equals the published file byte for byte except the TOTAAL AMR row, written unshifted with 7.898', async () => {
    await uploadTwenteTable();

    const res = await app().http().get('/v1/regions/Twente/table?period=2026-06').expect(200);

    expect(res.headers['content-type']).toBe('text/tab-separated-values; charset=utf-8');
    expect(res.headers['content-disposition']).toBe('attachment; filename="twente-2026-06-tabel.tsv"');
    expect(res.headers['total-count']).toBe('15');
    const published = twenteTsv().split('\n');
    const exported = res.text.split('\n');
    expect(exported).toHaveLength(published.length);
    const totaal = published.findIndex((line) => line.includes('TOTAAL AMR'));
    expect(exported.filter((_, i) => i !== totaal)).toEqual(published.filter((_, i) => i !== totaal));
    expect(published[totaal]).toBe('\tTOTAAL AMR\t\t38\t1.216\t3.476\t3.168');
    expect(exported[totaal]).toBe('\tTOTAAL AMR\t38\t1.216\t3.476\t3.168\t7.898');
    expect(res.text).toContain('28 Twente\tAlmelo\t3\t222\t491\t502\t1.218\n');
    expect(res.text).toContain('\tHengelo\t5\t153\t611\t448\t1.217\n');
  });

  test.each([
    ['tsv', TSV, 'twente-2026-06-tabel.tsv'],
    ['csv', CSV, 'twente-2026-06-tabel.csv'],
    ['xlsx', XLSX, 'twente-2026-06-tabel.xlsx'],
  ])('When the table exported as %s is uploaded again for another period, then its figures are exactly those of the first upload', async (format, type, fileName) => {
    await uploadTwenteTable();
    const exported = await binary(app().http().get(`/v1/regions/AM05/table?period=2026-06&format=${format}`)).expect(200);
    expect(exported.headers['content-type']).toMatch(new RegExp(`^${type}`));
    expect(exported.headers['content-disposition']).toBe(`attachment; filename="${fileName}"`);

    await app().http().post('/v1/uploads?period=2026-09&registerTotal=10371').set('X-API-Key', WRITER_KEY).set('Content-Type', type)
      .send(exported.body as Buffer).expect(201);

    expect(await figuresOf(app(), '2026-09')).toEqual(await figuresOf(app(), '2026-06'));
    const again = await binary(app().http().get(`/v1/regions/AM05/table?period=2026-09&format=${format}`)).expect(200);
    if (format !== 'xlsx') expect((again.body as Buffer).toString('utf8')).toBe((exported.body as Buffer).toString('utf8'));
  });

  test('When the table is asked for as CSV for Dutch Excel, then it has a BOM, semicolons and the publication\'s cells; uploading it again gives the same figures', async () => {
    await uploadTwenteTable();
    const res = await binary(app().http().get('/v1/regions/Twente/table?format=csv&delimiter=semicolon')).expect(200);
    const text = (res.body as Buffer).toString('utf8');

    expect(text.charCodeAt(0)).toBe(0xfeff);
    const rows = parse(text, { delimiter: ';', bom: true, relax_column_count: true }) as string[][];
    expect(rows).toEqual(cellsOf(twenteTsv()).map((cells) => (cells[1] === 'TOTAAL AMR' ? ['', 'TOTAAL AMR', '38', '1.216', '3.476', '3.168', '7.898'] : cells)));
    await app().http().post('/v1/uploads?period=2026-10&registerTotal=10371').set('X-API-Key', WRITER_KEY).set('Content-Type', CSV)
      .send(res.body as Buffer).expect(201);
    expect(await figuresOf(app(), '2026-10')).toEqual(await figuresOf(app(), '2026-06'));
  });

  test('When the table is asked for with Accept, then Accept picks the format; the xlsx holds numbers shown 1.218 and the same rows', async () => {
    await uploadTwenteTable();
    const csv = await app().http().get('/v1/regions/Twente/table').set('Accept', 'text/csv').expect(200);
    const xlsx = await binary(app().http().get('/v1/regions/Twente/table').set('Accept', XLSX)).expect(200);

    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(xlsx.headers['content-type']).toBe(XLSX);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet.getRow(3).values).toEqual([undefined, '28 Twente', 'Almelo', 3, 222, 491, 502, 1218]);
    expect(sheet.getRow(3).getCell(7).numFmt).toBe('#,##0');
    expect(sheet.getRow(17).values).toEqual([undefined, undefined, 'TOTAAL AMR', 38, 1216, 3476, 3168, 7898]);
  });

  test('When Twente came as JSON, then the table is labelled "Twente" and names the gemeenten as the upload wrote them; a CBS code prints the CBS name', async () => {
    const upload = twenteUpload();
    upload.gemeenten[0].gemeente = 'GM0141';
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(upload).expect(201);

    const res = await app().http().get('/v1/regions/Twente/table').expect(200);

    const rows = cellsOf(res.text);
    expect(rows[2]).toEqual(['Twente', 'Almelo', '3', '222', '491', '502', '1.218']);
    expect(rows.map((r) => r[1])).toContain('Hengelo');
    expect(rows[rows.length - 1]).toEqual(['', 'TOTAAL AMR', '38', '1.216', '3.476', '3.168', '7.898']);
  });

  test('When the table is read again with its ETag, then it is 304; a region without figures is a 404 problem', async () => {
    await uploadTwenteTable();
    const first = await app().http().get('/v1/regions/Twente/table').expect(200);
    await app().http().get('/v1/regions/Twente/table').set('If-None-Match', first.headers.etag).expect(304);
    const missing = await app().http().get('/v1/regions/Groningen/table').expect(404);

    expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
  });
});

describe('The national table', () => {
  const app = appUnderTest('all');
  beforeAll(async () => {
    await app().http().post('/v1/uploads?period=2026-06&registerTotal=10371').set('X-API-Key', WRITER_KEY).set('Content-Type', TSV).send(twenteTsv()).expect(201);
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY)
      .send(buildUpload({ region: 'Groot Amsterdam', registerTotal: 5000, gemeenten: [buildRow({ gemeente: 'Amsterdam' })] })).expect(201);
  });

  test('When the national table is read, then every region\'s TOTAAL row has its register and coverage, and the country\'s sums them', async () => {
    const res = await app().http().get('/v1/table?period=2026-06').expect(200);

    expect(res.headers['content-disposition']).toBe('attachment; filename="nederland-2026-06-tabel.tsv"');
    expect(res.headers['total-count']).toBe('3');
    expect(cellsOf(res.text)).toEqual([
      ['Arbeidsmarktregio', 'Gemeenteklanten in Sonar', '', 'UWV-klanten in Sonar', '', 'Totaal doelgroep banenafspraken in Sonar', 'Doelgroepregister banenafspraken', 'Bekend binnen Sonar'],
      ['', 'Profiel in Sonar', 'Geen profiel in Sonar', 'Profiel in Sonar', 'Geen profiel in Sonar', '', '', ''],
      ['28 Twente', '38', '1.216', '3.476', '3.168', '7.898', '10.371', '76%'],
      ['Groot Amsterdam', '3', '222', '491', '502', '1.218', '5.000', '24%'],
      ['TOTAAL', '41', '1.438', '3.967', '3.670', '9.116', '15.371', '59%'],
    ]);
  });

  test('When the period is written as a quarter, then both tables are those of its last month; a period that is none is a 400 naming it', async () => {
    const byMonth = await app().http().get('/v1/table?period=2026-06').expect(200);
    const regionByMonth = await app().http().get('/v1/regions/Twente/table?period=2026-06').expect(200);

    for (const quarter of ['2026-Q2', '2026KW02']) {
      expect((await app().http().get(`/v1/table?period=${quarter}`).expect(200)).text).toBe(byMonth.text);
      expect((await app().http().get(`/v1/regions/Twente/table?period=${quarter}`).expect(200)).text).toBe(regionByMonth.text);
    }
    const bad = await app().http().get('/v1/table?period=2026-Q5').expect(400);
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'query.period', found: '2026-Q5' })]);
  });

  test('When the national table is asked for as CSV and xlsx, then both hold the same rows', async () => {
    const csv = await app().http().get('/v1/table?format=csv').expect(200);
    const xlsx = await binary(app().http().get('/v1/table?format=xlsx')).expect(200);

    expect((parse(csv.text, { relax_column_count: true }) as string[][])[2]).toEqual(['28 Twente', '38', '1.216', '3.476', '3.168', '7.898', '10.371', '76%']);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect(book.worksheets[0].getRow(3).values).toEqual([undefined, '28 Twente', 38, 1216, 3476, 3168, 7898, 10371, '76%']);
  });
});

describe('The measures', () => {
  const app = appUnderTest('all');

  test('When the measures are read, then each has its Dutch label as printed, an English label, a definition and a unit, and the table prints the same Dutch words', async () => {
    const res = await app().http().get('/v1/measures').expect(200);

    expect(res.body.measures.map((m: { id: string }) => m.id)).toEqual([
      'gemeenteClients.withProfile', 'gemeenteClients.withoutProfile', 'uwvClients.withProfile', 'uwvClients.withoutProfile',
      'total', 'registerTotal', 'coverage', 'profileShare',
    ]);
    expect(res.body.measures.find((m: { id: string }) => m.id === 'total')).toEqual({
      id: 'total', dutchLabel: 'Totaal doelgroep banenafspraken in Sonar', englishLabel: 'Total of the doelgroep banenafspraken in Sonar',
      definition: expect.stringContaining('sum of the four counts'), unit: 'persons',
    });
    expect(res.body.measures.find((m: { id: string }) => m.id === 'coverage').unit).toBe('ratio');
    const header = twenteTsv().split('\n').slice(0, 2).join('\n');
    for (const m of MEASURES.slice(0, 5)) for (const word of m.dutchLabel.split(', ')) expect(header).toContain(word);
  });

  test('When the OpenAPI document describes the measures, then it uses the words of GET /v1/measures', () => {
    const schemas = (openapi as unknown as { components: { schemas: Record<string, { properties: Record<string, { description?: string }> }> } }).components.schemas;
    const measure = schemas.Measure.properties;
    expect(measure.dutchLabel.description).toContain('as the publication prints it');
    const totals = schemas.RegionTotals.properties;
    for (const id of ['total', 'registerTotal', 'coverage', 'profileShare']) {
      const m = MEASURES.find((x) => x.id === id);
      expect(totals[id].description).toContain(m?.dutchLabel);
      expect(totals[id].description).toContain(m?.definition);
    }
    expect(JSON.stringify(schemas.ClientCounts)).toContain('Geen profiel in Sonar');
  });
});
