/**
 * A CSV row parsed by csv-parse as the JSON it came from: dotted columns nested again, numbers as numbers
 * (periods stay text), empty cells as null. So a CSV answer can be compared with its JSON answer.
 */
export function unflatten(record: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(record)) {
    const path = column.split('.');
    let at = out;
    for (const key of path.slice(0, -1)) at = (at[key] ??= {}) as Record<string, unknown>;
    at[path[path.length - 1]] = cell === '' ? null : /^-?[0-9]+(\.[0-9]+)?$/.test(cell) && !/(^p|P)eriod$/.test(column) ? Number(cell) : cell;
  }
  return out;
}
