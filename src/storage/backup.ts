import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';

export interface BackupResult {
  file: string;
  pages: number;
  uploads: number;
  integrity: string;
}

/**
 * Copies a live database, page by page, with SQLite's online backup: the service keeps reading and
 * writing meanwhile, and the copy is a consistent snapshot. The copy is checked before it is reported.
 */
export async function backupDatabase(source: string, target: string): Promise<BackupResult> {
  if (!existsSync(source)) throw new Error(`There is no database at ${source}.`);
  if (existsSync(target)) throw new Error(`${target} exists already; choose a new file name.`);
  mkdirSync(path.dirname(target), { recursive: true });
  const db = new Database(source, { fileMustExist: true });
  let pages = 0;
  try {
    const result = await db.backup(target);
    pages = result.totalPages;
  } finally {
    db.close();
  }
  const copy = new Database(target, { readonly: true, fileMustExist: true });
  try {
    const integrity = copy.pragma('integrity_check', { simple: true }) as string;
    const uploads = copy.prepare('SELECT count(*) FROM uploads').pluck().get() as number;
    return { file: target, pages, uploads, integrity };
  } finally {
    copy.close();
  }
}
