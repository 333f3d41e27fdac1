import ExcelJS from 'exceljs';
import type { Cell } from './csv';

/** What a workbook is made of: a sheet with its rows at hand, as it crosses to the worker thread. */
export interface SheetData {
  title: string;
  head: ReadonlyArray<readonly Cell[]>;
  rows: ReadonlyArray<readonly Cell[]>;
}

/** A printed Dutch integer ("1.218") in a data row becomes a number, so that Excel can add it up. */
const DUTCH_INTEGER = /^[0-9][0-9.]*$/;

/** One worksheet, header rows bold, counts as numbers shown with thousands separators. */
export async function workbook(sheet: SheetData): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  book.creator = 'Sonar transparency service';
  book.created = new Date(0);
  book.modified = new Date(0);
  const ws = book.addWorksheet(sheet.title.slice(0, 31));
  const cellValue = (cell: Cell, data: boolean) => (cell === '' || cell === null || cell === undefined ? null
    : data && typeof cell === 'string' && DUTCH_INTEGER.test(cell) ? Number(cell.replace(/\./g, '')) : cell);
  for (const cells of sheet.head) ws.addRow(cells.map((cell) => cellValue(cell, false))).font = { bold: true };
  for (const cells of sheet.rows) ws.addRow(cells.map((cell) => cellValue(cell, true)));
  ws.eachRow((row) => row.eachCell((cell) => {
    if (typeof cell.value === 'number') cell.numFmt = '#,##0';
  }));
  ws.getColumn(2).width = 24;
  // The fastest deflate: a file a tenth larger, made in about half the time (the answer is kept anyway).
  return Buffer.from(await book.xlsx.writeBuffer({ zip: { compression: 'DEFLATE', compressionOptions: { level: 1 } } }));
}

