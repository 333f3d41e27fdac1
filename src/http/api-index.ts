import type { OpenApiLike } from './operations';

/**
 * A link of the API index.
 * @example { "rel": "regions", "href": "/v1/regions", "title": "The 35 arbeidsmarktregio's" }
 */
export interface IndexLink {
  /**
   * What the link leads to.
   * @example "regions"
   */
  rel: string;
  /**
   * Where, as a path on this service.
   * @example "/v1/regions"
   */
  href: string;
  /**
   * What is there, in a few words.
   * @example "The 35 arbeidsmarktregio's"
   */
  title: string;
}

/**
 * Where to start: each collection of the API, the OpenAPI document and Swagger UI.
 * @example { "name": "Sonar transparency service", "version": "1.0.0", "links": [ { "rel": "regions", "href": "/v1/regions", "title": "The 35 arbeidsmarktregio's" }, { "rel": "service-desc", "href": "/v1/openapi.json", "title": "The OpenAPI 3 document of this API" }, { "rel": "service-doc", "href": "/docs/", "title": "Swagger UI: the API to read and try in a browser" } ] }
 */
export interface ApiIndex {
  /**
   * The name of the service.
   * @example "Sonar transparency service"
   */
  name: string;
  /**
   * The version of the API, as the API-Version header gives it.
   * @example "1.0.0"
   */
  version: string;
  /** The links, collections first, then the OpenAPI document and Swagger UI. */
  links: IndexLink[];
}

interface Operation { summary?: string; security?: unknown[] }

/**
 * The index, derived once from the document: every path without a parameter that anyone can read (no key)
 * is a collection, so collections others add are listed without a line here.
 */
export function apiIndex(document: OpenApiLike & { info: { title: string; version: string } }, basePath: string): ApiIndex {
  const collections = Object.entries(document.paths)
    .filter(([path, item]) => path !== '/' && !path.includes('{') && item.get !== undefined && ((item.get as Operation).security ?? []).length === 0)
    .map(([path, item]) => ({ rel: path.slice(1), href: basePath + path, title: (item.get as Operation).summary ?? path.slice(1) }));
  return {
    name: document.info.title,
    version: document.info.version,
    links: [
      ...collections,
      { rel: 'service-desc', href: `${basePath}/openapi.json`, title: 'The OpenAPI 3 document of this API' },
      { rel: 'service-doc', href: '/docs/', title: 'Swagger UI: the API to read and try in a browser' },
    ],
  };
}
