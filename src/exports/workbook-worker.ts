import { parentPort } from 'node:worker_threads';
import { SheetData, workbook } from './workbook';

/** The worker thread (workbook-thread.ts starts it): each message a sheet, answered with its id and the workbook's bytes, or the error. */
parentPort?.on('message', (message: { id: number; sheet: SheetData }) => {
  workbook(message.sheet).then(
    (bytes) => parentPort?.postMessage({ id: message.id, bytes }),
    (error: unknown) => parentPort?.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) }),
  );
});
