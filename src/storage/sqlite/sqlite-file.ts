import Database from 'better-sqlite3';

const BUSY_TIMEOUT_MS = 5000;
/** An answered upload survives a power cut, not only a crash. */
export const SYNCHRONOUS = 'FULL';

/**
 * Switching a new file to WAL needs it to itself, and SQLite answers BUSY at once, without waiting, when
 * another process is doing the same: so wait here, briefly and a bounded number of times.
 */
function whenNotBusy<T>(run: () => T): T {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; ; waited += 10) {
    try {
      return run();
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || waited >= BUSY_TIMEOUT_MS) throw error;
      Atomics.wait(pause, 0, 0, 10);
    }
  }
}

/** Opens the file with the service's settings: waits on other processes' locks, WAL, foreign keys, durable commits. */
export function openFile(file: string): Database.Database {
  const db = new Database(file);
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`); // first: other processes may be opening the same file right now
  whenNotBusy(() => db.pragma('journal_mode = WAL'));
  db.pragma('foreign_keys = ON');
  db.pragma(`synchronous = ${SYNCHRONOUS}`);
  return db;
}
