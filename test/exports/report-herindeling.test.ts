import { seedHerindeling } from '../support/report-seed';
import { twenteUpload } from '../support/factories';
import { appUnderTest, WRITER_KEY } from '../support/test-app';

/** The chart's own SVG in a report page. */
const chartOf = (page: string): string => page.slice(page.indexOf('<svg class="chart"'), page.indexOf('</svg>', page.indexOf('<svg class="chart"')));

/** Gorinchem's report, whose series holds Vijfheerenlanden's joining on 1 January 2021. */
describe('The report of a region whose gemeenten changed by a herindeling', () => {
  const app = appUnderTest('all');
  beforeAll(async () => {
    await seedHerindeling(app());
  });

  test('When Gorinchem\'s report is opened, then a dotted line in the chart marks the herindeling between June 2020 and June 2021, told in the chart\'s text and in a line under it', async () => {
    const res = await app().http().get('/rapport/AM35').expect(200);

    const lines = res.text.match(/<line class="herindeling" x1="([\d.]+)" x2="([\d.]+)"/g) ?? [];
    expect(lines).toHaveLength(1);
    const x = Number(/x1="([\d.]+)"/.exec(lines[0] as string)?.[1]);
    const points = [...chartOf(res.text).matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(points).toHaveLength(2);
    expect(x).toBeCloseTo((points[0] + points[1]) / 2, 0);
    expect(res.text).toContain('Herindeling tussen juni 2020 en juni 2021 (verticale stippellijn): de regio had daarna andere gemeenten.</desc>');
    expect(res.text).toMatch(/<span class="herindeling"><svg class="sample"[^>]*aria-hidden="true"[^>]*>.*?<\/svg> Herindeling tussen juni 2020 en juni 2021: <span lang="en">gemeenten since 2020-06: Vijfheerenlanden \(GM1961\)<\/span>\.<\/span>/);
    expect(res.text).toContain('Herindeling (verticale stippellijn)</span>');
  });

  test('When a region\'s series has no herindeling inside it, then its report draws no such line and says nothing of one', async () => {
    for (const period of ['2026-03', '2026-06']) await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send({ ...twenteUpload(), period }).expect(201);

    const twente = await app().http().get('/rapport/AM05').expect(200);

    expect([...chartOf(twente.text).matchAll(/<circle cx=/g)]).toHaveLength(2);
    expect(twente.text).not.toContain('class="herindeling"');
    expect(twente.text).not.toContain('Herindeling');
  });
});
