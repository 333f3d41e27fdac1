/**
 * GET /v1/catalog: the DCAT-AP-NL 3.0 description of the open data, as JSON-LD and as Turtle. The JSON-LD is
 * read as RDF by the jsonld library and validated against the profile's SHACL shapes
 * (test/fixtures/dcat-ap-nl-3.0, copied unchanged from the standard) with rdf-validate-shacl; the Turtle is
 * read by n3 and must hold the same graph.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import jsonld from 'jsonld';
import { Parser, Quad } from 'n3';
import { FIXTURES, buildRow, buildUpload, twenteUpload } from '../support/factories';
import { appUnderTest, WRITER_KEY } from '../support/test-app';

const SHAPES = path.join(FIXTURES, 'dcat-ap-nl-3.0');
const BASE = 'https://sonar.example.nl';
const EU = 'http://publications.europa.eu/resource/authority';

interface Finding {
  severity: string;
  shape: string;
  focus: string;
  path: string | null;
  message: string;
}

/** The JSON-LD as N-Quads, read by the jsonld library, which may load no context from anywhere. */
async function jsonLdQuads(document: object): Promise<string> {
  const documentLoader = (url: string) => Promise.reject(new Error(`the catalogue must need no remote context, asked for ${url}`));
  return (await jsonld.toRDF(document as jsonld.JsonLdDocument, { format: 'application/n-quads', documentLoader } as jsonld.Options.ToRdf)) as unknown as string;
}

function validate(nquads: string, shapes: string[]): Finding[] {
  const out = execFileSync(process.execPath, [path.join(__dirname, '..', 'support', 'shacl-validate.mjs'), ...shapes.map((s) => path.join(SHAPES, s))], { input: nquads, encoding: 'utf8' });
  return JSON.parse(out) as Finding[];
}

/** A graph as its sorted N-Triples lines, to compare two graphs without blank nodes. */
function lines(quads: Quad[]): string[] {
  const term = (t: Quad['object']) => (t.termType === 'NamedNode' ? `<${t.value}>` : t.termType === 'Literal' ? `${JSON.stringify(t.value)}${t.language ? `@${t.language}` : `^^<${t.datatype.value}>`}` : `_:${t.value}`);
  return [...new Set(quads.map((q) => `${term(q.subject as Quad['object'])} ${term(q.predicate as Quad['object'])} ${term(q.object)} .`))].sort();
}

describe('The DCAT-AP-NL catalogue', () => {
  const app = appUnderTest('all', { PUBLIC_BASE_URL: `${BASE}/`, CATALOG_CONTACT_EMAIL: 'data@sonar.example.nl' });
  beforeAll(async () => {
    const earlier = twenteUpload();
    earlier.period = '2026-03';
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(earlier).expect(201);
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twenteUpload()).expect(201);
    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY)
      .send(buildUpload({ region: 'Groot Amsterdam', registerTotal: 5000, gemeenten: [buildRow({ gemeente: 'Amsterdam' })], partial: true })).expect(201);
  });

  test('When the catalogue is read as JSON-LD, then as RDF it has 0 violations of the DCAT-AP-NL 3.0 shapes (dcat-ap-nl-SHACL.ttl)', async () => {
    const res = await app().http().get('/v1/catalog').expect(200);

    const findings = validate(await jsonLdQuads(res.body), ['dcat-ap-nl-SHACL.ttl']);

    expect(res.headers['content-type']).toBe('application/ld+json; charset=utf-8');
    expect(findings.filter((f) => f.severity === 'Violation')).toEqual([]);
  });

  test('When the catalogue is checked against the recommended and class-range shapes too, then what they find is what the README lists', async () => {
    const res = await app().http().get('/v1/catalog').expect(200);

    const findings = validate(await jsonLdQuads(res.body), ['dcat-ap-nl-SHACL-aanbevolen.ttl', 'dcat-ap-nl-SHACL-klassebereik.ttl', 'dcat-ap-nl-SHACL-klassebereik-codelijsten.ttl']);

    const summary = [...new Set(findings.map((f) => `${f.severity} ${f.shape.replace(/^.*[#/]/, '')}`))].sort();
    expect(summary).toEqual(['Warning DatasetShape_conformsTo_aanbevolen_minCount', 'Warning DistributionShape_linkedSchemas_aanbevolen_minCount']);
  });

  test('When the dataset is stripped of its contact point, then the validator finds exactly that violation (so that 0 means something)', async () => {
    const res = await app().http().get('/v1/catalog').expect(200);
    const dataset = (res.body['@graph'] as Array<Record<string, unknown>>).find((n) => n['@id'] === `${BASE}/v1/catalog#transparantie-van-klantprofielen`) as Record<string, unknown>;
    delete dataset['dcat:contactPoint'];

    const findings = validate(await jsonLdQuads(res.body), ['dcat-ap-nl-SHACL.ttl']);

    expect(findings.map((f) => [f.severity, f.focus, f.path])).toEqual([['Violation', dataset['@id'], 'http://www.w3.org/ns/dcat#contactPoint']]);
  });

  test('When the catalogue is asked for as Turtle, then it holds exactly the graph of the JSON-LD', async () => {
    const json = await app().http().get('/v1/catalog').expect(200);
    const ttl = await app().http().get('/v1/catalog').set('Accept', 'text/turtle').expect(200);

    const fromTurtle = lines(new Parser({ format: 'text/turtle' }).parse(ttl.text));
    const fromJsonLd = lines(new Parser({ format: 'application/n-quads' }).parse(await jsonLdQuads(json.body)));

    expect(ttl.headers['content-type']).toBe('text/turtle; charset=utf-8');
    expect(fromTurtle.length).toBeGreaterThan(100);
    expect(fromTurtle).toEqual(fromJsonLd);
  });

  test('When the catalogue is read, then the dataset has its Dutch and English title, the periods held as temporal coverage, and one distribution per download of the national table and each region with figures, each of which answers', async () => {
    const res = await app().http().get('/v1/catalog').expect(200);
    const graph = res.body['@graph'] as Array<Record<string, unknown>>;
    const node = (id: string) => graph.find((n) => n['@id'] === id) as Record<string, any>;

    const dataset = node(`${BASE}/v1/catalog#transparantie-van-klantprofielen`);
    const period = node(`${BASE}/v1/catalog#perioden`);
    const distributions = graph.filter((n) => (n['@type'] as string[]).includes('dcat:Distribution')) as Array<Record<string, any>>;
    const api = node(`${BASE}/v1/catalog#api`);
    const contact = node(`${BASE}/v1/catalog#contact`);

    expect(dataset['dct:title']).toEqual([{ '@value': 'Transparantie van klantprofielen', '@language': 'nl' }, { '@value': 'Transparency of client profiles', '@language': 'en' }]);
    expect(dataset['dct:accrualPeriodicity']).toEqual({ '@id': `${EU}/frequency/QUARTERLY` });
    expect(dataset['dct:accessRights']).toEqual({ '@id': `${EU}/access-right/PUBLIC` });
    expect(period['dcat:startDate']).toEqual({ '@value': '2026-03', '@type': 'xsd:gYearMonth' });
    expect(period['dcat:endDate']).toEqual({ '@value': '2026-06', '@type': 'xsd:gYearMonth' });
    expect(distributions).toHaveLength(4 * 3); // the national table, Twente and Groot Amsterdam
    expect(dataset['dcat:distribution']).toHaveLength(12);
    expect(api['dcat:endpointDescription']).toEqual({ '@id': `${BASE}/v1/openapi.json` });
    expect(contact['vcard:hasEmail']).toEqual({ '@id': 'mailto:data@sonar.example.nl' });
    for (const d of distributions) {
      const url = (d['dcat:downloadURL'] as { '@id': string })['@id'];
      expect(d['dct:license']).toEqual({ '@id': `${EU}/licence/CC0` });
      const download = await app().http().get(url.slice(BASE.length)).buffer(true).expect(200);
      expect(download.headers['content-type'].split(';')[0]).toBe(/\/media-types\/(.+)$/.exec(d['dcat:mediaType']['@id'])?.[1]);
    }
  });
});
