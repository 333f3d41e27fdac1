/**
 * Workbooks are made on a worker thread (src/exports/workbook-thread.ts). NEEDS THE BUILD: the worker runs
 * dist/src/exports/workbook-worker.js (`npm test` builds first).
 */
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { workbook } from '../../src/exports/workbook';
import { stopWorkbookThread, workbookOffThread } from '../../src/exports/workbook-thread';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { expectFreshBuild, PROJECT_ROOT } from '../support/child-processes';

const sheet = (rows: number) => ({
  name: 'bench', title: 'A sheet', count: rows,
  head: [['Gemeente', 'Totaal'], ['', 'aantal']],
  rows: Array.from({ length: rows }, (_, i) => [`Gemeente ${i}`, `${i}.${String(i % 1000).padStart(3, '0')}`]),
});

async function cells(bytes: Buffer): Promise<unknown[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  book.worksheets[0].eachRow((row, n) => {
    rows[n - 1] = (row.values as unknown[]).slice(1);
  });
  return rows;
}

describe('Workbooks made on a worker thread', () => {
  beforeAll(() => expectFreshBuild());
  afterAll(() => stopWorkbookThread());

  test('When a workbook is made on the worker thread, then it holds what one made on the event loop holds', async () => {
    const s = sheet(40);

    const [offThread, here] = await Promise.all([workbookOffThread(s), workbook(s)]);

    expect(offThread.equals(here)).toBe(true); // byte for byte: the bytes depend on the data only
    expect(await cells(offThread)).toEqual(await cells(here));
    expect((await cells(offThread))[3]).toEqual(['Gemeente 1', 1001]); // a Dutch integer in a data row becomes a number
  });

  test('When several workbooks are asked for at once, then each gets its own rows back', async () => {
    const sizes = [1, 15, 300, 7];

    const books = await Promise.all(sizes.map((n) => workbookOffThread(sheet(n))));

    for (const [i, bytes] of books.entries()) {
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(bytes as unknown as ArrayBuffer);
      expect(book.worksheets[0].rowCount).toBe(2 + sizes[i]);
      expect(book.worksheets[0].getRow(2 + sizes[i]).getCell(1).value).toBe(`Gemeente ${sizes[i] - 1}`);
    }
  });

  test('When a process has made a workbook and has nothing left to do, then it ends: the worker thread does not keep it alive', async () => {
    const made = `require(${JSON.stringify(path.join(PROJECT_ROOT, 'dist/src/exports/workbook-thread.js'))})
      .workbookOffThread({ name: 'x', title: 'x', head: [['a']], rows: [['b']], count: 1 }).then((bytes) => console.log(bytes.length));`;

    // Left alive, the child runs until the kill after 30 s: an error with signal SIGTERM.
    const { stdout } = await new Promise<{ stdout: string }>((resolve, reject) => {
      execFile(process.execPath, ['-e', made], { timeout: 30_000 }, (error, out) => (error ? reject(error) : resolve({ stdout: out })));
    });

    expect(Number(stdout.trim())).toBeGreaterThan(1000);
  }, 40_000);

  test('When the same data is made into a workbook again later, then every part of its zip carries the same fixed date and the bytes are the same', async () => {
    const s = sheet(12);
    const first = await workbook(s);

    const parts = Object.values((await JSZip.loadAsync(first)).files);
    const again = await workbook(s);

    expect(parts.length).toBeGreaterThan(3);
    expect(new Set(parts.map((p) => p.date.toISOString()))).toEqual(new Set(['1980-01-01T00:00:00.000Z']));
    expect(again.equals(first)).toBe(true);
    expect((await workbook(sheet(13))).equals(first)).toBe(false); // other data, other bytes
  });
});
