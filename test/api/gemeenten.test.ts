import { markedUpload, referenceGemeenten } from '../support/region-batches';
import { appUnderTest, WRITER_KEY } from '../support/test-app';

describe('Gemeenten as a resource, found nationally', () => {
  const app = appUnderTest('all');
  const get = (url: string) => app().http().get(url);

  test('When the gemeenten are listed, then all 342 come with their code, name and region', async () => {
    const res = await get('/v1/gemeenten').expect(200);
    const reference = referenceGemeenten();

    expect(res.body.gemeenten).toHaveLength(342);
    expect(new Set(res.body.gemeenten.map((g: { code: string }) => g.code))).toEqual(new Set(reference.map((g) => g.code)));
    for (const g of reference) {
      expect(res.body.gemeenten).toContainEqual({ code: g.code, name: g.name, region: { code: g.regionCode, name: g.regionName } });
    }
    const names = res.body.gemeenten.map((g: { name: string }) => g.name);
    expect(names).toEqual([...names].sort((a: string, b: string) => a.localeCompare(b, 'nl')));
  });

  test('When a gemeente is asked for by code, by name or by a name as publications write it, then it is found with its region', async () => {
    const almelo = { code: 'GM0141', name: 'Almelo', region: { code: 'AM05', name: 'Twente' }, latest: null };

    expect((await get('/v1/gemeenten/GM0141').expect(200)).body).toEqual(almelo);
    expect((await get('/v1/gemeenten/gm0141').expect(200)).body).toEqual(almelo);
    expect((await get('/v1/gemeenten/Almelo').expect(200)).body).toEqual(almelo);
    expect((await get('/v1/gemeenten/ALMELO').expect(200)).body).toEqual(almelo);
    const hengelo = (await get('/v1/gemeenten/Hengelo').expect(200)).body;
    expect(hengelo).toEqual(expect.objectContaining({ code: 'GM0164', name: 'Hengelo (O.)', region: { code: 'AM05', name: 'Twente' } }));
    expect((await get(`/v1/gemeenten/${encodeURIComponent('Hengelo (O.)')}`).expect(200)).body).toEqual(hengelo);
    expect((await get('/v1/gemeenten/Den%20Haag').expect(200)).body.name).toBe("'s-Gravenhage");
  });

  test('When a name fits several gemeenten nationally, then the answer is a 400 listing them, never a guess', async () => {
    const res = await get('/v1/gemeenten/Bergen').expect(400);
    const series = await get('/v1/gemeenten/bergen/series').expect(400);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'gemeente', found: 'Bergen', suggestions: ['Bergen (L.)', 'Bergen (NH.)'] })]);
    expect(res.body.detail).toContain('GM0893');
    expect(res.body.detail).toContain('GM0373');
    expect(series.body.errors[0].suggestions).toEqual(['Bergen (L.)', 'Bergen (NH.)']);
  });

  test('When the full CBS name or the code of a Bergen is given, then that one is found', async () => {
    const limburg = await get(`/v1/gemeenten/${encodeURIComponent('Bergen (L.)')}`).expect(200);
    const noordHolland = await get('/v1/gemeenten/GM0373').expect(200);

    expect(limburg.body).toEqual(expect.objectContaining({ code: 'GM0893', name: 'Bergen (L.)' }));
    expect(noordHolland.body).toEqual(expect.objectContaining({ code: 'GM0373', name: 'Bergen (NH.)' }));
  });

  test('When a gemeente is unknown, then the answer is a 404 naming the field and suggesting close names with their codes', async () => {
    const misspelt = await get('/v1/gemeenten/Almelow').expect(404);
    const shortCode = await get('/v1/gemeenten/GM141').expect(404);
    const unknownCode = await get('/v1/gemeenten/GM9999').expect(404);

    expect(misspelt.body.detail).toContain('Almelo');
    expect(misspelt.body.errors).toEqual([expect.objectContaining({ field: 'gemeente', found: 'Almelow', suggestions: expect.arrayContaining(['Almelo (GM0141)']) })]);
    expect(shortCode.body.errors[0].suggestions[0]).toBe('Almelo (GM0141)');
    expect(unknownCode.body.errors).toEqual([expect.objectContaining({ field: 'gemeente', found: 'GM9999' })]);
  });

  test('When a gemeente has figures, then it comes with those of its latest period that lists it', async () => {
    const upload = (period: string, marker: number) =>
      app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(markedUpload('AM05', period, marker)).expect(201);
    await upload('2026-03', 11);
    await upload('2026-06', 22);
    const first = (await get('/v1/regions/AM05').expect(200)).body.gemeenten[0];

    const res = await get(`/v1/gemeenten/${first.code}`).expect(200);
    const read = await get('/v1/regions/AM05/gemeenten?period=2026-06').expect(200);

    const { code, name, ...figures } = read.body.gemeenten.find((g: { code: string }) => g.code === first.code);
    expect(res.body).toEqual({ code, name, region: { code: 'AM05', name: 'Twente' }, latest: { period: '2026-06', ...figures } });
    const again = await get(`/v1/gemeenten/${first.code}`).set('If-None-Match', res.headers.etag).expect(304);
    expect(again.headers.etag).toBe(res.headers.etag);
  });
});
