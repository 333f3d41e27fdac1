import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProblemItem } from '../../src/domain/errors';
import { twenteUpload } from '../support/factories';
import { createTestApp, eachTestStoresNothing, expectResponsesMatchContract, storedData, TestApp, WRITER_KEY } from '../support/test-app';
import { CSV, publicationTable, regionFigures, toCsv, toXlsx, TSV, twenteTsv, withCell, withoutRows, XLSX } from './publication-files';

/*
 * Rows of twente-publication.tsv, as a spreadsheet numbers them: 1 and 2 the headers, 3 Almelo (with the
 * label "28 Twente" in column 1), 4 Borne, 5 Dinkelland, 6 Enschede, 9 Hengelo, 16 Wierden, 17 TOTAAL AMR
 * (its four sums in columns 4 to 7). Columns: 1 region, 2 gemeente, 3-6 the counts, 7 the total.
 */

type Problem = ProblemItem;

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: { status?: number; title?: string; detail?: string; errors?: Problem[] };
}

function expectProblems(res: Answer, status = 400): Problem[] {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(expect.objectContaining({ status, title: expect.any(String), detail: expect.any(String) }));
  return res.body.errors ?? [];
}

describe('Rejected tables', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    // Something stored already, so that "nothing changed" is a real claim.
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send({ ...twenteUpload(), period: '2025-12' }).expect(201);
  });
  eachTestStoresNothing(() => t);

  const post = (body: string | Buffer, type = TSV, query = 'period=2026-06&registerTotal=10371') =>
    t.http().post(`/v1/uploads${query ? `?${query}` : ''}`).set('X-API-Key', WRITER_KEY).set('Content-Type', type).send(body);

  test.each([
    ['a number with a decimal point, "1.2"', 3, 4, '1.2', 'not a whole number'],
    ['a number with a comma, "1,218"', 3, 7, '1,218', 'comma'],
    ['text in a number cell', 4, 5, 'veel', 'not a count'],
    ['a negative count', 5, 6, '-3', 'negative'],
    ['an empty cell in the middle of a row', 5, 3, '', 'empty'],
  ])('When a cell holds %s, then the answer names its row and column and what was found', async (_what, row, column, found, detail) => {
    const res = await post(withCell(twenteTsv(), row, column, found));

    expect(expectProblems(res)).toEqual([expect.objectContaining({ row, column, found, detail: expect.stringContaining(detail) })]);
  });

  test('When a row ends before its total, then the missing cell is named', async () => {
    const res = await post(twenteTsv().replace('\tWierden\t0\t12\t57\t82\t151\n', '\tWierden\t0\t12\t57\t82\n'));

    expect(expectProblems(res)).toEqual([expect.objectContaining({ row: 16, column: 7, found: '', detail: expect.stringContaining('empty') })]);
  });

  test('When a row total is not the sum of its four figures, then the answer names the cell and the sum', async () => {
    const res = await post(withCell(twenteTsv(), 6, 7, '2.751'));

    expect(expectProblems(res)).toEqual([{ row: 6, column: 7, found: '2.751', detail: expect.stringContaining('2.750') }]);
  });

  test('When a figure of the shifted TOTAAL AMR row does not add up, then the answer names its cell and the column sum', async () => {
    const res = await post(withCell(twenteTsv(), 17, 5, '1.217'));

    expect(expectProblems(res)).toEqual([{ row: 17, column: 5, found: '1.217', detail: expect.stringContaining('1.216') }]);
  });

  test('When the TOTAAL AMR row gives a total that does not add up, then that cell is named', async () => {
    const res = await post(withCell(twenteTsv(), 17, 8, '7.899'));

    expect(expectProblems(res)).toEqual([{ row: 17, column: 8, found: '7.899', detail: expect.stringContaining('7.898') }]);
  });

  test('When a gemeente is misspelt, then the answer names the cell and suggests the closest names of the region', async () => {
    const res = await post(withCell(twenteTsv(), 9, 2, 'Hengelow'));

    const [problem, ...rest] = expectProblems(res);
    expect(rest).toEqual([]);
    expect(problem).toEqual(expect.objectContaining({ row: 9, column: 2, found: 'Hengelow', detail: expect.stringContaining('not a gemeente of Twente') }));
    expect(problem.suggestions?.[0]).toBe('Hengelo (O.)');
  });

  test('When a gemeente of another region is listed, then the answer says which region it belongs to', async () => {
    const res = await post(withCell(twenteTsv(), 9, 2, 'Zwolle'));

    expect(expectProblems(res)).toEqual([expect.objectContaining({ row: 9, column: 2, found: 'Zwolle', detail: expect.stringContaining('is a gemeente of') })]);
  });

  test('When a gemeente is listed twice, then the second row is named', async () => {
    const res = await post(withCell(twenteTsv(), 4, 2, 'Almelo'));

    expect(expectProblems(res)).toEqual([expect.objectContaining({ row: 4, column: 2, found: 'Almelo', detail: expect.stringContaining('second time') })]);
  });

  test('When a row holds a value beyond the total, then that cell is named', async () => {
    const res = await post(withCell(twenteTsv(), 7, 8, 'x'));

    expect(expectProblems(res)).toEqual([expect.objectContaining({ row: 7, column: 8, found: 'x', detail: expect.stringContaining('outside the table') })]);
  });

  test('When the table has no region label, then its first row is named', async () => {
    const res = await post(withCell(twenteTsv(), 3, 1, ''));

    expect(expectProblems(res)).toEqual([expect.objectContaining({ row: 3, column: 1, found: '', detail: expect.stringContaining('names its arbeidsmarktregio') })]);
  });

  test('When the region label names no region, then the label is named with the closest regions', async () => {
    const res = await post(withCell(twenteTsv(), 3, 1, '28 Twentse'));

    const problems = expectProblems(res);
    expect(problems).toEqual([expect.objectContaining({ row: 3, column: 1, found: '28 Twentse', detail: expect.stringContaining('not an arbeidsmarktregio') })]);
    expect(problems[0].suggestions?.[0]).toBe('Twente');
  });

  test('When the query parameter region disagrees with the label, then the label is named', async () => {
    const res = await post(twenteTsv(), TSV, 'period=2026-06&region=Groningen');

    expect(expectProblems(res)).toEqual([expect.objectContaining({ row: 3, column: 1, found: '28 Twente', detail: expect.stringContaining('Groningen') })]);
  });

  test('When the table ends without its TOTAAL AMR row, then the row where it was expected is named', async () => {
    const res = await post(withoutRows(twenteTsv(), 17));

    expect(expectProblems(res)).toEqual([expect.objectContaining({ row: 17, column: 2, detail: expect.stringContaining('no TOTAAL AMR row') })]);
  });

  test('When a CSV opens a quote that never closes, then the row where it opens is named', async () => {
    const csv = toCsv(twenteTsv(), { delimiter: ';' }).replace('Dinkelland', '"Dinkelland');

    expect(expectProblems(await post(csv, CSV))).toEqual([expect.objectContaining({ row: 5, detail: expect.stringContaining('never closed') })]);
  });

  test.each([
    ['without a period', 'registerTotal=10371', 'query.period', undefined],
    ['with a malformed period', 'period=2026-6', 'query.period', '2026-6'],
    ['with a register total in Dutch notation', 'period=2026-06&registerTotal=10.371', 'query.registerTotal', '10.371'],
    ['with an unknown query parameter', 'periode=2026-06&period=2026-06', 'query.periode', undefined],
  ])('When the table is sent %s, then the query parameter is named', async (_what, query, field, found) => {
    const res = await post(twenteTsv(), TSV, query);

    expect(expectProblems(res)).toEqual([expect.objectContaining({ field, ...(found === undefined ? {} : { found }) })]);
  });

  test('When the query names an unknown region, then it is named with suggestions', async () => {
    const res = await post(twenteTsv(), TSV, 'period=2026-06&region=Twent');

    expect(expectProblems(res)).toEqual([expect.objectContaining({ field: 'query.region', found: 'Twent', suggestions: ['Twente'] })]);
  });

  test('When a file has many problems, then every one is listed at once', async () => {
    let tsv = twenteTsv();
    tsv = withCell(tsv, 3, 4, '1.2');
    tsv = withCell(tsv, 4, 7, '1,218');
    tsv = withCell(tsv, 9, 2, 'Hengelow');
    tsv = withCell(tsv, 17, 7, '3.169');

    const res = await post(tsv, TSV, 'period=2026-13&registerTotal=10371');

    const where = expectProblems(res).map((p) => p.field ?? `${p.row}:${p.column}`);
    expect(where.sort()).toEqual(['17:7', '3:4', '4:7', '9:2', 'query.period']);
    expect(res.body.detail).toBe('The upload has 5 problems; nothing was stored.');
  });

  test('When an Excel workbook holds a fraction and a comma number, then their cells are named', async () => {
    const xlsx = await toXlsx(twenteTsv(), (sheet) => {
      sheet.getCell('D3').value = 1.2;
      sheet.getCell('G4').value = '1,218';
      sheet.getCell('E6').value = 1.278; // a number cell: 1.278 is a fraction there, not Enschede's 1.278 written Dutch
    });

    const problems = expectProblems(await post(xlsx, XLSX));

    expect(problems).toEqual([
      expect.objectContaining({ row: 3, column: 4, found: '1,2' }),
      expect.objectContaining({ row: 4, column: 7, found: '1,218' }),
      expect.objectContaining({ row: 6, column: 5, found: '1,278' }),
    ]);
  });

  test('When a file goes on far beyond what one period\'s tables take, then reading stops and that row is named', async () => {
    const rows = Array.from({ length: 6000 }, () => '\tAlmelo\t3\t222\t491\t502\t1.218').join('\n');

    const problems = expectProblems(await post(`${twenteTsv()}\n${rows}\n`));

    expect(problems).toEqual(expect.arrayContaining([expect.objectContaining({ row: 5001, detail: expect.stringContaining('past row 5000') })]));
  });

  test('When the body is no Excel workbook, then the answer says so', async () => {
    const problems = expectProblems(await post(Buffer.from('this is not a zip file'), XLSX));

    expect(problems).toEqual([expect.objectContaining({ field: '(body)', detail: expect.stringContaining('not an Excel workbook') })]);
  });

  test('When an empty body is sent, then the answer says the file holds no region table', async () => {
    const res = await post('', TSV);

    expect(expectProblems(res)).toEqual([expect.objectContaining({ detail: expect.stringContaining('no region table') })]);
  });

  test('When a file holds two regions and a register total, then the register total is refused', async () => {
    const file = twenteTsv() + publicationTable(regionFigures('AM35'));

    const res = await post(file, TSV, 'period=2026-06&registerTotal=10371');

    expect(expectProblems(res)).toEqual([expect.objectContaining({ field: 'query.registerTotal', detail: expect.stringContaining('2 region tables') })]);
  });

  test('When a file holds the same region twice, then the second label is named', async () => {
    const res = await post(twenteTsv() + twenteTsv(), TSV, 'period=2026-06');

    expect(expectProblems(res)).toEqual([expect.objectContaining({ row: 20, column: 1, found: '28 Twente', detail: expect.stringContaining('repeats Twente') })]);
  });

  test('When a later table of a file is wrong, then no table of the file is stored, the good ones neither', async () => {
    const gorinchem = publicationTable(regionFigures('AM35'));
    const file = gorinchem + withCell(twenteTsv(), 9, 2, 'Hengelow'); // Twente's rows come 5 rows later

    const problems = expectProblems(await post(file, TSV, 'period=2026-06'));

    expect(problems).toEqual([expect.objectContaining({ row: 9 + 6, column: 2, found: 'Hengelow' })]);
  });

  test('When the table is sent in a character set other than UTF-8, then the answer is 415', async () => {
    const res = await post(twenteTsv(), `${CSV}; charset=windows-1252`);

    expectProblems(res, 415);
  });

  test('When the table is sent without an API key, then the answer is 401', async () => {
    const res = await t.http().post('/v1/uploads?period=2026-06').set('Content-Type', TSV).send(twenteTsv());

    expectProblems(res, 401);
  });
});

describe('Tables larger than the limit', () => {
  let t: TestApp;
  let before: string;
  beforeAll(async () => {
    t = await createTestApp({ TABLE_BODY_LIMIT: '800b' }); // Twente's table (633 bytes) fits, a second table does not
  });
  beforeEach(async () => {
    before = await storedData(t);
  });
  afterEach(async () => {
    expect(await storedData(t)).toBe(before);
  });
  afterAll(async () => {
    expectResponsesMatchContract(t);
    await t.close();
  });

  const twoTables = () => twenteTsv() + publicationTable(regionFigures('AM35'));

  test('When the declared length is over the limit, then the answer is 413', async () => {
    const res = await t.http().post('/v1/uploads?period=2026-06').set('X-API-Key', WRITER_KEY).set('Content-Type', TSV).send(twoTables());

    expectProblems(res, 413);
  });

  test('When a body of no declared length grows over the limit while streaming, then the answer is 413 and nothing is stored', async () => {
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/uploads?period=2026-06', headers: { 'Content-Type': TSV, 'X-API-Key': WRITER_KEY } }, (res) => {
          let body = '';
          res.setEncoding('utf8').on('data', (chunk: string) => { body += chunk; }).on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
        // Chunked: the first table fits, the second crosses the limit.
        req.write(twenteTsv());
        req.end(publicationTable(regionFigures('AM35')));
      });

      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toEqual(expect.objectContaining({ status: 413, detail: expect.stringContaining('larger than this service accepts') }));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('When a table fits the limit, then it is stored', async () => {
    const res = await t.http().post('/v1/uploads?period=2026-06').set('X-API-Key', WRITER_KEY).set('Content-Type', TSV).send(twenteTsv());

    expect(res.status).toBe(201);
    before = await storedData(t); // this one was meant to change the data
  });
});
