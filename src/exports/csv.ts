/**
 * RFC 4180 CSV of any read: one record per row, nested objects flattened to dotted column names
 * (`gemeenteClients.withProfile`), the same names as the JSON. Written in chunks, so that a large answer
 * is sent while it is written and never held as one string.
 */

export type Delimiter = 'comma' | 'semicolon';

export interface CsvOptions {
  /** `semicolon` writes what Dutch Excel opens directly: `;` between cells, a UTF-8 BOM, decimal commas. */
  delimiter: Delimiter;
}

export type Cell = string | number | boolean | null | undefined;
export type FlatRecord = Record<string, Cell>;

/** `{ region: { code } }` as `{ 'region.code': … }`; arrays are not cells and are left out. */
export function flatten(value: object, prefix = '', into: FlatRecord = {}): FlatRecord {
  for (const [key, v] of Object.entries(value)) {
    const name = prefix + key;
    if (v !== null && typeof v === 'object') {
      if (!Array.isArray(v)) flatten(v, `${name}.`, into);
    } else {
      into[name] = v as Cell;
    }
  }
  return into;
}

/** RFC 4180 quotes a cell with the separator, a quote or a line end; spaces at either end are quoted too, so no reader trims them. */
const NEEDS_QUOTES = { comma: /[",\r\n]|^\s|\s$/, semicolon: /[";\r\n]|^\s|\s$/ };

export function csvCell(value: Cell, options: CsvOptions): string {
  if (value === null || value === undefined) return '';
  let text = String(value);
  if (typeof value === 'number' && options.delimiter === 'semicolon') text = text.replace('.', ',');
  // A cell Excel would take for a formula is written as text.
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return NEEDS_QUOTES[options.delimiter].test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const BOM = '\uFEFF';
const CHUNK = 64 * 1024;

/** Lines of text in chunks of about 64 KiB, so that a large answer is sent while it is written. */
export function* chunked(lines: Iterable<string>, first = ''): Generator<string> {
  let chunk = first;
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** The records of a CSV file (CRLF, as RFC 4180 writes them): `head` rows first, then `rows`. */
export function* csvLines(head: Iterable<readonly Cell[]>, rows: Iterable<readonly Cell[]>, options: CsvOptions): Generator<string> {
  const separator = options.delimiter === 'semicolon' ? ';' : ',';
  const line = (row: readonly Cell[]) => {
    let text = '';
    for (let i = 0; i < row.length; i++) text += (i ? separator : '') + csvCell(row[i], options);
    return `${text}\r\n`;
  };
  for (const row of head) yield line(row);
  for (const row of rows) yield line(row);
}

/** A CSV file with one header row of `columns`, in chunks; semicolon CSV starts with a byte order mark. */
export const csvChunks = (columns: readonly string[], rows: Iterable<readonly Cell[]>, options: CsvOptions): Generator<string> =>
  chunked(csvLines([columns], rows, options), options.delimiter === 'semicolon' ? BOM : '');

function valueAt(value: object, path: readonly string[]): Cell {
  let at: unknown = value;
  for (const key of path) at = at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined;
  return at as Cell;
}

/** Columns and the cells of each row, in the columns' order. */
export interface CsvTable {
  columns: string[];
  rows: Iterable<readonly Cell[]>;
  count: number;
}

/**
 * Rows of a read as CSV rows: `context` (the fields around the list, such as region and period) repeated on
 * every row, then the rows' own fields. Every row has every column (empty where it has no value); each row's
 * cells are read by path.
 */
export function csvTableOf(context: object, rows: readonly object[]): CsvTable {
  const head = flatten(context);
  const headCells = Object.values(head);
  // The union of every row's fields, in the order first seen: a first point's `change` may be null.
  const seen = new Set<string>();
  for (const row of rows) for (const c of Object.keys(flatten(row))) if (!(c in head)) seen.add(c);
  // A null object (a first point's `change`) is no column where other rows have its fields.
  const own = [...seen].filter((c) => ![...seen].some((other) => other.startsWith(`${c}.`)));
  const paths = own.map((c) => c.split('.'));
  function* cells(): Generator<readonly Cell[]> {
    for (const row of rows) yield [...headCells, ...paths.map((path) => valueAt(row, path))];
  }
  return { columns: [...Object.keys(head), ...own], rows: cells(), count: rows.length };
}
