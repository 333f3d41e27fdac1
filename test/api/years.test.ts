import { appUnderTest, WRITER_KEY } from '../support/test-app';

/** Every year as it was: the classifications shipped in db/classifications, uploads and reads in a period's own. */
describe('Gemeenten and regions per year, and the herindelingen between them', () => {
  const app = appUnderTest('all');
  const get = (url: string) => app().http().get(url);
  const post = (body: object) => app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(body);

  /** The gemeenten of a region in a year, as the service lists them. */
  const gemeentenOf = async (year: number, region: string): Promise<string[]> => {
    const res = await get(`/v1/gemeenten?year=${year}`).expect(200);
    return res.body.gemeenten.filter((g: { region: { code: string } }) => g.region.code === region).map((g: { name: string }) => g.name);
  };
  /** An upload of the named gemeenten, each with counts that tell it apart: gemeente i has total 4 * (10 + i). */
  const uploadOf = (period: string, region: string, names: string[], extra: object = {}) => ({
    period, region, ...extra,
    gemeenten: names.map((gemeente, i) => ({ gemeente, gemeenteClients: { withProfile: 10 + i, withoutProfile: 10 + i }, uwvClients: { withProfile: 10 + i, withoutProfile: 10 + i } })),
  });

  test('When the classifications are listed, then each year 2019-2026 says its size, where it comes from and when it was loaded', async () => {
    const res = await get('/v1/classifications').expect(200);

    const years = res.body.classifications.map((c: { year: number; gemeenten: number; regions: number; membership: string }) => [c.year, c.gemeenten, c.regions, c.membership]);
    expect(years).toEqual([
      [2019, 355, 36, 'derived'], [2020, 355, 36, 'derived'], [2021, 352, 35, 'derived'], [2022, 345, 35, 'derived'],
      [2023, 342, 35, 'derived'], [2024, 342, 35, 'derived'], [2025, 342, 35, 'derived'], [2026, 342, 35, 'cbs'],
    ]);
    expect(res.body.classifications[7].membershipSource).toContain('86247NED');
    expect(res.body.classifications[0].loadedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(res.body.herindelingen).toHaveLength(65);
    expect(res.body.herindelingen).toContainEqual({ date: '2022-03-24', oldCode: 'GM0457', oldName: 'Weesp', newCode: 'GM0363', newName: 'Amsterdam' });
  });

  test('When regions and gemeenten are asked for a year, then that year answers: AM99 in 2020, AM06 renamed in 2024; a year not loaded is a 400', async () => {
    const r2020 = (await get('/v1/regions?year=2020').expect(200)).body;
    const r2023 = (await get('/v1/regions?year=2023').expect(200)).body;
    const r2024 = (await get('/v1/regions?year=2024').expect(200)).body;
    const today = (await get('/v1/regions').expect(200)).body;

    expect(r2020).toEqual(expect.objectContaining({ year: 2020, membership: 'derived' }));
    expect(r2020.regions).toHaveLength(36);
    expect(r2020.regions).toContainEqual({ code: 'AM99', name: 'Niet in te delen', gemeenteCount: 1 });
    expect(r2023.regions).toContainEqual(expect.objectContaining({ code: 'AM06', name: 'Stedendriehoek en Noordwest Veluwe' }));
    expect(r2024.regions).toContainEqual(expect.objectContaining({ code: 'AM06', name: 'Veluwe Stedendriehoek' }));
    expect(today.year).toBeUndefined();
    expect(today.regions).toHaveLength(35);
    expect(await gemeentenOf(2020, 'AM01')).toEqual(expect.arrayContaining(['Appingedam', 'Delfzijl', 'Loppersum']));
    expect(await gemeentenOf(2021, 'AM01')).toEqual(expect.arrayContaining(['Eemsdelta']));
    expect(await gemeentenOf(2021, 'AM01')).not.toContain('Appingedam');

    const refused = await get('/v1/regions?year=2018').expect(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'query.year', found: '2018' })]);
    expect(refused.body.detail).toContain('2019–2026');
    expect(refused.body.detail).toContain('npm run classification');
  });

  test('When a gemeente of an earlier year is asked for, then it is found with its years, its predecessors and where it went', async () => {
    const weesp = (await get('/v1/gemeenten/Weesp').expect(200)).body;
    const eemsdelta = (await get('/v1/gemeenten/GM1979').expect(200)).body;
    const haaren = (await get('/v1/gemeenten/Haaren').expect(200)).body;

    expect(weesp).toEqual({
      code: 'GM0457', name: 'Weesp', region: { code: 'AM12', name: 'Gooi en Vechtstreek' }, years: [2019, 2020, 2021, 2022],
      predecessors: [], successors: [{ code: 'GM0363', name: 'Amsterdam', date: '2022-03-24' }], latest: null,
    });
    expect(eemsdelta.years).toEqual([2021, 2022, 2023, 2024, 2025, 2026]);
    expect(eemsdelta.predecessors.map((p: { name: string; date: string }) => `${p.name} ${p.date}`).sort()).toEqual(['Appingedam 2021-01-01', 'Delfzijl 2021-01-01', 'Loppersum 2021-01-01']);
    expect(haaren.successors.map((s: { name: string }) => s.name).sort()).toEqual(['Boxtel', 'Oisterwijk', 'Tilburg', 'Vught']);
  });

  test('When Groningen uploads December 2020 with Appingedam, Delfzijl and Loppersum, then it is whole; Eemsdelta is refused for then, saying from when it exists', async () => {
    const names2020 = await gemeentenOf(2020, 'AM01');
    const with2021Name = names2020.filter((n) => !['Appingedam', 'Delfzijl', 'Loppersum'].includes(n)).concat('Eemsdelta');

    await post(uploadOf('2020-12', 'Groningen', names2020)).expect(201);
    const refused = await post(uploadOf('2020-12', 'Groningen', with2021Name)).expect(400);

    expect(refused.body.errors).toContainEqual(expect.objectContaining({ field: `gemeenten[${with2021Name.length - 1}].gemeente`, found: 'Eemsdelta' }));
    const detail = refused.body.errors.find((e: { found?: string }) => e.found === 'Eemsdelta').detail;
    expect(detail).toContain('Eemsdelta (GM1979) exists from 2021-01-01');
  });

  test('When an upload of 2021 names Appingedam, then the problem says it merged into Eemsdelta and when', async () => {
    const names2021 = await gemeentenOf(2021, 'AM01');
    await post(uploadOf('2021-03', 'AM01', names2021)).expect(201);

    const refused = await post(uploadOf('2021-03', 'AM01', [...names2021.filter((n) => n !== 'Eemsdelta'), 'Appingedam'])).expect(400);

    const problem = refused.body.errors.find((e: { found?: string }) => e.found === 'Appingedam');
    expect(problem.detail).toContain('merged into Eemsdelta (GM1979) on 2021-01-01');
  });

  test('When Gooi en Vechtstreek uploads 2022 on both sides of 24 March, then Weesp belongs before and is refused after, and each is whole', async () => {
    const names2022 = await gemeentenOf(2022, 'AM12');
    expect(names2022).toContain('Weesp');

    await post(uploadOf('2022-02', 'Gooi en Vechtstreek', names2022)).expect(201);
    const after = await post(uploadOf('2022-03', 'Gooi en Vechtstreek', names2022)).expect(400);
    await post(uploadOf('2022-03', 'Gooi en Vechtstreek', names2022.filter((n) => n !== 'Weesp'))).expect(201);

    expect(after.body.errors.find((e: { found?: string }) => e.found === 'Weesp').detail).toContain('merged into Amsterdam (GM0363) on 2022-03-24');
    const february = (await get('/v1/regions/AM12/gemeenten?period=2022-02').expect(200)).body;
    const march = (await get('/v1/regions/AM12/gemeenten?period=2022-03').expect(200)).body;
    expect(february.missing).toEqual([]);
    expect(march.missing).toEqual([]);
  });

  test('When AM99 uploads Vijfheerenlanden for 2020, then it is stored under the region of then; in 2021 AM99 is no region', async () => {
    await post(uploadOf('2020-06', 'AM99', ['Vijfheerenlanden'])).expect(201);
    const refused = await post(uploadOf('2021-06', 'AM99', ['Vijfheerenlanden'])).expect(400);

    expect(refused.body.errors).toContainEqual(expect.objectContaining({ field: 'region', found: 'AM99' }));
    const totals = (await get('/v1/regions/AM99/totals?period=2020-06').expect(200)).body;
    expect(totals.region).toEqual({ code: 'AM99', name: 'Niet in te delen' });
    expect(totals.total).toBe(40);
  });

  test('When a period of a year without a classification is uploaded, then it is a 400 naming the years loaded and how to load one', async () => {
    const refused = await post(uploadOf('2018-12', 'Twente', ['Almelo'])).expect(400);

    expect(refused.body.errors).toEqual([expect.objectContaining({ field: 'period' })]);
    expect(refused.body.errors[0].detail).toContain('2019–2026');
    expect(refused.body.errors[0].detail).toContain('npm run classification');
  });

  test('When AM06 is read for a period of 2023 and of 2024, then each carries the name of its year', async () => {
    const names2023 = await gemeentenOf(2023, 'AM06');
    await post(uploadOf('2023-12', 'Stedendriehoek en Noordwest Veluwe', names2023)).expect(201);
    await post(uploadOf('2024-12', 'Veluwe Stedendriehoek', names2023)).expect(201);

    expect((await get('/v1/regions/AM06/totals?period=2023-12').expect(200)).body.region.name).toBe('Stedendriehoek en Noordwest Veluwe');
    expect((await get('/v1/regions/AM06/totals?period=2024-12').expect(200)).body.region.name).toBe('Veluwe Stedendriehoek');
  });
});
