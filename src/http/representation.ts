import type { Request, Response } from 'express';
import { CsvOptions } from '../exports/csv';
import { MEDIA_TYPES, Rendering, Representation } from '../exports/rendering';

/**
 * Answers other than JSON. A controller derives its view as always, and offers other forms of it with
 * `offer`; the read cache then writes the form the request asks for (`format` first, then Accept) and keeps
 * it beside the JSON under its own key.
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

/** The form the request asks for among those offered: the `format` query parameter, else Accept, else the first. */
export function wantedRepresentation(req: Request, offered: readonly Representation[]): Representation {
  const format = req.query.format;
  if (typeof format === 'string' && (offered as readonly string[]).includes(format)) return format as Representation;
  const chosen = req.accepts(offered.map((r) => MEDIA_TYPES[r]));
  return offered.find((r) => MEDIA_TYPES[r] === chosen) ?? offered[0];
}

export const wantedDelimiter = (req: Request): Delimiter => (req.query.delimiter === 'semicolon' ? 'semicolon' : 'comma');

/**
 * The read cache's key: the URL, and Accept unless the URL's `format` decides (the same URL answers
 * differently for another Accept). Read from the raw URL, so that a request can be looked up before express
 * has parsed it; a URL without "format" skips the parsing.
 */
export function representationKey(url: string, accept: string | undefined): string {
  const query = url.indexOf('?');
  const formatDecides = query >= 0 && url.includes('format', query) && new URLSearchParams(url.slice(query + 1)).has('format');
  return `${formatDecides ? '' : accept ?? ''}\n${url}`;
}

/** Lets the read cache write `rendering` instead of the JSON of the view. */
export function renderAs(req: Request, rendering: Rendering): void {
  (req.res as Response).locals.rendering = rendering;
}

/** The view as it is, or as CSV when the request asks for that. */
export function offerCsv<T>(req: Request, view: T, render: (view: T, options: CsvOptions) => Rendering): T {
  if (wantedRepresentation(req, ['json', 'csv']) === 'csv') renderAs(req, render(view, { delimiter: wantedDelimiter(req) }));
  return view;
}

export const renderingOf = (res: Response): Rendering | undefined => res.locals.rendering as Rendering | undefined;

