/** Online backup while the service runs, and the restore procedure of the README. Needs the build for the CLI. */
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { backupDatabase } from '../../src/storage/backup';
import { buildUpload, twenteUpload } from '../support/factories';
import { createTestApp, TestApp, WRITER_KEY } from '../support/test-app';

const ROOT = path.join(__dirname, '..', '..');

describe('Backup and restore of the SQLite file (SQLite only)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({}, 'sqlite');
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twenteUpload()).expect(201);
  });
  afterEach(() => t.close());

  test('When a backup is taken while the service writes, then it is a consistent copy that restores to the same figures', async () => {
    const file = path.join(t.dir, 'backup.db');
    const writes = Promise.all(Array.from({ length: 5 }, (_, i) =>
      t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload({ period: `2025-0${i + 1}` })).expect(201)));

    const result = await backupDatabase(t.config.DATABASE_PATH, file);
    await writes;

    expect(result.integrity).toBe('ok');
    expect(result.uploads).toBeGreaterThanOrEqual(1);
    // Restore: stop the service, put the copy at DATABASE_PATH, start it.
    const restoredPath = path.join(t.dir, 'restored', 'sonar.db');
    mkdirSync(path.dirname(restoredPath));
    copyFileSync(file, restoredPath);
    const restored = await createTestApp({ DATABASE_PATH: restoredPath });
    try {
      const res = await restored.http().get('/v1/regions/Twente/totals?period=2026-06').expect(200);
      expect(res.body.total).toBe(7898);
      expect(res.body.coveragePercent).toBe(76);
    } finally {
      restored.close();
    }
  });

  test('When the backup file exists already, then nothing is overwritten', async () => {
    const file = path.join(t.dir, 'backup.db');
    await backupDatabase(t.config.DATABASE_PATH, file);

    await expect(backupDatabase(t.config.DATABASE_PATH, file)).rejects.toThrow(/exists already/);
  });

  test('When npm run backup is given a file, then it copies the database at DATABASE_PATH and reports integrity ok', async () => {
    const file = path.join(t.dir, 'cli-backup.db');

    const { stdout } = await promisify(execFile)('node', [path.join(ROOT, 'dist/src/cli/backup.js'), file], {
      env: { ...process.env, DATABASE_PATH: t.config.DATABASE_PATH },
    });

    expect(stdout).toMatch(/1 uploads, integrity ok/);
    expect(existsSync(file)).toBe(true);
  });
});
