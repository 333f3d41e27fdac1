import ExcelJS, { type CellValue } from 'exceljs';
import { Readable } from 'node:stream';
import unzipper from 'unzipper';
import { TableRow, UnreadableTable } from './table-row';
import { extended } from '../domain/extended';

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
 * How much more than its own size a workbook may unpack to. The 35 regions' tables of one period are a sheet
 * of about a megabyte unpacked, and pictures hardly shrink in a zip; a zip that declares more is refused
 * before anything is inflated, so that a few kilobytes (a zip bomb) cannot take the service's memory.
 */
export const MAX_UNPACKED_GROWTH = 16 * 1024 * 1024;
/** A workbook is a few dozen parts; each costs work however small it is. */
const MAX_PARTS = 10_000;

const readAll = async (input: Readable): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** Refused before exceljs reads the workbook: the zip is bigger unpacked than any workbook this service reads. */
class OversizedWorkbook extends Error {}

/**
 * Checks the sizes the zip's central directory declares, then inflates each part once without keeping it,
 * stopping as soon as a part unpacks to more than it declares: exceljs (through JSZip) would only notice
 * that after inflating it all.
 */
async function checkUnpackedSizes(bytes: Buffer): Promise<void> {
  const parts = (await unzipper.Open.buffer(bytes)).files;
  if (parts.length > MAX_PARTS) throw new OversizedWorkbook(`it has ${parts.length} parts, more than the ${MAX_PARTS} a workbook may have`);
  const declared = parts.reduce((sum, part) => sum + part.uncompressedSize, 0);
  const bound = bytes.length + MAX_UNPACKED_GROWTH;
  if (declared > bound) {
    const largest = parts.reduce((a, b) => (b.uncompressedSize > a.uncompressedSize ? b : a));
    throw new OversizedWorkbook(`its ${bytes.length} bytes unpack to ${declared} (${largest.path} alone to ${largest.uncompressedSize}), more than the ${bound} this service reads of them`);
  }
  for (const part of parts) {
    let inflated = 0;
    for await (const chunk of part.stream()) {
      inflated += (chunk as Buffer).length;
      if (inflated > part.uncompressedSize) throw new OversizedWorkbook(`its part ${part.path} unpacks to more than the ${part.uncompressedSize} bytes it declares`);
    }
  }
}

const DAY_MS = 86_400_000;
/** exceljs's excelToDate undone, in whole milliseconds first: the number the cell holds, to the millisecond. */
const excelSerial = (date: Date, date1904: boolean): number => (date.getTime() + (date1904 ? 24107 : 25569) * DAY_MS) / DAY_MS;

/**
 * The cell's value as the sheet holds it, whatever the workbook's styles, links and merges say: a number
 * formatted as a date stays the number, a linked cell is its text, and the cells a merge covers are empty
 * (only its first cell holds the value).
 */
function storedValue(cell: ExcelJS.Cell, date1904: boolean): CellValue {
  if (cell.type === ExcelJS.ValueType.Merge) return null;
  const value = cell.value;
  if (value instanceof Date) return excelSerial(value, date1904);
  if (value !== null && typeof value === 'object' && 'hyperlink' in value) return value.text;
  if (value !== null && typeof value === 'object' && ('formula' in value || 'sharedFormula' in value)) {
    const { result } = value;
    if (result instanceof Date) return extended(value, { result: excelSerial(result, date1904) });
    // The sheet holds a formula's true as 1; a formula whose result is an error has always read as empty.
    if (typeof result === 'boolean') return extended(value, { result: result ? 1 : 0 });
    if (result !== null && typeof result === 'object' && 'error' in result) return extended(value, { result: undefined });
  }
  return value;
}

/**
 * The rows of the first worksheet of an Excel workbook; rows a sheet leaves out (empty ones) are skipped,
 * the others keep their numbers. Errors of `input` come out as they are; bytes that are no workbook, or
 * that unpack to more than MAX_UNPACKED_GROWTH beyond their own size, are an UnreadableTable.
 *
 * The compressed bytes are held (the caller bounds them) and read with exceljs's whole-workbook reader.
 * Its one-pass streaming reader loses entries at random (exceljs#3064): its entry iterator ends when the
 * input has been written, not when every entry has been read, so a workbook whose xl/workbook.xml comes
 * last (as exceljs writes it) was read or refused depending on timing.
 */
export async function* xlsxRows(input: Readable): AsyncGenerator<TableRow> {
  const bytes = await readAll(input);
  if (bytes.length === 0) return;
  const row: { number: number; cells: string[] } = { number: 0, cells: [] };
  try {
    await checkUnpackedSizes(bytes);
    // exceljs's types name a Buffer of their own (an ArrayBuffer); it reads Node's.
    const workbook = await new ExcelJS.Workbook().xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('its first sheet is missing');
    const date1904 = workbook.properties.date1904 === true;
    // Every row the sheet holds, empty ones too, as the sheet lists them.
    for (let number = 1; number <= sheet.rowCount; number += 1) {
      const sheetRow = sheet.findRow(number);
      if (!sheetRow) continue;
      row.number = number;
      const cells = row.cells;
      cells.length = 0;
      sheetRow.eachCell((cell, column) => {
        const value = storedValue(cell, date1904);
        if (value === null || value === '') return;
        while (cells.length < column - 1) cells.push('');
        cells.push(cellText(value));
      });
      yield row;
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new UnreadableTable(row.number === 0
      ? { field: '(body)', detail: error instanceof OversizedWorkbook
        ? `is an Excel workbook too large to read: ${reason}; nothing of it was read`
        : `is not an Excel workbook (.xlsx) as a spreadsheet saves it (${reason})` }
      : { row: row.number + 1, detail: `is where the workbook stops making sense (${reason}); the rest cannot be read` });
  }
}
