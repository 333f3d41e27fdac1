import { CsvError, parse } from 'csv-parse';
import { pipeline, type Readable } from 'node:stream';
import { TableRow, UnreadableTable } from './table-row';

export type Delimiter = '\t' | ';' | ',';

const DELIMITERS: readonly Delimiter[] = ['\t', ';', ','];
/** No row of the publication comes near this; a longer one is a wrong file or a missing closing quote. */
const MAX_ROW_BYTES = 64 * 1024;

/**
 * The delimiter the first line uses most. Dutch spreadsheets export CSV with semicolons, because the comma
 * is their decimal separator; a pasted table has tabs. `fallback` serves a table of one column.
 */
export function detectDelimiter(firstLine: string, fallback: Delimiter): Delimiter {
  let best = fallback;
  let bestCount = 0;
  for (const delimiter of DELIMITERS) {
    const count = firstLine.split(delimiter).length - 1;
    if (count > bestCount) {
      best = delimiter;
      bestCount = count;
    }
  }
  return best;
}

/** The first line with any text in it, once enough of the stream has arrived to hold it whole. */
function firstLine(head: string, complete: boolean): string | undefined {
  for (const match of head.matchAll(/([^\r\n]*)(\r\n|\r|\n)/g)) {
    if (match[1].trim() !== '') return match[1].replace(/^\uFEFF/, '');
  }
  return complete ? head.replace(/^\uFEFF/, '') : undefined;
}

const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'opens a quoted cell (") that is never closed, so the rest of the file cannot be read',
  CSV_MAX_RECORD_SIZE: `is longer than ${MAX_ROW_BYTES / 1024} KB, far longer than any row of the publication; is this the right file?`,
  CSV_INVALID_CLOSING_QUOTE: 'has text right after the quote (") that closes a cell, so the rest of the file cannot be read',
};

/**
 * The rows of a tab-, semicolon- or comma-separated table, read as they arrive: csv-parse does the quoting,
 * an optional UTF-8 byte order mark and CRLF or LF line ends; empty lines are rows too, as in a spreadsheet.
 * Errors of `input` come out as they are; text that cannot be read as a table is an UnreadableTable.
 */
export async function* textRows(input: Readable, fallback: Delimiter): AsyncGenerator<TableRow> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  let line: string | undefined;
  while (line === undefined) {
    const next = await chunks.next();
    ended = next.done === true;
    if (!ended) {
      head.push(next.value);
      headBytes += next.value.length;
    }
    line = firstLine(Buffer.concat(head).toString('utf8'), ended || headBytes >= MAX_ROW_BYTES);
  }

  const parser = parse({
    delimiter: detectDelimiter(line, fallback),
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: MAX_ROW_BYTES,
  });
  async function* body(): AsyncGenerator<Buffer> {
    yield* head;
    if (ended) return;
    for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) yield next.value;
  }
  // pipeline passes an error of the input on to the parser, which throws it to the loop below.
  pipeline(body, parser, () => undefined);

  const row: { number: number; cells: string[] } = { number: 0, cells: [] };
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      row.number++;
      row.cells = record;
      yield row;
    }
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    // The parser's own count of the rows it read: rows still buffered when it failed are never yielded
    // (a slow consumer, such as staging on a remote database, leaves more of them), so row.number may lag.
    const { records } = error as unknown as { records?: unknown };
    const read = typeof records === 'number' ? records : row.number;
    throw new UnreadableTable({ row: read + 1, detail: CSV_PROBLEMS[error.code] ?? `cannot be read: ${error.message}` });
  }
}
