/** The forms an answer can take besides JSON, and what the HTTP layer needs to send one. */
export type Representation = 'json' | 'csv' | 'tsv' | 'xlsx';

export const MEDIA_TYPES: Record<Representation, string> = {
  json: 'application/json',
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** A view written in another form than JSON: streamed text chunks, or a whole file made at once. */
export interface Rendering {
  contentType: string;
  /** What the file holds, e.g. `twente-2026-06-gemeenten.csv`. */
  fileName: string;
  /** The renderer and its settings (`csv semicolon`): with the view, they decide every byte. */
  form: string;
  /** Data rows after the header rows, sent as Total-Count so that a client can check it got them all. */
  rowCount?: number;
  chunks?: Iterable<string>;
  file?: () => Promise<Buffer>;
}

/** A file name's words, lower case ASCII: "Súdwest-Fryslân" as "sudwest-fryslan". */
export function slug(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}
