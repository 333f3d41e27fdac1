import type { Request } from 'express';
import { Format as Form, RENDERERS } from '../exports/formats';

/**
 * Which form a read is answered in: the query parameters that choose it, and the choice itself. The forms
 * and their renderers are in exports/formats.ts; http/answer.ts writes and keeps what they render.
 */

/**
 * `csv` gives RFC 4180 CSV (UTF-8, a header row, one row per item); JSON when left out, unless Accept asks
 * for text/csv.
 * @example "csv"
 */
export type Format = 'json' | 'csv';

/**
 * With CSV: `semicolon` writes what Dutch Excel opens directly: `;` between cells, a UTF-8 byte order mark
 * and decimal commas (0,7615). `comma` (the default) writes commas and decimal points (0.7615).
 * @example "semicolon"
 */
export type Delimiter = 'comma' | 'semicolon';

/** The values a `format` query parameter may take. */
export type OfferedFormat = Exclude<Form, 'csv-semicolon'>;

/**
 * The form the request asks for among those offered: the `format` query parameter, else Accept, else the
 * first; CSV with `delimiter=semicolon` is the semicolon CSV.
 */
export function chosenFormat(req: Request, offered: readonly OfferedFormat[]): Form {
  let format = offered.find((f) => f === req.query.format);
  if (format === undefined) {
    const accepted = req.accepts(offered.map((f) => RENDERERS[f].mediaType));
    format = offered.find((f) => RENDERERS[f].mediaType === accepted) ?? offered[0];
  }
  return format === 'csv' && req.query.delimiter === 'semicolon' ? 'csv-semicolon' : format;
}

/**
 * The kept answers' key: the URL, and Accept unless the URL's `format` decides (the same URL answers
 * differently for another Accept). Read from the raw URL, so that a request can be looked up before express
 * has parsed it; a URL without "format" skips the parsing.
 */
export function representationKey(url: string, accept: string | undefined): string {
  const query = url.indexOf('?');
  const formatDecides = query >= 0 && url.includes('format', query) && new URLSearchParams(url.slice(query + 1)).has('format');
  return `${formatDecides ? '' : accept ?? ''}\n${url}`;
}
