import type { CatalogueDocument } from '../domain/catalogue';
import { BOM, Cell, chunked, csvLines, Delimiter } from './csv';
import { jsonAnswer } from './json';
import { turtle } from './linked-data';
import { workbookOffThread } from './workbook-thread';

/**
 * The forms an answer can take, one renderer each. JSON writes the view itself; every other form writes the
 * view's sheet, which each read describes once (its file name, header rows and rows of cells). A new form
 * is one more renderer here; a read offers it by naming it.
 */

/** A view as rows of cells: what CSV, TSV and Excel are written from. */
export interface Sheet {
  /** The file name without extension, e.g. `twente-2026-06-gemeenten`. */
  name: string;
  /** The worksheet's name in Excel. */
  title: string;
  /** Rows above the data: the column names, or the publication's two header rows. */
  head: ReadonlyArray<readonly Cell[]>;
  rows: Iterable<readonly Cell[]>;
  /** Data rows, sent as Total-Count so that a client can check it got them all. */
  count: number;
}

/** A rendered answer: its type, the headers that belong to its form, and its body. */
export interface Rendering {
  contentType: string;
  headers: Array<[string, string]>;
  /** The bytes at once, text chunks as they are written (a large CSV), or a file made asynchronously. */
  body: Buffer | Iterable<string> | Promise<Buffer>;
  /** A SHA-256 that changes whenever the bytes at once do, when the renderer knows one without hashing them all. */
  digest?: Buffer;
}

/** What a renderer is given: the view, and its sheet, derived only when the form needs it. */
export interface Renderable {
  view: unknown;
  sheet(): Sheet;
}

export interface Renderer {
  /** The media type a request's Accept names this form by. */
  mediaType: string;
  render(answer: Renderable): Rendering;
}

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const fileHeaders = (sheet: Sheet, extension: string): Array<[string, string]> =>
  [['Content-Disposition', `attachment; filename="${sheet.name}.${extension}"`], ['Total-Count', String(sheet.count)]];

function csv(delimiter: Delimiter): Renderer {
  return {
    mediaType: 'text/csv',
    render: ({ sheet }) => {
      const s = sheet();
      return {
        contentType: 'text/csv; charset=utf-8; header=present',
        headers: fileHeaders(s, 'csv'),
        body: chunked(csvLines(s.head, s.rows, { delimiter }), delimiter === 'semicolon' ? BOM : ''),
      };
    },
  };
}

/** Tab-separated, LF, cells as they are: the publication's own text form. */
function* tsvLines(sheet: Sheet): Generator<string> {
  for (const row of sheet.head) yield `${row.map((cell) => cell ?? '').join('\t')}\n`;
  for (const row of sheet.rows) yield `${row.map((cell) => cell ?? '').join('\t')}\n`;
}

function json(contentType: string, view: unknown): Rendering {
  const { bytes, digest } = jsonAnswer(view);
  return { contentType, headers: [], body: bytes, digest };
}

export const RENDERERS = {
  json: {
    mediaType: 'application/json',
    render: ({ view }) => json('application/json; charset=utf-8', view),
  },
  csv: csv('comma'),
  /** What Dutch Excel opens directly: `;` between cells, a byte order mark, decimal commas. */
  'csv-semicolon': csv('semicolon'),
  tsv: {
    mediaType: 'text/tab-separated-values',
    render: ({ sheet }) => {
      const s = sheet();
      return { contentType: 'text/tab-separated-values; charset=utf-8', headers: fileHeaders(s, 'tsv'), body: chunked(tsvLines(s)) };
    },
  },
  xlsx: {
    mediaType: XLSX_MEDIA_TYPE,
    render: ({ sheet }) => {
      const s = sheet();
      return { contentType: XLSX_MEDIA_TYPE, headers: fileHeaders(s, 'xlsx'), body: workbookOffThread(s) };
    },
  },
  /** Linked data: a view that is a JSON-LD document (the catalogue), as it is. */
  jsonld: {
    mediaType: 'application/ld+json',
    render: ({ view }) => json('application/ld+json; charset=utf-8', view),
  },
  /** The same graph as Turtle. */
  turtle: {
    mediaType: 'text/turtle',
    render: ({ view }) => ({ contentType: 'text/turtle; charset=utf-8', headers: [], body: Buffer.from(turtle(view as CatalogueDocument)) }),
  },
} satisfies Record<string, Renderer>;

export type Format = keyof typeof RENDERERS;

/** A file name's words, lower case ASCII: "Súdwest-Fryslân" as "sudwest-fryslan". */
export function slug(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
