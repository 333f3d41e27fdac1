import ExcelJS, { type CellValue } from 'exceljs';
import { Readable } from 'node:stream';
import { TableRow, UnreadableTable } from './table-row';

/** What exceljs's streaming reader knows about the sheets, beyond its typings. */
interface SheetInfo { id?: number | string; name?: string }
interface BookInfo { model?: { sheets?: SheetInfo[] } }

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
 * The rows of the first worksheet of an Excel workbook, read as the bytes arrive with exceljs's streaming
 * reader; rows a sheet leaves out (empty ones) are skipped, the others keep their numbers. Errors of
 * `input` come out as they are; bytes that are no workbook are an UnreadableTable.
 */
export async function* xlsxRows(input: Readable): AsyncGenerator<TableRow> {
  const chunks = input[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await chunks.next();
  if (first.done === true) return; // exceljs waits forever on an empty stream
  let inputError: unknown;
  async function* body(): AsyncGenerator<Buffer> {
    yield first.value;
    // exceljs pipes its input on and would wait forever after an error: end the bytes, rethrow below.
    try {
      for (let next = await chunks.next(); next.done !== true; next = await chunks.next()) yield next.value;
    } catch (error) {
      inputError = error;
    }
  }

  const book = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from(body()), {
    worksheets: 'emit', sharedStrings: 'cache', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore',
  });
  const row: { number: number; cells: string[] } = { number: 0, cells: [] };
  let done = false;
  try {
    for await (const sheet of book) {
      // Sheets arrive in the order of the zip; the first of the workbook is the one its index lists first.
      const wanted = (book as unknown as BookInfo).model?.sheets?.[0];
      if (done || (wanted !== undefined && (sheet as unknown as SheetInfo).name !== wanted.name)) continue;
      done = true;
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
    }
  } catch (error) {
    if (inputError !== undefined) throw inputError;
    const reason = error instanceof Error ? error.message : String(error);
    throw new UnreadableTable(row.number === 0
      ? { field: '(body)', detail: `is not an Excel workbook (.xlsx) as a spreadsheet saves it (${reason})` }
      : { row: row.number + 1, detail: `is where the workbook stops making sense (${reason}); the rest cannot be read` });
  }
  if (inputError !== undefined) throw inputError;
}
