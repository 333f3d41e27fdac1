import { UseCaseContext } from './use-case';

/** Who publishes the figures and under what terms: from configuration (config.ts), with defaults. */
export interface CatalogueSettings {
  /** e.g. https://sonar.example.nl, without a trailing slash: the base of every IRI. */
  baseUrl: string;
  publisher: { name: string; iri?: string };
  contact: { name: string; email: string };
  /** An IRI from the EU licence code list. */
  licence: string;
}

/** A value in the catalogue: an IRI, or a literal with its language or datatype. */
export type LinkedValue = { '@id': string } | { '@value': string; '@language'?: string; '@type'?: string };

/**
 * One resource of the catalogue: its IRI, its types and its properties by compact IRI (`dct:title`), each
 * property with one value or several.
 * @example {"@id": "http://localhost:3000/v1/catalog#contact", "@type": ["vcard:Kind"], "vcard:hasEmail": {"@id": "mailto:opendata@example.org"}}
 */
export interface LinkedNode {
  /** The resource's IRI. */
  '@id': string;
  /** Its classes, as compact IRIs (`dcat:Dataset`). */
  '@type': string[];
  [property: string]: string | string[] | LinkedValue | LinkedValue[];
}

/**
 * The prefixes of the compact IRIs, each with the IRI it stands for.
 * @example {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/"}
 */
export interface Prefixes {
  [prefix: string]: string;
}

/**
 * The catalogue as JSON-LD: the prefixes, and every resource once in `@graph` (flattened, no blank nodes),
 * so that the same graph is written as Turtle node by node (exports/linked-data.ts).
 * @example {"@context": {"dcat": "http://www.w3.org/ns/dcat#"}, "@graph": [{"@id": "http://localhost:3000/v1/catalog", "@type": ["dcat:Catalog"]}]}
 */
export interface CatalogueDocument {
  /** The prefixes of the compact IRIs. */
  '@context': Prefixes;
  /** Every resource of the catalogue, once. */
  '@graph': LinkedNode[];
}

export const PREFIXES = {
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  vcard: 'http://www.w3.org/2006/vcard/ns#',
  skos: 'http://www.w3.org/2004/02/skos/core#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
} as const;

/** The EU code lists DCAT-AP-NL takes its values from. */
const EU = 'http://publications.europa.eu/resource/authority';
const iri = (id: string): LinkedValue => ({ '@id': id });
const nl = (text: string): LinkedValue => ({ '@value': text, '@language': 'nl' });
const en = (text: string): LinkedValue => ({ '@value': text, '@language': 'en' });
const typed = (value: string, type: string): LinkedValue => ({ '@value': value, '@type': type });

/** Each download of a table, with its format in the EU file-type list and its IANA media type. */
const DOWNLOADS = [
  { key: 'csv', query: 'format=csv', fileType: 'CSV', media: 'text/csv', nl: 'CSV', en: 'CSV' },
  { key: 'csv-puntkomma', query: 'format=csv&delimiter=semicolon', fileType: 'CSV', media: 'text/csv', nl: 'CSV met puntkomma\'s (voor Excel)', en: 'semicolon CSV (for Excel)' },
  { key: 'tsv', query: 'format=tsv', fileType: 'TSV', media: 'text/tab-separated-values', nl: 'TSV', en: 'TSV' },
  { key: 'xlsx', query: 'format=xlsx', fileType: 'XLSX', media: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', nl: 'Excel (xlsx)', en: 'Excel (xlsx)' },
] as const;

/** The regions that have figures, with their latest period: each has its latest table to download. */
async function regionsWithFigures(ctx: UseCaseContext): Promise<Array<{ code: string; name: string; period: string }>> {
  const latest = await Promise.all(ctx.reference.regions.map(async (r) => ({ code: r.code, name: r.name, period: await ctx.store.latestPeriod(r.code) })));
  return latest.filter((r): r is { code: string; name: string; period: string } => r.period !== undefined);
}

/**
 * The DCAT-AP-NL 3.0 description of what the service publishes: the catalogue, the dataset "Transparantie van
 * klantprofielen" (temporal coverage from the periods held), one distribution per download of the national
 * table and of each region's latest table, and the API as a data service described by its OpenAPI document.
 */
export async function catalogue(ctx: UseCaseContext, settings: CatalogueSettings): Promise<CatalogueDocument> {
  const base = settings.baseUrl;
  const here = `${base}/v1/catalog`;
  const id = {
    catalogue: here,
    dataset: `${here}#transparantie-van-klantprofielen`,
    api: `${here}#api`,
    publisher: settings.publisher.iri ?? `${here}#publisher`,
    contact: `${here}#contact`,
    period: `${here}#perioden`,
  };
  const periods = await ctx.store.periods();
  const regions = await regionsWithFigures(ctx);
  const licence = iri(settings.licence);
  const tables = [
    { key: 'nederland', path: '/v1/table', nl: 'Landelijke tabel (TOTAAL per arbeidsmarktregio), laatste periode', en: 'National table (each region\'s TOTAL), latest period' },
    ...regions.map((r) => ({ key: r.code.toLowerCase(), path: `/v1/regions/${r.code}/table`, nl: `Tabel van ${r.name} (${r.code}), ${r.period}`, en: `Table of ${r.name} (${r.code}), ${r.period}` })),
  ];
  const distributions: LinkedNode[] = tables.flatMap((table) => DOWNLOADS.map((d) => ({
    '@id': `${here}#${table.key}-${d.key}`,
    '@type': ['dcat:Distribution'],
    'dct:title': [nl(`${table.nl}, ${d.nl}`), en(`${table.en}, ${d.en}`)],
    'dcat:accessURL': iri(`${base}${table.path}?${d.query}`),
    'dcat:downloadURL': iri(`${base}${table.path}?${d.query}`),
    'dcat:mediaType': iri(`https://www.iana.org/assignments/media-types/${d.media}`),
    'dct:format': iri(`${EU}/file-type/${d.fileType}`),
    'dct:license': licence,
    'dct:language': iri(`${EU}/language/NLD`),
    'dcat:accessService': iri(id.api),
  })));
  const themes = [`${EU}/data-theme/SOCI`, `${EU}/data-theme/GOVE`];
  const common = {
    'dct:publisher': iri(id.publisher),
    'dct:creator': iri(id.publisher),
    'dcat:contactPoint': iri(id.contact),
    'dct:accessRights': iri(`${EU}/access-right/PUBLIC`),
    'dcat:theme': themes.map(iri),
    'dct:language': [iri(`${EU}/language/NLD`), iri(`${EU}/language/ENG`)],
  };
  const graph: LinkedNode[] = [
    {
      '@id': id.catalogue,
      '@type': ['dcat:Catalog'],
      'dct:title': [nl('Sonar-transparantieservice'), en('Sonar transparency service')],
      'dct:description': [nl('De open data van de Sonar-transparantieservice: de cijfers van Transparantie van klantprofielen.'), en('The open data of the Sonar transparency service: the figures of Transparency of client profiles.')],
      'dct:publisher': iri(id.publisher),
      'dct:creator': iri(id.publisher),
      'dcat:contactPoint': iri(id.contact),
      'foaf:homepage': iri(`${base}/rapport`),
      'dct:language': iri(`${EU}/language/NLD`),
      'dcat:dataset': iri(id.dataset),
      'dcat:service': iri(id.api),
    },
    {
      '@id': id.dataset,
      '@type': ['dcat:Dataset'],
      'dct:identifier': typed(id.dataset, 'xsd:string'),
      'dct:title': [nl('Transparantie van klantprofielen'), en('Transparency of client profiles')],
      'dct:description': [
        nl('Per arbeidsmarktregio en gemeente: hoeveel mensen uit de doelgroep banenafspraken in Sonar staan, als gemeenteklant of UWV-klant, met en zonder klantprofiel, met de omvang van het doelgroepregister en het aandeel dat bekend is binnen Sonar.'),
        en('Per labour market region and municipality: how many people of the job agreement target group are registered in Sonar, as municipal or UWV clients, with and without a client profile, with the size of the target group register and the share known in Sonar.'),
      ],
      ...common,
      'dct:spatial': iri(`${EU}/country/NLD`),
      'dct:accrualPeriodicity': iri(`${EU}/frequency/QUARTERLY`),
      'dcat:keyword': [nl('banenafspraak'), nl('doelgroepregister'), nl('klantprofiel'), nl('arbeidsmarktregio'), nl('Sonar'), en('job agreement'), en('client profile')],
      'dcat:landingPage': iri(`${base}/rapport`),
      'foaf:page': iri(`${base}/rapport`),
      'dcat:distribution': distributions.map((d) => iri(d['@id'])),
      ...(periods.length > 0 ? { 'dct:temporal': iri(id.period) } : {}),
    },
    {
      '@id': id.api,
      '@type': ['dcat:DataService'],
      'dct:identifier': typed(id.api, 'xsd:string'),
      'dct:title': [nl('Sonar-transparantieservice API'), en('Sonar transparency service API')],
      'dct:description': [nl('REST-API met de cijfers per gemeente, regio en land, als JSON, CSV, TSV en Excel.'), en('REST API with the figures per municipality, region and country, as JSON, CSV, TSV and Excel.')],
      ...common,
      'dct:license': licence,
      'dcat:endpointURL': iri(`${base}/v1`),
      'dcat:endpointDescription': iri(`${base}/v1/openapi.json`),
      'dcat:servesDataset': iri(id.dataset),
      'dcat:keyword': [nl('API'), nl('banenafspraak')],
      'dcat:landingPage': iri(`${base}/docs/`),
    },
    {
      '@id': id.publisher,
      '@type': ['foaf:Agent', 'foaf:Organization'],
      'foaf:name': nl(settings.publisher.name),
    },
    {
      '@id': id.contact,
      '@type': ['vcard:Kind', 'vcard:Organization'],
      'vcard:fn': nl(settings.contact.name),
      'vcard:hasEmail': iri(`mailto:${settings.contact.email}`),
    },
    ...(periods.length > 0 ? [{
      '@id': id.period,
      '@type': ['dct:PeriodOfTime'],
      'dcat:startDate': typed(periods[0], 'xsd:gYearMonth'),
      'dcat:endDate': typed(periods[periods.length - 1], 'xsd:gYearMonth'),
    }] : []),
    ...[`${base}/rapport`, `${base}/docs/`].map((page) => ({ '@id': page, '@type': ['foaf:Document'] })),
    ...themes.map((theme) => ({ '@id': theme, '@type': ['skos:Concept'] })),
    ...[`${EU}/language/NLD`, `${EU}/language/ENG`].map((language) => ({ '@id': language, '@type': ['dct:LinguisticSystem'] })),
    ...distributions,
  ];
  return { '@context': { ...PREFIXES }, '@graph': graph };
}
