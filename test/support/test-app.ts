import express, { type Express } from 'express';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { Config, loadConfig } from '../../src/config';
import { ReferenceData } from '../../src/domain/reference';
import { SonarService } from '../../src/domain/service';
import { Db, openDatabase } from '../../src/storage/database';
import { SqliteStore } from '../../src/storage/sqlite-store';
import { contractViolations, RecordedResponse } from './contract';

export const WRITER_KEY = 'test-writer-secret-0001';
export const OTHER_KEY = 'test-other-secret-00002';

export interface TestApp {
  app: Express;
  db: Db;
  service: SonarService;
  config: Config;
  dir: string;
  /** Every response this app gave, to check against the OpenAPI document. */
  responses: RecordedResponse[];
  http(): ReturnType<typeof request>;
  close(): void;
}

/** The real app on a real SQLite file in a fresh temporary folder, with every response recorded. */
export function createTestApp(env: Record<string, string> = {}): TestApp {
  const dir = mkdtempSync(path.join(tmpdir(), 'sonar-test-'));
  const config = loadConfig({
    DATABASE_PATH: path.join(dir, 'sonar.db'),
    API_KEYS: `writer:${WRITER_KEY},other:${OTHER_KEY}`,
    LOG_LEVEL: 'silent',
    RATE_LIMIT: 'false',
    ...env,
  });
  const db = openDatabase(config.DATABASE_PATH);
  const store = new SqliteStore(db);
  const service = new SonarService(store, new ReferenceData(store.referenceData()));
  const inner = createApp({ config, service, logger: pino({ level: 'silent' }), isReady: () => db.open });

  const responses: RecordedResponse[] = [];
  const app = express();
  app.use((req, res, next) => {
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => unknown;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk) chunks.push(Buffer.from(chunk as string));
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
      responses.push({ method: req.method, url: req.originalUrl, status: res.statusCode, headers: res.getHeaders() as RecordedResponse['headers'], body: Buffer.concat(chunks).toString('utf8') });
      return end(chunk, ...rest);
    }) as typeof res.end;
    next();
  });
  app.use(inner);

  return {
    app, db, service, config, dir, responses,
    http: () => request(app),
    close: () => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fails the test file if any response it produced disagrees with the OpenAPI document. */
export function expectResponsesMatchContract(t: TestApp): void {
  const violations = t.responses.flatMap(contractViolations);
  expect(violations).toEqual([]);
}

/** Everything uploads write, to prove that a rejected request changed nothing. */
export function storedData(db: Db): string {
  return JSON.stringify({
    uploads: db.prepare('SELECT * FROM uploads ORDER BY id').all(),
    figures: db.prepare('SELECT * FROM upload_figures ORDER BY upload_id, gemeente_code').all(),
    current: db.prepare('SELECT * FROM current_uploads ORDER BY region_code, period').all(),
  });
}

/**
 * The real app for the tests of a describe block, fresh for each test or shared by the block; after them
 * every response it gave is checked against the OpenAPI document, and it is closed.
 */
export function appUnderTest(scope: 'each' | 'all', env: Record<string, string> = {}): () => TestApp {
  let t: TestApp | undefined;
  const [setUp, tearDown] = scope === 'each' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  setUp(() => {
    t = createTestApp(env);
  });
  tearDown(() => {
    const done = t;
    t = undefined;
    if (!done) return;
    try {
      expectResponsesMatchContract(done);
    } finally {
      done.close();
    }
  });
  return () => {
    if (!t) throw new Error('The app exists only while a test runs.');
    return t;
  };
}
