import { existsSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { PROJECT_ROOT } from '../paths';
import type { Sheet } from './formats';
import type { SheetData } from './workbook';

const WORKER = 'workbook-worker.js';

/** Built, the worker is beside this module; under ts-jest the sources run as TypeScript, so the built one runs (npm test builds first). */
function workerFile(): string {
  const beside = path.join(__dirname, WORKER);
  return existsSync(beside) ? beside : path.join(PROJECT_ROOT, 'dist', 'src', 'exports', WORKER);
}

type Waiting = { resolve: (bytes: Buffer) => void; reject: (error: Error) => void };
const waiting = new Map<number, Waiting>();
let worker: Worker | undefined;
let ids = 0;

/** The one worker thread, started on first use; it keeps the process alive only while a workbook is being made. */
function started(): Worker {
  if (worker) return worker;
  const w = new Worker(workerFile());
  w.on('message', (m: { id: number; bytes?: Uint8Array; error?: string }) => {
    const w8 = waiting.get(m.id);
    waiting.delete(m.id);
    if (waiting.size === 0) w.unref();
    if (m.bytes) w8?.resolve(Buffer.from(m.bytes.buffer, m.bytes.byteOffset, m.bytes.byteLength));
    else w8?.reject(new Error(`The workbook could not be made: ${m.error}`));
  });
  // A worker that failed takes what it was making with it; the next workbook starts a new one.
  const failed = (error: Error) => {
    if (worker === w) worker = undefined;
    for (const w8 of waiting.values()) w8.reject(error);
    waiting.clear();
  };
  w.on('error', failed);
  w.on('exit', (code) => failed(new Error(`The workbook thread ended (exit code ${code}).`)));
  // Unref'd only after the listeners: a 'message' listener added after unref() refs the worker's port again,
  // and the thread then kept every process that made a workbook alive (nodejs/node#53036, closed as wontfix).
  w.unref();
  worker = w;
  return w;
}

/**
 * The workbook of a sheet, made on a worker thread: exceljs takes milliseconds of CPU for a region's table
 * (5–9 ms measured), which the requests waiting on the event loop should not wait for. The rows cross as
 * a copy; the bytes come back the same as made on the event loop.
 */
export function workbookOffThread(sheet: Sheet): Promise<Buffer> {
  const data: SheetData = { title: sheet.title, head: sheet.head, rows: [...sheet.rows] };
  return new Promise((resolve, reject) => {
    const id = ++ids;
    waiting.set(id, { resolve, reject });
    const w = started();
    w.ref();
    try {
      w.postMessage({ id, sheet: data });
    } catch (error) { // a sheet that cannot be copied to the thread: nothing is waiting for it
      waiting.delete(id);
      if (waiting.size === 0) w.unref();
      reject(error as Error);
    }
  });
}

/** Ends the worker thread (a test's clean-up); the next workbook starts a new one. */
export async function stopWorkbookThread(): Promise<void> {
  const w = worker;
  worker = undefined;
  await w?.terminate();
}
