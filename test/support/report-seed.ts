import { TSV, twenteTsv } from '../tables/publication-files';
import { buildUpload, twenteUpload } from './factories';
import { TestApp, WRITER_KEY } from './test-app';

/**
 * Figures for the report's pages: Twente in five periods (June 2025 to the published June 2026) and seven
 * other regions in June 2026 only, so that the chart, the ranking and the map show what they are for and
 * 27 regions have no figures.
 */
export async function seedReport(t: TestApp): Promise<void> {
  const post = (body: object) => t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(body).expect(201);
  const history: Array<[string, number, number]> = [['2025-06', 0.58, 0.31], ['2025-09', 0.63, 0.35], ['2025-12', 0.68, 0.39], ['2026-03', 0.72, 0.42]];
  for (const [period, coverage, share] of history) {
    const upload = twenteUpload();
    const scale = (coverage * 10371) / 7898;
    upload.period = period;
    upload.gemeenten = upload.gemeenten.map((g) => {
      const uw = Math.round(g.uwvClients.withProfile * scale * (share / 0.4449));
      const gwo = Math.round(g.gemeenteClients.withoutProfile * scale);
      return { gemeente: g.gemeente, gemeenteClients: { withProfile: g.gemeenteClients.withProfile, withoutProfile: gwo }, uwvClients: { withProfile: uw, withoutProfile: Math.round(g.uwvClients.withoutProfile * scale) } };
    });
    await post(upload);
  }
  await t.http().post('/v1/uploads?period=2026-06&registerTotal=10371').set('X-API-Key', WRITER_KEY).set('Content-Type', TSV).send(twenteTsv()).expect(201);
  const others = t.service.reference.regions.filter((r) => r.code !== 'AM05').slice(0, 7);
  for (const [i, region] of others.entries()) {
    const gemeenten = region.gemeenten.map((g, j) => ({
      gemeente: g.name,
      gemeenteClients: { withProfile: (i + j) % 4, withoutProfile: 40 + 13 * j + 7 * i },
      uwvClients: { withProfile: 120 + 17 * j + 11 * i, withoutProfile: 150 + 9 * j },
    }));
    const total = gemeenten.reduce((s, g) => s + g.gemeenteClients.withProfile + g.gemeenteClients.withoutProfile + g.uwvClients.withProfile + g.uwvClients.withoutProfile, 0);
    await post(buildUpload({ region: region.code, registerTotal: Math.round(total / (0.55 + 0.05 * i)), gemeenten }));
  }
}

/**
 * Gorinchem (AM35) in June 2020 and June 2021, each with the gemeenten of its year: Vijfheerenlanden joined
 * it on 1 January 2021, so a herindeling falls inside its series.
 */
export async function seedHerindeling(t: TestApp): Promise<Array<{ period: string; total: number }>> {
  const seeded = [];
  for (const [period, year, seed] of [['2020-06', 2020, 20], ['2021-06', 2021, 30]] as const) {
    const gemeenten = t.service.classifications.year(year).region('AM35').gemeenten.map((g, j) => ({
      gemeente: g.name, gemeenteClients: { withProfile: j % 3, withoutProfile: seed + j }, uwvClients: { withProfile: 2 * seed + j, withoutProfile: seed },
    }));
    const total = gemeenten.reduce((s, g) => s + g.gemeenteClients.withProfile + g.gemeenteClients.withoutProfile + g.uwvClients.withProfile + g.uwvClients.withoutProfile, 0);
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send({ period, region: 'AM35', registerTotal: Math.round(total / 0.6), gemeenten }).expect(201);
    seeded.push({ period, total });
  }
  return seeded;
}
