import ExcelJS, { type CellValue } from 'exceljs';
import { Readable } from 'node:stream';
import unzipper from 'unzipper';
import { TableRow, UnreadableTable } from './table-row';

/** A cell as the text a person sees in it: numbers as digits, formulas by their result. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  // A number cell holds a number, not text with thousands dots: 3476 stays 3476, and 2.75 must not read as 275.
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(value).replace('.', ',');
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if ('richText' in value) return value.richText.map((part) => part.text).join('');
  if ('formula' in value || 'sharedFormula' in value) return cellText(value.result);
  if ('error' in value) return value.error;
  if ('text' in value) return value.text;
  return '';
}

/**
 * The parts of exceljs's streaming reader used here (see xlsxRows for why they are called one by one). They
 * are internal to exceljs, which is why package.json pins its exact version; test/tables/xlsx-chunks.test.ts
 * fails if an upgrade changes them.
 */
interface PartReader {
  model?: { sheets?: Array<{ name?: string; rId?: string }> };
  workbookRels?: Array<{ Id: string; Target: string }>;
  _parseRels(entry: Readable): Promise<void>;
  _parseWorkbook(entry: Readable): Promise<void>;
  _parseSharedStrings(entry: Readable): AsyncGenerator<unknown>;
  _parseWorksheet(entry: AsyncIterable<unknown>, sheetNo: string): Generator<{ eventType: string; value: ExcelJS.stream.xlsx.WorksheetReader }>;
}

const readAll = async (input: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * The rows of the first worksheet of an Excel workbook; rows a sheet leaves out (empty ones) are skipped,
 * the others keep their numbers. Errors of `input` come out as they are; bytes that are no workbook are an
 * UnreadableTable.
 *
 * The zip is opened by its central directory, and the workbook's index and shared strings are read before
 * any sheet. exceljs's own one-pass streaming reader loses entries at random (exceljs#3064): its entry
 * iterator ends when the input has been written, not when every entry has been read, so a workbook whose
 * xl/workbook.xml comes last (as exceljs writes it) was read or refused depending on timing. The
 * compressed bytes are held (the caller bounds them); the sheet itself is still read row by row.
 */
export async function* xlsxRows(input: Readable): AsyncGenerator<TableRow> {
  const bytes = await readAll(input);
  if (bytes.length === 0) return;
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([]), {
    worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore',
  }) as unknown as PartReader;
  const row: { number: number; cells: string[] } = { number: 0, cells: [] };
  try {
    const files = (await unzipper.Open.buffer(bytes)).files;
    const part = (name: string) => files.find((f) => f.path === name);
    const rels = part('xl/_rels/workbook.xml.rels');
    const index = part('xl/workbook.xml');
    if (!rels || !index) throw new Error('it has no xl/workbook.xml with its relations');
    await reader._parseRels(rels.stream());
    await reader._parseWorkbook(index.stream());
    const strings = part('xl/sharedStrings.xml');
    if (strings) for await (const _ of reader._parseSharedStrings(strings.stream())) { /* cached by the reader */ }
    const first = reader.model?.sheets?.[0];
    const target = reader.workbookRels?.find((r) => r.Id === first?.rId)?.Target.replace(/^\/?(xl\/)?/, '');
    const match = /^worksheets\/sheet([0-9]+)\.xml$/.exec(target ?? '');
    const sheetPart = match && part(`xl/${target}`);
    if (!match || !sheetPart) throw new Error('its first sheet is missing');
    const [{ value: sheet }] = [...reader._parseWorksheet(sheetPart.stream(), match[1])];
    for await (const sheetRow of sheet) {
      row.number = sheetRow.number;
      const cells = row.cells;
      cells.length = 0;
      sheetRow.eachCell((cell, column) => {
        while (cells.length < column - 1) cells.push('');
        cells.push(cellText(cell.value));
      });
      yield row;
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UnreadableTable(row.number === 0
      ? { field: '(body)', detail: `is not an Excel workbook (.xlsx) as a spreadsheet saves it (${reason})` }
      : { row: row.number + 1, detail: `is where the workbook stops making sense (${reason}); the rest cannot be read` });
  }
}
