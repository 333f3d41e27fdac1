/**
 * The route a request path falls under, as the OpenAPI document writes it (`/v1/regions/{region}`),
 * so that metrics have one series per route rather than one per URL.
 */
export function routeLabeler(basePath: string, paths: readonly string[], fixed: readonly string[]): (path: string) => string {
  const templates = paths.map((template) => ({
    label: basePath + template,
    pattern: new RegExp(`^${basePath}${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));
  const exact = new Set(fixed);
  return (path) => {
    if (exact.has(path)) return path;
    if (path.startsWith('/docs')) return '/docs';
    return templates.find((t) => t.pattern.test(path))?.label ?? 'unmatched';
  };
}
