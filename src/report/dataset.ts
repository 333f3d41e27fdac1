import type { CatalogueSettings } from '../domain/catalogue';

/** What a report page shows, for its schema.org description. */
export interface PageDataset {
  name: string;
  description: string;
  /** The page's path, e.g. /rapport/AM05?period=2026-06. */
  path: string;
  /** The periods with figures, oldest first. */
  periods: string[];
  place: string;
  /** The page's downloads: label and path. */
  downloads: Array<[string, string]>;
}

const ENCODING: Record<string, string> = { csv: 'text/csv', tsv: 'text/tab-separated-values', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };

/**
 * schema.org `Dataset` JSON-LD of a report page, which search engines read: the figures it shows, their
 * periods and place, the licence, and each download as a `DataDownload`; the DCAT catalogue is linked.
 */
export function schemaDataset(settings: CatalogueSettings, page: PageDataset): object {
  const base = settings.baseUrl;
  return {
    '@context': 'https://schema.org',
    '@type': 'Dataset',
    name: page.name,
    description: page.description,
    url: `${base}${page.path}`,
    inLanguage: 'nl',
    isAccessibleForFree: true,
    license: settings.licence,
    creator: { '@type': 'Organization', name: settings.publisher.name, ...(settings.publisher.iri ? { sameAs: settings.publisher.iri } : {}) },
    publisher: { '@type': 'Organization', name: settings.publisher.name },
    ...(page.periods.length > 0 ? { temporalCoverage: `${page.periods[0]}/${page.periods[page.periods.length - 1]}` } : {}),
    spatialCoverage: { '@type': 'Place', name: page.place },
    includedInDataCatalog: { '@type': 'DataCatalog', url: `${base}/v1/catalog` },
    distribution: page.downloads.map(([label, href]) => ({
      '@type': 'DataDownload',
      name: label,
      encodingFormat: ENCODING[/format=(\w+)/.exec(href)?.[1] ?? ''] ?? 'text/csv',
      contentUrl: `${base}${href}`,
    })),
  };
}
