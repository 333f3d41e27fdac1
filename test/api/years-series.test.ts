import { appUnderTest, TestApp, WRITER_KEY } from '../support/test-app';

/** The requests and uploads these tests make, on one app. */
function client(app: () => TestApp) {
  const get = (url: string) => app().http().get(url);
  const post = (body: object) => app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(body);
  const gemeentenOf = async (year: number, region: string): Promise<string[]> =>
    (await get(`/v1/gemeenten?year=${year}`).expect(200)).body.gemeenten.filter((g: { region: { code: string } }) => g.region.code === region).map((g: { name: string }) => g.name);
  /** Uploads the region whole; gemeente i has total 4 * (seed + i). Returns each gemeente's total by name. */
  const upload = async (period: string, region: string, year: number, seed: number): Promise<Map<string, number>> => {
    const names = await gemeentenOf(year, region);
    const n = (i: number) => seed + i;
    await post({
      period, region,
      gemeenten: names.map((gemeente, i) => ({ gemeente, gemeenteClients: { withProfile: n(i), withoutProfile: n(i) }, uwvClients: { withProfile: n(i), withoutProfile: n(i) } })),
    }).expect(201);
    return new Map(names.map((name, i) => [name, 4 * n(i)]));
  };
  return { get, upload };
}

const totals = (series: Array<{ period: string; total: number }>) => series.map((p) => [p.period, p.total]);

/** Series that stay comparable across herindelingen, on the real cases. */
describe('Series across herindelingen: as published with markers, or in one year\'s gemeenten', () => {
  const app = appUnderTest('all');
  const { get, upload } = client(app);

  test('When Groningen has figures of 2020 and 2021, then Eemsdelta with classification=2021 reaches back into 2020 as the sum of Appingedam, Delfzijl and Loppersum', async () => {
    const y2020 = await upload('2020-12', 'AM01', 2020, 10);
    const y2021 = await upload('2021-03', 'AM01', 2021, 50);

    const published = (await get('/v1/gemeenten/Eemsdelta/series').expect(200)).body;
    const comparable = (await get('/v1/gemeenten/Eemsdelta/series?classification=2021').expect(200)).body;

    const three = ['Appingedam', 'Delfzijl', 'Loppersum'].reduce((sum, name) => sum + (y2020.get(name) as number), 0);
    expect(totals(published.series)).toEqual([['2021-03', y2021.get('Eemsdelta')]]);
    expect(comparable.classification).toBe(2021);
    expect(totals(comparable.series)).toEqual([['2020-12', three], ['2021-03', y2021.get('Eemsdelta')]]);
    expect([...comparable.series[0].composedOf].sort()).toEqual(['GM0003', 'GM0010', 'GM0024']);
    expect(comparable.series[1].change.total).toBe((y2021.get('Eemsdelta') as number) - three);
    expect(comparable.notComparable).toEqual([]);
  });

  test('When Noordoost-Brabant has figures of 2020, 2021 and 2022, then Land van Cuijk in 2022 gemeenten sums its five, and Haaren\'s successors are not comparable in 2020, with no number', async () => {
    const y2020 = await upload('2020-12', 'AM27', 2020, 20);
    const y2021 = await upload('2021-12', 'AM27', 2021, 30);
    const y2022 = await upload('2022-06', 'AM27', 2022, 40);

    const cuijk = (await get('/v1/gemeenten/Land%20van%20Cuijk/series?classification=2022').expect(200)).body;
    const vught = (await get('/v1/gemeenten/Vught/series?classification=2021').expect(200)).body;

    const five = ['Boxmeer', 'Cuijk', 'Grave', 'Mill en Sint Hubert', 'Sint Anthonis'];
    expect(five.every((name) => y2021.has(name))).toBe(true);
    const sum = (year: Map<string, number>) => five.reduce((s, name) => s + (year.get(name) as number), 0);
    expect(totals(cuijk.series)).toEqual([['2020-12', sum(y2020)], ['2021-12', sum(y2021)], ['2022-06', y2022.get('Land van Cuijk')]]);
    expect(vught.series.map((p: { period: string }) => p.period)).toEqual(['2021-12', '2022-06']);
    expect(vught.notComparable).toEqual([{ period: '2020-12', reason: expect.stringContaining('Haaren (GM0788) in 2020-12 was split over') }]);
    expect(vught.notComparable[0].reason).toContain('cannot be divided without address counts');
    expect(JSON.stringify(vught.notComparable)).not.toMatch(/total|withProfile/);
  });

  test('When Groot Amsterdam has figures on both sides of 24 March 2022, then Amsterdam\'s published series marks the point where Weesp joined, and Weesp\'s series still answers', async () => {
    await upload('2022-02', 'AM18', 2022, 60);
    await upload('2022-03', 'AM18', 2022, 70);
    await upload('2022-02', 'AM12', 2022, 80);

    const amsterdam = (await get('/v1/gemeenten/Amsterdam/series').expect(200)).body;
    const weesp = (await get('/v1/gemeenten/Weesp/series').expect(200)).body;

    expect(amsterdam.series.map((p: { period: string }) => p.period)).toEqual(['2022-02', '2022-03']);
    expect(amsterdam.series[0].classificationChange).toBeUndefined();
    expect(amsterdam.series[1].classificationChange).toBe('Weesp (GM0457) went into Amsterdam (GM0363) on 2022-03-24');
    expect(weesp.gemeente.code).toBe('GM0457');
    expect(weesp.series.map((p: { period: string }) => p.period)).toEqual(['2022-02']);
  });

  test('When Gorinchem and AM99 have figures of 2020 and Gorinchem of 2021, then Gorinchem with classification=2021 sums Vijfheerenlanden into 2020 without a register, and the published series marks where it joined', async () => {
    const gorinchem2020 = await upload('2020-06', 'AM35', 2020, 90);
    const am99 = await upload('2020-06', 'AM99', 2020, 95);
    const gorinchem2021 = await upload('2021-06', 'AM35', 2021, 100);

    const comparable = (await get('/v1/regions/AM35/series?classification=2021').expect(200)).body;
    const published = (await get('/v1/regions/Gorinchem/series').expect(200)).body;

    const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    expect(comparable.series.map((p: { period: string; total: number; registerTotal: number | null }) => [p.period, p.total, p.registerTotal]))
      .toEqual([['2020-06', sum(gorinchem2020) + sum(am99), null], ['2021-06', sum(gorinchem2021), null]]);
    expect(comparable.series[0].composedOf).toEqual(['AM35', 'AM99']);
    expect(comparable.series[1].composedOf).toBeUndefined();
    expect(totals(published.series)).toEqual([['2020-06', sum(gorinchem2020)], ['2021-06', sum(gorinchem2021)]]);
    expect(published.series[1].classificationChange).toContain('Vijfheerenlanden (GM1961)');
  });

  test('When AM06 has figures of 2023 and 2024, then the published series marks the rename', async () => {
    await upload('2023-12', 'AM06', 2023, 5);
    await upload('2024-12', 'AM06', 2024, 6);

    const series = (await get('/v1/regions/AM06/series').expect(200)).body.series;

    expect(series[1].classificationChange).toBe('renamed from Stedendriehoek en Noordwest Veluwe to Veluwe Stedendriehoek');
    expect(series[0].classificationChange).toBeUndefined();
  });
});

/** AM99 "Niet in te delen" held Vijfheerenlanden in 2019-2020; from 2021 Gorinchem (AM35) does. */
describe('A region that is gone and a gemeente that changed region', () => {
  const app = appUnderTest('all');
  const { get, upload } = client(app);

  test('When AM99 has figures of 2019 and 2020, then its series and periods answer like any region\'s, named as then', async () => {
    const y2019 = await upload('2019-12', 'AM99', 2019, 7);
    const y2020 = await upload('2020-03', 'AM99', 2020, 8);

    const series = (await get('/v1/regions/AM99/series').expect(200)).body;
    const byName = (await get('/v1/regions/Niet%20in%20te%20delen/series').expect(200)).body;
    const periods = (await get('/v1/regions/AM99/periods').expect(200)).body;

    expect(series.region).toEqual({ code: 'AM99', name: 'Niet in te delen' });
    expect(totals(series.series)).toEqual([['2019-12', y2019.get('Vijfheerenlanden')], ['2020-03', y2020.get('Vijfheerenlanden')]]);
    expect(series.series[1].change.total).toBe((y2020.get('Vijfheerenlanden') as number) - (y2019.get('Vijfheerenlanden') as number));
    expect(byName).toEqual(series);
    expect(periods).toEqual({ region: { code: 'AM99', name: 'Niet in te delen' }, periods: ['2019-12', '2020-03'] });
    expect((await get('/v1/regions/AM98/series').expect(404)).body.errors).toEqual([expect.objectContaining({ field: 'region', found: 'AM98' })]);
  });

  test('When Vijfheerenlanden was filed under AM99 in 2020 and under Gorinchem in 2021, then its series and its latest figures hold both, each point saying where it was filed', async () => {
    const y2020 = await upload('2020-06', 'AM99', 2020, 3);
    const y2021 = await upload('2021-06', 'AM35', 2021, 4);

    const series = (await get('/v1/gemeenten/Vijfheerenlanden/series?startPeriod=2020-06&endPeriod=2021-06').expect(200)).body;
    const comparable = (await get('/v1/gemeenten/GM1961/series?classification=2021&startPeriod=2020-06&endPeriod=2021-06').expect(200)).body;
    const detail = (await get('/v1/gemeenten/Vijfheerenlanden').expect(200)).body;

    expect(series.gemeente).toEqual({ code: 'GM1961', name: 'Vijfheerenlanden', region: { code: 'AM35', name: 'Gorinchem' } });
    expect(totals(series.series)).toEqual([['2020-06', y2020.get('Vijfheerenlanden')], ['2021-06', y2021.get('Vijfheerenlanden')]]);
    expect(series.series[0].region).toEqual({ code: 'AM99', name: 'Niet in te delen' });
    expect(series.series[1].region).toBeUndefined();
    expect(totals(comparable.series)).toEqual(totals(series.series));
    expect(detail.latest).toEqual(expect.objectContaining({ period: '2021-06', total: y2021.get('Vijfheerenlanden') }));
  });
});

/** Kept answers of a gemeente read the uploads of every region that held it (stale-only-what-changed.test.ts has the rest). */
describe('A gemeente that changed region, in the kept answers', () => {
  const app = appUnderTest('all');
  const { get, upload } = client(app);

  test('When Vijfheerenlanden\'s series is kept, then an upload to AM99, which held it in 2020, makes it stale at once', async () => {
    await upload('2021-06', 'AM35', 2021, 4);
    const url = '/v1/gemeenten/Vijfheerenlanden/series';
    await get(url).expect(200);
    const kept = await get(url).expect(200);

    await upload('2020-06', 'AM99', 2020, 3);

    const after = await get(url).set('If-None-Match', kept.headers.etag).expect(200);
    expect(after.headers.etag).not.toBe(kept.headers.etag);
    expect(after.body.series.map((p: { period: string }) => p.period)).toEqual(['2020-06', '2021-06']);
  });
});
