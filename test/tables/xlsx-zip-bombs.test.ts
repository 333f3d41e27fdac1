import { Readable } from 'node:stream';
import { createDeflateRaw, crc32 } from 'node:zlib';
import unzipper from 'unzipper';
import type { ProblemItem } from '../../src/domain/errors';
import { MAX_UNPACKED_GROWTH, xlsxRows } from '../../src/tables/xlsx-rows';
import { twenteUpload } from '../support/factories';
import { createTestApp, eachTestStoresNothing, TestApp, WRITER_KEY } from '../support/test-app';
import { toXlsx, twenteTsv, XLSX } from './publication-files';

/** One part of a zip as this test writes it: deflated, with the size its headers declare. */
interface Part {
  path: string;
  packed: Buffer;
  crc: number;
  size: number;
  declaredSize: number;
}

const SHEET = 'xl/worksheets/sheet1.xml';
const MB = 1024 * 1024;

/** A part holding `data` and then `padding` spaces (after an XML document's end, still the same document). */
async function part(path: string, data: Buffer, padding = 0): Promise<Part> {
  const deflate = createDeflateRaw();
  const packed: Buffer[] = [];
  deflate.on('data', (chunk: Buffer) => packed.push(chunk));
  const done = new Promise((resolve, reject) => deflate.on('end', resolve).on('error', reject));
  let crc = crc32(data);
  deflate.write(data);
  const spaces = Buffer.alloc(MB, ' ');
  for (let left = padding; left > 0; left -= MB) {
    const piece = spaces.subarray(0, Math.min(MB, left));
    crc = crc32(piece, crc);
    if (!deflate.write(piece)) await new Promise((resolve) => deflate.once('drain', resolve));
  }
  deflate.end();
  await done;
  return { path, packed: Buffer.concat(packed), crc, size: data.length + padding, declaredSize: data.length + padding };
}

/** A zip of the parts: local headers, then the central directory, each with the part's declared size. */
function zip(parts: Part[]): Buffer {
  const pieces: Buffer[] = [];
  const directory: Buffer[] = [];
  let offset = 0;
  for (const { path, packed, crc, declaredSize } of parts) {
    const name = Buffer.from(path);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8); // deflated
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(declaredSize, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(declaredSize, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    pieces.push(local, name, packed);
    directory.push(central, name);
    offset += local.length + name.length + packed.length;
  }
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.reduce((sum, piece) => sum + piece.length, 0), 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...pieces, ...directory, end]);
}

/** The Twente workbook's parts, rezipped by this test; `change` may pad or misdeclare one of them. */
async function twenteWorkbook(change: (path: string, data: Buffer) => Promise<Part | undefined>): Promise<Buffer> {
  const parts: Part[] = [];
  for (const entry of (await unzipper.Open.buffer(await toXlsx(twenteTsv()))).files) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry.stream()) chunks.push(chunk as Buffer);
    const data = Buffer.concat(chunks);
    parts.push((await change(entry.path, data)) ?? (await part(entry.path, data)));
  }
  return zip(parts);
}

async function rowsOf(bytes: Buffer): Promise<string[]> {
  const rows: string[] = [];
  for await (const row of xlsxRows(Readable.from([bytes]))) rows.push(`${row.number}: ${row.cells.join('|')}`);
  return rows;
}

describe('Workbooks that unpack to far more than they are (zip bombs)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
    // Something stored already, so that "nothing changed" is a real claim.
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send({ ...twenteUpload(), period: '2025-12' }).expect(201);
  });
  eachTestStoresNothing(() => t);

  const upload = async (bytes: Buffer): Promise<ProblemItem[]> => {
    const res = await t.http().post('/v1/uploads?period=2026-06&registerTotal=10371').set('X-API-Key', WRITER_KEY).set('Content-Type', XLSX).send(bytes);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(expect.objectContaining({ status: 400, title: 'Invalid input', detail: expect.any(String) }));
    return res.body.errors;
  };

  test('When the workbook is rezipped with its sheet padded by a megabyte of spaces, then it reads as the original', async () => {
    const padded = await twenteWorkbook(async (path, data) => (path === SHEET ? part(path, data, MB) : undefined));

    expect(await rowsOf(padded)).toEqual(await rowsOf(await toXlsx(twenteTsv())));
  });

  test('When a sheet really unpacks to 200 MB of a 200 kB upload, then the answer names the sheet and its size, and nothing is stored', async () => {
    const bomb = await twenteWorkbook(async (path, data) => (path === SHEET ? part(path, data, 200 * MB) : undefined));
    expect(bomb.length).toBeLessThan(MAX_UNPACKED_GROWTH / 16);

    const problems = await upload(bomb);

    expect(problems).toEqual([{ field: '(body)', detail: expect.stringMatching(new RegExp(`^is an Excel workbook too large to read: its ${bomb.length} bytes unpack to 2\\d{8} \\(xl/worksheets/sheet1\\.xml alone to 2\\d{8}\\), more than the ${bomb.length + MAX_UNPACKED_GROWTH} this service reads of them; nothing of it was read$`)) }]);
  });

  test('When the zip declares a sheet of 3 GB, then the workbook is refused before anything is inflated', async () => {
    const bomb = await twenteWorkbook(async (path, data) => (path === SHEET ? { ...(await part(path, data)), declaredSize: 3_000_000_000 } : undefined));

    const problems = await upload(bomb);

    expect(problems).toEqual([{ field: '(body)', detail: expect.stringContaining('(xl/worksheets/sheet1.xml alone to 3000000000)') }]);
  });

  test('When a sheet declares a few kilobytes but unpacks to 200 MB, then inflating stops there and the answer names the sheet', async () => {
    let declared = 0;
    const bomb = await twenteWorkbook(async (path, data) => {
      if (path !== SHEET) return undefined;
      declared = data.length;
      return { ...(await part(path, data, 200 * MB)), declaredSize: declared };
    });
    expect(declared).toBeGreaterThan(1000);

    const problems = await upload(bomb);

    expect(problems).toEqual([{ field: '(body)', detail: `is an Excel workbook too large to read: its part xl/worksheets/sheet1.xml unpacks to more than the ${declared} bytes it declares; nothing of it was read` }]);
  });
});
