import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES } from '../support/factories';

export const TSV = 'text/tab-separated-values';
export const CSV = 'text/csv';
export const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The Twente table of the publication, byte for byte as it was published (tab-separated, LF). */
export function twenteTsv(): string {
  return readFileSync(path.join(FIXTURES, 'twente-publication.tsv'), 'utf8');
}

/** The rows of a TSV text as cells; the last line end does not make a row. */
export function cellsOf(tsv: string): string[][] {
  return tsv.replace(/\n$/, '').split('\n').map((line) => line.split('\t'));
}

/** A copy of the table with one cell (1-based row and column, as a spreadsheet shows them) replaced. */
export function withCell(tsv: string, row: number, column: number, value: string): string {
  const rows = cellsOf(tsv);
  while (rows[row - 1].length < column) rows[row - 1].push('');
  rows[row - 1][column - 1] = value;
  return `${rows.map((cells) => cells.join('\t')).join('\n')}\n`;
}

/** A copy of the table with whole rows (1-based) left out. */
export function withoutRows(tsv: string, ...rowNumbers: number[]): string {
  return `${cellsOf(tsv).filter((_, i) => !rowNumbers.includes(i + 1)).map((cells) => cells.join('\t')).join('\n')}\n`;
}

/** The same table as CSV: quoted where a cell needs it (or every cell, as some exports do), optionally with BOM and CRLF. */
export function toCsv(tsv: string, options: { delimiter: ';' | ','; bom?: boolean; crlf?: boolean; quoteAll?: boolean }): string {
  const quote = (cell: string) =>
    options.quoteAll || cell.includes(options.delimiter) || cell.includes('"') ? `"${cell.replace(/"/g, '""')}"` : cell;
  const eol = options.crlf ? '\r\n' : '\n';
  return `${options.bom ? '\uFEFF' : ''}${cellsOf(tsv).map((cells) => cells.map(quote).join(options.delimiter)).join(eol)}${eol}`;
}

const DUTCH_INTEGER = /^\d{1,3}(\.\d{3})*$/;

/**
 * The same table as an Excel workbook, made with exceljs: counts as numbers (as a spreadsheet stores them),
 * text as text, the TOTAAL AMR row shifted as published. A second sheet proves only the first is read.
 */
export async function toXlsx(tsv: string, edit: (sheet: ExcelJS.Worksheet) => void = () => undefined): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Transparantie');
  for (const cells of cellsOf(tsv)) {
    sheet.addRow(cells.map((cell) => (DUTCH_INTEGER.test(cell) ? Number(cell.replace(/\./g, '')) : cell === '' ? null : cell)));
  }
  edit(sheet);
  book.addWorksheet('Toelichting').addRow(['Bron: UWV, Sonar', 'niet', 'tellen', 12345]);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const dutch = (n: number): string => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

export interface RegionFigures {
  code: string;
  name: string;
  /** The label the publication puts on the table, e.g. "9 Zwolle". */
  label: string;
  gemeenten: Array<{ code: string; name: string; counts: [number, number, number, number] }>;
}

interface ReferenceRow { gemeentecode: string; gemeentenaam: string; arbeidsmarktregiocode: string; arbeidsmarktregionaam: string }

/** A region of db/reference/gemeenten-2026.csv with made-up but consistent figures for each of its gemeenten. */
export function regionFigures(code: string, seed = 1): RegionFigures {
  const file = path.join(__dirname, '..', '..', 'db', 'reference', 'gemeenten-2026.csv');
  const rows = (parse(readFileSync(file), { columns: true, bom: true, trim: true }) as ReferenceRow[]).filter((r) => r.arbeidsmarktregiocode === code);
  if (rows.length === 0) throw new Error(`no region ${code} in the reference data`);
  const name = rows[0].arbeidsmarktregionaam;
  return {
    code,
    name,
    label: `${Number(code.slice(2))} ${name}`,
    gemeenten: rows.map((g, i) => ({
      code: g.gemeentecode,
      name: g.gemeentenaam.replace(/\s*\([A-Z]{1,3}\.\)$/, ''), // as publications print it
      counts: [i % 3, 20 + 7 * i + seed, 300 + 111 * i + seed, 250 + 97 * i],
    })),
  };
}

/** A region's table laid out like the publication: header rows, label on the first row, shifted TOTAAL AMR row. */
export function publicationTable(region: RegionFigures): string {
  const header = 'Arbeidsmarktregio\tGemeente\tGemeenteklanten in Sonar\t\tUWV-klanten in Sonar\t\tTotaal doelgroep banenafspraken in Sonar\n'
    + '\t\tProfiel in Sonar\tGeen profiel in Sonar\tProfiel in Sonar\tGeen profiel in Sonar\t\n';
  const sums = [0, 0, 0, 0];
  const rows = region.gemeenten.map((g, i) => {
    g.counts.forEach((c, k) => { sums[k] += c; });
    const total = g.counts.reduce((a, b) => a + b, 0);
    return [i === 0 ? region.label : '', g.name, ...g.counts.map(dutch), dutch(total)].join('\t');
  });
  return `${header}${rows.join('\n')}\n${['', 'TOTAAL AMR', '', ...sums.map(dutch)].join('\t')}\n`;
}

export const totalOf = (region: RegionFigures): number =>
  region.gemeenten.reduce((sum, g) => sum + g.counts.reduce((a, b) => a + b, 0), 0);
