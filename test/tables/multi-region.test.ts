import { PassThrough } from 'node:stream';
import { MAX_LISTED_PROBLEMS } from '../../src/domain/service';
import { publicationTables } from '../../src/tables/publication';
import { textRows } from '../../src/tables/text-rows';
import { appUnderTest, storedData, WRITER_KEY } from '../support/test-app';
import { publicationTable, regionFigures, totalOf, TSV, twenteTsv, withoutRows } from './publication-files';

/** Files with several regions' tables one after another: one upload per region, all in one transaction. */
describe('Files with several regions', () => {
  const app = appUnderTest('all');

  const post = (body: string, period: string) =>
    app().http().post(`/v1/uploads?period=${period}`).set('X-API-Key', WRITER_KEY).set('Content-Type', TSV).send(body);

  test('When a file holds three regions\' tables, then each becomes its own upload and the reads give each region', async () => {
    const gorinchem = regionFigures('AM35');
    const middenHolland = regionFigures('AM20');
    const before = app().service.version;

    const res = await post(twenteTsv() + publicationTable(gorinchem) + publicationTable(middenHolland), '2024-01').expect(201);

    expect(res.headers.location).toBe('/v1/uploads?period=2024-01');
    expect(res.body.uploads.map((u: { region: { code: string } }) => u.region.code)).toEqual(['AM05', 'AM35', 'AM20']);
    expect(res.body.uploads.map((u: { gemeenteCount: number }) => u.gemeenteCount)).toEqual([14, 3, 4]);
    expect(app().service.version).toBe(before + 1); // one commit for the whole file
    for (const region of [gorinchem, middenHolland]) {
      const totals = await app().http().get(`/v1/regions/${region.code}/totals?period=2024-01`).expect(200);
      expect(totals.body).toEqual(expect.objectContaining({ total: totalOf(region), registerTotal: null, coverage: null }));
      const gemeenten = await app().http().get(`/v1/regions/${region.code}/gemeenten?period=2024-01`).expect(200);
      expect(gemeenten.body.missing).toEqual([]);
      expect(gemeenten.body.gemeenten.map((g: { code: string }) => g.code).sort()).toEqual(region.gemeenten.map((g) => g.code).sort());
    }
    const national = await app().http().get('/v1/totals?period=2024-01').expect(200);
    expect(national.body).toEqual(expect.objectContaining({ regions: 3, total: 7898 + totalOf(gorinchem) + totalOf(middenHolland) }));
  });

  test('When the last table of a file is cut off before its TOTAAL AMR row, then the row is named and no region is stored', async () => {
    const file = publicationTable(regionFigures('AM35')) + withoutRows(twenteTsv(), 17);
    const before = await storedData(app());

    const res = await post(file, '2024-02').expect(400);

    expect(res.body.errors).toEqual([expect.objectContaining({ row: 6 + 17, column: 2, detail: expect.stringContaining('no TOTAAL AMR row') })]);
    expect(await storedData(app())).toBe(before);
  });

  test('When a new region starts before the table above has its TOTAAL AMR row, then the new label\'s row is named', async () => {
    const file = withoutRows(twenteTsv(), 17) + publicationTable(regionFigures('AM35')).split('\n').slice(2).join('\n');
    const before = await storedData(app());

    const res = await post(file, '2024-03').expect(400);

    expect(res.body.errors).toEqual([expect.objectContaining({ row: 17, column: 1, found: '35 Gorinchem', detail: expect.stringContaining('starts a new region') })]);
    expect(await storedData(app())).toBe(before);
  });

  test('When two files are uploaded at the same time, then each stores its own regions and nothing of the other', async () => {
    const [a, b] = await Promise.all([
      post(twenteTsv() + publicationTable(regionFigures('AM35', 1)), '2024-04'),
      post(publicationTable(regionFigures('AM35', 2)) + publicationTable(regionFigures('AM20')), '2024-05'),
    ]);

    expect([a.status, b.status]).toEqual([201, 201]);
    const april = await app().http().get('/v1/coverage?period=2024-04').expect(200);
    const may = await app().http().get('/v1/coverage?period=2024-05').expect(200);
    expect(april.body.regions.map((r: { region: { code: string }; total: number }) => [r.region.code, r.total]))
      .toEqual([['AM05', 7898], ['AM35', totalOf(regionFigures('AM35', 1))]]);
    expect(may.body.regions.map((r: { region: { code: string }; total: number }) => [r.region.code, r.total]))
      .toEqual([['AM20', totalOf(regionFigures('AM20'))], ['AM35', totalOf(regionFigures('AM35', 2))]]);
  });

  test('When a file repeats its regions, then each repeat is named and nothing is stored', async () => {
    const pair = twenteTsv() + publicationTable(regionFigures('AM35'));
    const before = await storedData(app());

    const res = await post(pair.repeat(10), '2024-06').expect(400);

    expect(res.body.errors).toHaveLength(18);
    expect(res.body.errors[0]).toEqual(expect.objectContaining({ row: 26, column: 1, found: '28 Twente', detail: expect.stringContaining('repeats Twente') }));
    expect(await storedData(app())).toBe(before);
  });

  test('When a file is wrong throughout, then the answer lists a bounded number of its problems and says how many there are', async () => {
    const badRow = '\tAlmelo\tx\tx\tx\tx\tx';
    const badTable = (label: string) => [`${label}${badRow}`, ...Array.from({ length: 89 }, () => badRow), '\tTOTAAL AMR\t\t1\t1\t1\t1'].join('\n');
    const [header1, header2] = twenteTsv().split('\n');
    const file = [header1, header2, badTable('28 Twente'), badTable('9 Zwolle'), badTable('Groningen')].join('\n') + '\n';
    const before = await storedData(app());

    const res = await post(file, '2024-06').expect(400);

    expect(res.body.errors).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(res.body.detail).toMatch(new RegExp(`^The upload has \\d+ problems; nothing was stored\\. The first ${MAX_LISTED_PROBLEMS} are listed\\.$`));
    expect(await storedData(app())).toBe(before);
  });

  test('When a table arrives, then it comes out of the reader before the rest of the file has been sent', async () => {
    const body = new PassThrough();
    const tables = publicationTables(textRows(body, '\t'), { reference: app().service.reference, period: '2024-07' })[Symbol.asyncIterator]();

    const [header, ...rest] = publicationTable(regionFigures('AM35')).split('\n');
    // csv-parse holds a row back until a byte after its line end arrives: send the next table's first line.
    body.write(`${twenteTsv()}${header}\n`);
    const first = await tables.next();

    expect(body.writableEnded).toBe(false);
    expect(first.value).toEqual(expect.objectContaining({ problems: [], input: expect.objectContaining({ region: '28 Twente', period: '2024-07' }) }));
    expect(first.value?.input?.gemeenten).toHaveLength(14);
    body.end(rest.join('\n'));
    const second = await tables.next();
    expect(second.value?.input?.region).toBe('35 Gorinchem');
    expect((await tables.next()).done).toBe(true);
  });
});
