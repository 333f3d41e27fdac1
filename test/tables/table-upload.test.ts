import openapi from '../../src/generated/swagger.json';
import { twenteUpload } from '../support/factories';
import { appUnderTest, storedData, WRITER_KEY } from '../support/test-app';
import { cellsOf, CSV, toCsv, toXlsx, TSV, twenteTsv, XLSX } from './publication-files';

/** The publication table uploaded as it is published gives exactly what the JSON transcription gives. */
describe('Uploading the publication table', () => {
  const app = appUnderTest('all');

  const postTable = (body: string | Buffer, type: string, query: string) =>
    app().http().post(`/v1/uploads?${query}`).set('X-API-Key', WRITER_KEY).set('Content-Type', type).send(body);

  /** What the reads give for Twente in a period, with the period itself left out so periods can be compared. */
  async function readsOf(period: string) {
    const [gemeenten, totals] = await Promise.all([
      app().http().get(`/v1/regions/Twente/gemeenten?period=${period}`).expect(200),
      app().http().get(`/v1/regions/AM05/totals?period=${period}`).expect(200),
    ]);
    const { period: p1, ...figures } = gemeenten.body;
    const { period: p2, ...sums } = totals.body;
    expect([p1, p2]).toEqual([period, period]);
    return { figures, sums };
  }

  async function expectSameAsJson(tablePeriod: string, jsonPeriod: string) {
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send({ ...twenteUpload(), period: jsonPeriod }).expect(201);
    const fromTable = await readsOf(tablePeriod);
    const fromJson = await readsOf(jsonPeriod);

    expect(fromTable).toEqual(fromJson);
    expect(fromTable.figures.gemeenten).toHaveLength(14);
    expect(fromTable.figures.missing).toEqual([]);
    expect(fromTable.sums).toEqual(expect.objectContaining({ total: 7898, registerTotal: 10371, coverage: 0.7615, coveragePercent: 76 }));
  }

  test('When twente-publication.tsv is uploaded unchanged, then the reads give exactly what the JSON upload gives, 76 % coverage included', async () => {
    const res = await postTable(twenteTsv(), TSV, 'period=2026-01&registerTotal=10371').expect(201);

    expect(res.headers.location).toBe(`/v1/uploads/${res.body.uploads[0].id}`);
    expect(res.body.uploads).toHaveLength(1);
    expect(res.body.uploads[0]).toEqual(expect.objectContaining({
      region: { code: 'AM05', name: 'Twente' }, period: '2026-01', source: 'tsv', uploadedBy: 'writer', current: true, gemeenteCount: 14, warnings: [],
    }));
    expect(res.body.uploads[0].totals).toEqual({
      region: { code: 'AM05', name: 'Twente' }, period: '2026-01',
      gemeenteClients: { withProfile: 38, withoutProfile: 1216 }, uwvClients: { withProfile: 3476, withoutProfile: 3168 },
      total: 7898, registerTotal: 10371, coverage: 0.7615, coveragePercent: 76, profileShare: 0.4449, profileSharePercent: 44,
    });
    await expectSameAsJson('2026-01', '2025-01');
  });

  test('When the table comes as semicolon CSV with a BOM and CRLF line ends, then it gives what the JSON upload gives', async () => {
    const csv = toCsv(twenteTsv(), { delimiter: ';', bom: true, crlf: true });
    expect(csv.startsWith('\uFEFFArbeidsmarktregio;Gemeente;')).toBe(true);

    const res = await postTable(csv, `${CSV}; charset=utf-8`, 'period=2026-02&registerTotal=10371').expect(201);

    expect(res.body.uploads[0].source).toBe('csv');
    await expectSameAsJson('2026-02', '2025-02');
  });

  test('When the table comes as comma CSV, then it gives what the JSON upload gives', async () => {
    await postTable(toCsv(twenteTsv(), { delimiter: ',' }), CSV, 'period=2026-03&registerTotal=10371').expect(201);

    await expectSameAsJson('2026-03', '2025-03');
  });

  test('When every cell of the CSV is quoted, as some exports write it, then it gives what the JSON upload gives', async () => {
    await postTable(toCsv(twenteTsv(), { delimiter: ';', quoteAll: true }), CSV, 'period=2026-04&registerTotal=10371').expect(201);

    await expectSameAsJson('2026-04', '2025-04');
  });

  test('When the table comes as an Excel workbook made with exceljs, then its first sheet gives what the JSON upload gives', async () => {
    const res = await postTable(await toXlsx(twenteTsv()), XLSX, 'period=2026-05&registerTotal=10371').expect(201);

    expect(res.body.uploads[0].source).toBe('xlsx');
    await expectSameAsJson('2026-05', '2025-05');
  });

  test('When the region is also given as a query parameter and agrees with the label, then the table is stored', async () => {
    const res = await postTable(twenteTsv(), TSV, 'period=2026-07&registerTotal=10371&region=AM05').expect(201);

    expect(res.body.uploads[0].region).toEqual({ code: 'AM05', name: 'Twente' });
  });

  test('When the register total is left out, then the table is stored with coverage null', async () => {
    const res = await postTable(twenteTsv(), TSV, 'period=2026-08').expect(201);

    expect(res.body.uploads[0].totals).toEqual(expect.objectContaining({ total: 7898, registerTotal: null, coverage: null, coveragePercent: null }));
  });

  test('When the TOTAAL AMR row stands in its own columns and gives its total, then the table is accepted as well', async () => {
    const tsv = twenteTsv().replace('\tTOTAAL AMR\t\t38\t1.216\t3.476\t3.168\n', '\tTOTAAL AMR\t38\t1.216\t3.476\t3.168\t7.898\n');
    expect(tsv).not.toBe(twenteTsv());

    const res = await postTable(tsv, TSV, 'period=2026-10&registerTotal=10371').expect(201);

    expect(res.body.uploads[0].totals).toEqual(expect.objectContaining({ total: 7898, coveragePercent: 76 }));
  });

  test('When an export repeats the region label on every row, or puts it on a row of its own, then the table is read the same', async () => {
    const rows = cellsOf(twenteTsv());
    const filledDown = rows.map((cells, i) => (i >= 2 && i < 16 ? ['28 Twente', ...cells.slice(1)] : cells));
    const ownRow = [...rows.slice(0, 2), ['28 Twente'], ...rows.slice(2).map((cells, i) => (i === 0 ? ['', ...cells.slice(1)] : cells))];
    const text = (table: string[][]) => `${table.map((cells) => cells.join('\t')).join('\n')}\n`;

    const a = await postTable(text(filledDown), TSV, 'period=2026-11&registerTotal=10371').expect(201);
    const b = await postTable(text(ownRow), TSV, 'period=2026-12&registerTotal=10371').expect(201);

    for (const res of [a, b]) expect(res.body.uploads[0].totals).toEqual(expect.objectContaining({ region: { code: 'AM05', name: 'Twente' }, total: 7898 }));
  });

  test('When a table is stored, then the service version moves on once, so cached reads are derived anew', async () => {
    const before = app().service.version;

    await postTable(twenteTsv(), TSV, 'period=2026-09&registerTotal=10371').expect(201);

    expect(app().service.version).toBe(before + 1);
    const history = await app().http().get('/v1/uploads?period=2026-09').expect(200);
    expect(history.body.uploads).toEqual([expect.objectContaining({ source: 'tsv', current: true, gemeenteCount: 14 })]);
  });
});

describe('The table upload as the document describes it', () => {
  const app = appUnderTest('all');
  const upload = openapi.paths['/uploads'].post as unknown as {
    parameters: Array<{ name: string; in: string; schema: { type?: string; maximum?: number } }>; requestBody: { required: boolean; content: Record<string, unknown> };
  };

  test('When the upload operation is read, then it documents JSON and the three table types, and the query parameters of a table', () => {
    expect(Object.keys(upload.requestBody.content)).toEqual(['application/json', TSV, CSV, XLSX]);
    expect(upload.requestBody.required).toBe(true);
    expect(upload.parameters.filter((p) => p.in === 'query').map((p) => `${p.name}: ${p.schema.type}`)).toEqual(['period: string', 'registerTotal: integer', 'region: string', 'partial: boolean']);
  });

  test.each([
    ['a register total beyond its documented maximum', 'period=2026-06&registerTotal=250001', 'query.registerTotal', '250001'],
    ['a register total that is no number', 'period=2026-06&registerTotal=lots', 'query.registerTotal', 'lots'],
    ['partial neither true nor false', 'period=2026-06&partial=maybe', 'query.partial', 'maybe'],
  ])('When a table comes with %s, then it is a 400 naming the query parameter, and nothing is stored', async (_what, query, field, found) => {
    const before = await storedData(app());

    const res = await app().http().post(`/v1/uploads?${query}`).set('X-API-Key', WRITER_KEY).set('Content-Type', TSV).send(twenteTsv());

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field, found })]);
    expect(await storedData(app())).toBe(before);
  });
});

describe('One answer to an upload, whatever its content type', () => {
  const app = appUnderTest('each');

  test('When the Twente table is uploaded as JSON, TSV, CSV and xlsx, then the four answers have one shape and the same content but for id, source, period and time', async () => {
    // Arrange: each form of the same table, for a period of its own so that none repeats another
    const post = (period: string, type: string | undefined, body: string | Buffer | object) => {
      const req = app().http().post(type ? `/v1/uploads?period=${period}&registerTotal=10371` : '/v1/uploads').set('X-API-Key', WRITER_KEY);
      return (type ? req.set('Content-Type', type) : req).send(type ? body : { ...(body as object), period }).expect(201);
    };

    // Act
    const answers = [
      await post('2026-03', undefined, twenteUpload()),
      await post('2026-06', TSV, twenteTsv()),
      await post('2026-09', CSV, toCsv(twenteTsv(), { delimiter: ';', bom: true })),
      await post('2026-12', XLSX, await toXlsx(twenteTsv())),
    ];

    // Assert
    const comparable = answers.map((res) => {
      expect(Object.keys(res.body)).toEqual(['uploads']);
      expect(res.body.uploads).toHaveLength(1);
      const { id, source, uploadedAt, period, totals: { period: totalsPeriod, ...totals }, ...rest } = res.body.uploads[0];
      expect(res.headers.location).toBe(`/v1/uploads/${id}`);
      expect([totalsPeriod, typeof uploadedAt]).toEqual([period, 'string']);
      return { ...rest, totals };
    });
    expect(answers.map((res) => res.body.uploads[0].source)).toEqual(['json', 'tsv', 'csv', 'xlsx']);
    for (const other of comparable.slice(1)) expect(other).toEqual(comparable[0]);
    expect(comparable[0].totals).toEqual(expect.objectContaining({ total: 7898, registerTotal: 10371, coveragePercent: 76 }));
  });
});
