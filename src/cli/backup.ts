import path from 'node:path';
import { loadConfig } from '../config';
import { backupDatabase } from '../storage/backup';

/** `npm run backup -- FILE`: an online copy of the service's database (DATABASE_PATH) into FILE. */
async function main(): Promise<number> {
  const [target, ...rest] = process.argv.slice(2);
  if (!target || rest.length > 0 || target.startsWith('-')) {
    process.stderr.write('Usage: npm run backup -- FILE\n  Copies the database at DATABASE_PATH into FILE while the service runs.\n');
    return 2;
  }
  const { DATABASE_PATH, DATABASE_URL } = loadConfig();
  if (DATABASE_URL) {
    process.stderr.write('DATABASE_URL is set: back PostgreSQL up with pg_dump, e.g. pg_dump --format=custom --file=FILE "$DATABASE_URL".\n');
    return 2;
  }
  // npm runs scripts in the project folder; INIT_CWD is where the caller ran `npm run backup`.
  const result = await backupDatabase(DATABASE_PATH, path.resolve(process.env.INIT_CWD ?? process.cwd(), target));
  process.stdout.write(`Backed up ${DATABASE_PATH} to ${result.file}: ${result.pages} pages, ${result.uploads} uploads, integrity ${result.integrity}.\n`);
  return result.integrity === 'ok' ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`Backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
