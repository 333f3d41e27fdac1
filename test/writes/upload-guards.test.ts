import { MAX_COUNT } from '../../src/domain/upload';
import { buildRow, buildUpload, twenteUpload } from '../support/factories';
import { appUnderTest, storedData, WRITER_KEY } from '../support/test-app';
import { publicationTable, regionFigures, TSV, twenteTsv } from '../tables/publication-files';

describe('Uploads that leave out gemeenten, repeat the current figures, or are implausible', () => {
  const app = appUnderTest('each');
  const post = (body: unknown) => app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(body as object);
  const postTable = (tsv: string, query: string) =>
    app().http().post(`/v1/uploads?period=2026-06${query}`).set('X-API-Key', WRITER_KEY).set('Content-Type', TSV).send(tsv);

  test('When a JSON upload of Almelo alone does not say partial, then it is 400 listing the 13 gemeenten it leaves out, and nothing is stored', async () => {
    await post(twenteUpload()).expect(201);
    const before = await storedData(app());
    const { partial: _partial, ...almeloOnly } = buildUpload();

    const res = await post(almeloOnly);

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'gemeenten', detail: expect.stringMatching(/^leave out 13 of the 14 gemeenten of Twente: Borne \(GM0147\), Dinkelland \(GM1774\), .*Wierden \(GM0189\); /) })]);
    expect(await storedData(app())).toBe(before);
    expect((await app().http().get('/v1/regions/Twente/totals').expect(200)).body.total).toBe(7898);
  });

  test('When the same upload says partial: true, then it is stored and the left-out gemeenten are listed as missing', async () => {
    const res = await post(buildUpload({ partial: true })).expect(201);

    expect(res.body.uploads[0].gemeenteCount).toBe(1);
    expect((await app().http().get('/v1/regions/Twente/gemeenten?period=2026-06').expect(200)).body.missing).toHaveLength(13);
  });

  test('When a table leaves out a gemeente, then it is 400 naming it unless ?partial=true', async () => {
    const twente = regionFigures('AM05');
    const withoutBorne = publicationTable({ ...twente, gemeenten: twente.gemeenten.filter((g) => g.code !== 'GM0147') });

    const refused = await postTable(withoutBorne, '');
    const stored = await postTable(withoutBorne, '&partial=true');

    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ detail: expect.stringMatching(/^leave out 1 of the 14 gemeenten of Twente: Borne \(GM0147\);/) })]);
    expect(stored.status).toBe(201);
    expect(stored.body.uploads[0].gemeenteCount).toBe(13);
  });

  test('When ?partial is neither true nor false, then it is 400 naming it', async () => {
    const res = await postTable(twenteTsv(), '&partial=yes');

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'query.partial', found: 'yes' })]);
  });

  test('When an upload repeats the current figures, then it is stored with a warning naming the upload it repeats', async () => {
    const first = (await post(twenteUpload()).expect(201)).body.uploads[0];

    const again = await post(twenteUpload()).expect(201);
    const table = await postTable(twenteTsv(), '&registerTotal=10371').expect(201);

    expect(first.warnings).toEqual([]);
    expect(again.body.uploads[0].warnings).toEqual([expect.stringMatching(new RegExp(`^These figures are identical to upload ${first.id} \\(by writer at .*\\), the current figures of Twente for 2026-06`))]);
    expect(table.body.uploads[0].warnings).toEqual([expect.stringContaining(`identical to upload ${again.body.uploads[0].id}`)]);
    expect(again.body.uploads[0].id).not.toBe(first.id);
  });

  test('When a file of three regions repeats two of them, then only those two get the warning', async () => {
    const [gorinchem, middenHolland] = [regionFigures('AM35'), regionFigures('AM20')];
    const first = await postTable(twenteTsv() + publicationTable(gorinchem) + publicationTable(middenHolland), '').expect(201);

    const changed = publicationTable(regionFigures('AM35', 2));
    const res = await postTable(twenteTsv() + changed + publicationTable(middenHolland), '').expect(201);

    const ids = first.body.uploads.map((u: { id: number }) => u.id);
    expect(res.body.uploads.map((u: { warnings: string[] }) => u.warnings)).toEqual([
      [expect.stringContaining(`identical to upload ${ids[0]}`)], [], [expect.stringContaining(`identical to upload ${ids[2]}`)],
    ]);
  });

  test('When an upload differs from the current one in its register only, then there is no warning', async () => {
    await post(twenteUpload()).expect(201);

    const res = await post({ ...twenteUpload(), registerTotal: 10372 }).expect(201);

    expect(res.body.uploads[0].warnings).toEqual([]);
  });

  test.each([
    ['a count', buildUpload({ gemeenten: [buildRow({ uwvClients: { withProfile: MAX_COUNT + 1, withoutProfile: 502 }, total: undefined })] }), 'gemeenten[0].uwvClients.withProfile'],
    ['a register', buildUpload({ registerTotal: MAX_COUNT + 1 }), 'registerTotal'],
    ['Swagger UI\'s placeholder of 10,000,000', buildUpload({ registerTotal: 40_000_000, gemeenten: [buildRow({ gemeenteClients: { withProfile: 10_000_000, withoutProfile: 10_000_000 }, uwvClients: { withProfile: 10_000_000, withoutProfile: 10_000_000 }, total: 40_000_000 })] }), 'registerTotal'],
    ['counts whose region total is more than the doelgroep', buildUpload({ gemeenten: [
      buildRow({ gemeente: 'Almelo', gemeenteClients: { withProfile: 100_000, withoutProfile: 0 }, uwvClients: { withProfile: 0, withoutProfile: 0 }, total: undefined }),
      buildRow({ gemeente: 'Borne', gemeenteClients: { withProfile: 100_000, withoutProfile: 0 }, uwvClients: { withProfile: 0, withoutProfile: 0 }, total: undefined }),
      buildRow({ gemeente: 'Enschede', gemeenteClients: { withProfile: 100_000, withoutProfile: 0 }, uwvClients: { withProfile: 0, withoutProfile: 0 }, total: undefined }),
    ] }), 'gemeenten'],
  ])('When %s is above the plausibility bound of 250,000, then it is 400 naming it, and nothing is stored', async (_what, body, field) => {
    const before = await storedData(app());

    const res = await post(body);

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field, detail: expect.stringContaining('more than the whole doelgroep banenafspraken') })]));
    expect(await storedData(app())).toBe(before);
  });

  test('When a table holds a count above the bound, then it is 400 naming its cell', async () => {
    const rows = twenteTsv().split('\n');
    rows[2] = rows[2].replace(/\t3\t222\t/, '\t300.000\t222\t');

    const res = await postTable(rows.join('\n'), '');

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ row: 3, column: 3 })]));
  });
});
