/**
 * What the OpenAPI document says about each path, resolved once at start-up: its methods and the query
 * parameters of each. Operations others add with tsoa's decorators are covered without a line here.
 */
export interface OpenApiLike {
  paths: Record<string, Record<string, unknown>>;
}

interface Parameter { in?: string; name?: string }

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export interface KnownPath {
  /** e.g. /v1/regions/{region} */
  template: string;
  pattern: RegExp;
  /** As an Allow header lists them: GET comes with HEAD. */
  allowed: string[];
  /** Query parameter names per upper-case method; none known for paths outside the document. */
  query: Map<string, string[]>;
}

const queryNames = (parameters: unknown): string[] =>
  (Array.isArray(parameters) ? parameters as Parameter[] : []).filter((p) => p.in === 'query' && typeof p.name === 'string').map((p) => p.name as string);

export function knownPaths(document: OpenApiLike, basePath: string, extra: Record<string, string[]> = {}): KnownPath[] {
  const fromDocument = Object.entries(document.paths).map(([path, item]) => {
    const methods = Object.keys(item).filter((m) => METHODS.includes(m)).map((m) => m.toUpperCase());
    const shared = queryNames(item.parameters);
    const query = new Map(methods.map((m) => [m, [...shared, ...queryNames((item[m.toLowerCase()] as { parameters?: unknown }).parameters)]]));
    return { template: basePath + (path === '/' ? '' : path), methods, query };
  });
  // Paths outside the document (health checks, the document itself) have methods, but no declared query.
  const fixed = Object.entries(extra).map(([template, methods]) => ({ template, methods, query: new Map<string, string[]>() }));
  return [...fromDocument, ...fixed].map(({ template, methods, query }) => ({
    template,
    // Path parameters match one segment; literal parts are escaped. The index is the document's `/` under the
    // base path: both /v1 and /v1/.
    pattern: new RegExp(`^${template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}${template === basePath ? '/?' : ''}$`),
    allowed: methods.includes('GET') && !methods.includes('HEAD') ? [...methods.slice(0, methods.indexOf('GET') + 1), 'HEAD', ...methods.slice(methods.indexOf('GET') + 1)] : methods,
    query,
  }));
}

/** The known path a request path falls under, if any. */
export function findPath(paths: readonly KnownPath[], path: string): KnownPath | undefined {
  return paths.find((p) => p.pattern.test(path));
}
