/** RFC 8288 `Link` to the first, previous, next and last page of a list, keeping the other query parameters. */
export function pageLinks(path: string, query: Record<string, unknown>, limit: number, offset: number, total: number): string {
  const kept = Object.entries(query).filter(([name, value]) => name !== 'limit' && name !== 'offset' && typeof value === 'string') as Array<[string, string]>;
  const at = (start: number) => {
    const params = new URLSearchParams([...kept, ['limit', String(limit)], ['offset', String(start)]]);
    return `<${path}?${params.toString()}>`;
  };
  const last = total === 0 ? 0 : Math.floor((total - 1) / limit) * limit;
  const links = [`${at(0)}; rel="first"`];
  if (offset > 0) links.push(`${at(Math.max(0, Math.min(offset - limit, last)))}; rel="prev"`);
  if (offset + limit < total) links.push(`${at(offset + limit)}; rel="next"`);
  links.push(`${at(last)}; rel="last"`);
  return links.join(', ');
}
