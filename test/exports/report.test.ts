import { createHash } from 'node:crypto';
import { appUnderTest, WRITER_KEY } from '../support/test-app';
import { buildRow, buildUpload, twenteUpload } from '../support/factories';
import { TSV, twenteTsv } from '../tables/publication-files';

describe('The report in Dutch', () => {
  const app = appUnderTest('all');
  beforeAll(async () => {
    const earlier = twenteUpload();
    earlier.period = '2026-03';
    earlier.registerTotal = 10200;
    earlier.gemeenten[0] = buildRow({ gemeente: 'Almelo', uwvClients: { withProfile: 400, withoutProfile: 502 }, total: 1127 });
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(earlier).expect(201);
    await app().http().post('/v1/uploads?period=2026-06&registerTotal=10371').set('X-API-Key', WRITER_KEY).set('Content-Type', TSV).send(twenteTsv()).expect(201);
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY)
      .send(buildUpload({ region: 'Groot Amsterdam', registerTotal: 5000, gemeenten: [buildRow({ gemeente: 'Amsterdam' })] })).expect(201);
  });

  test('When the Twente report is opened, then it shows the publication\'s table with 7.898 and both sentences regenerated from the data', async () => {
    const res = await app().http().get('/rapport/Twente?period=2026-06').expect(200);

    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toMatch(/^<!DOCTYPE html>\n<html lang="nl">/);
    expect(res.text).toContain('<caption id="cap-region">28 Twente, juni 2026</caption>');
    expect(res.text).toContain('<th scope="row">TOTAAL AMR</th><td class="n">38</td><td class="n">1.216</td><td class="n">3.476</td><td class="n">3.168</td><td class="n">7.898</td>');
    expect(res.text).toContain('<p>In de arbeidsmarktregio Twente bevat het doelgroepregister banenafspraken in totaal 10.371 personen.</p><p>Hiermee is 76% van de doelgroepen bekend binnen Sonar.</p>');
    expect(res.text).toContain('<th scope="row">Hengelo</th>');
  });

  test('When the Twente report is opened, then its chart has a text alternative over both periods and the changes since March are listed', async () => {
    const res = await app().http().get('/rapport/AM05').expect(200);

    expect(res.text).toMatch(/<svg class="chart" role="img" aria-labelledby="chart-title chart-desc"/);
    expect(res.text).toContain('2 perioden, van maart 2026 tot juni 2026. Bekend binnen Sonar: van 77% naar 76%.');
    expect(res.text).toContain('Veranderingen sinds maart 2026');
    expect(res.text).toContain('<th scope="row">Totaal doelgroep banenafspraken in Sonar</th><td class="n">7.898</td><td class="n">7.807</td><td class="n up">+91</td>');
    expect(res.text).toContain('href="/v1/regions/AM05/table?period=2026-06&amp;format=xlsx"');
    expect(res.text).toContain('href="/v1/regions/AM05/table?period=2026-06&amp;format=tsv"');
    expect(res.text).toContain('href="/v1/regions/AM05/table?period=2026-06&amp;format=csv"');
  });

  test('When the overview is opened, then the regions are ranked by coverage with a bar each, and the page loads nothing under a strict CSP', async () => {
    const res = await app().http().get('/rapport?period=2026-06').expect(200);

    const ranking = res.text.slice(res.text.indexOf('id="ranking"'), res.text.indexOf('id="table"'));
    expect(ranking.indexOf('Twente')).toBeLessThan(ranking.indexOf('Groot Amsterdam'));
    expect(ranking).toContain('<td class="n">76%</td><td><svg class="bar"');
    expect((ranking.match(/<svg class="bar"/g) ?? [])).toHaveLength(2);
    expect(res.text).toContain('<th scope="row">28 Twente</th><td class="n">38</td><td class="n">1.216</td><td class="n">3.476</td><td class="n">3.168</td><td class="n">7.898</td><td class="n">10.371</td><td class="n">76%</td>');
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.text)?.[1] ?? '';
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    // Only data (schema.org JSON-LD) and references inside the page (the map's hatching pattern).
    expect(res.text).not.toMatch(/<script(?! type="application\/ld\+json">)|<link|<img|src=|url\((?!#)|href="https?:/);
  });

  test('When a report page is opened, then it carries a schema.org Dataset in JSON-LD with its periods, place and downloads, linked to the catalogue', async () => {
    const res = await app().http().get('/rapport/Twente?period=2026-06').expect(200);

    const blocks = [...res.text.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)].map((m) => JSON.parse(m[1]));

    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toMatchObject({
      '@context': 'https://schema.org',
      '@type': 'Dataset',
      name: 'Transparantie van klantprofielen: Twente, juni 2026',
      temporalCoverage: '2026-03/2026-06',
      spatialCoverage: { '@type': 'Place', name: 'Arbeidsmarktregio Twente' },
      includedInDataCatalog: { '@type': 'DataCatalog', url: 'http://localhost:3000/v1/catalog' },
      license: 'http://publications.europa.eu/resource/authority/licence/CC0',
    });
    expect(blocks[0].distribution).toContainEqual({ '@type': 'DataDownload', name: 'Tabel als Excel (xlsx)', encodingFormat: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', contentUrl: 'http://localhost:3000/v1/regions/AM05/table?period=2026-06&format=xlsx' });
  });

  test('When a report asks for an unknown region or a malformed period, then a Dutch page says so with 404 or 400', async () => {
    const unknown = await app().http().get('/rapport/Atlantis').expect(404);
    const malformed = await app().http().get('/rapport?period=juni').expect(400);

    expect(unknown.headers['content-type']).toMatch(/^text\/html/);
    expect(unknown.text).toContain('<h1>Niet gevonden</h1>');
    expect(malformed.text).toContain('<h1>Ongeldige vraag</h1>');
  });
});
