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
  const known = new Map<string, string>(); // paths seen, bounded: unknown paths could be endless
  return (path) => {
    const label = known.get(path);
    if (label !== undefined) return label;
    const found = exact.has(path) ? path
      : path.startsWith('/docs') ? '/docs'
        : path.startsWith('/rapport/') ? '/rapport/{region}'
        : templates.find((t) => t.pattern.test(path))?.label ?? 'unmatched';
    if (known.size >= 1000) known.clear();
    known.set(path, found);
    return found;
  };
}
