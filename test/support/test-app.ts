import http, { type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { Config, loadConfig } from '../../src/config';
import { SonarService } from '../../src/domain/service';
import { FiguresStore } from '../../src/domain/ports';
import { eventSettingsOf } from '../../src/webhooks/settings';
import type { HostResolver } from '../../src/webhooks/callback-urls';
import { contractViolations, RecordedResponse } from './contract';
import { createSqliteStore, createTestStore, StoreKind, TestStore, testStoreKind } from './stores';

export const WRITER_KEY = 'test-writer-secret-0001';
export const OTHER_KEY = 'test-other-secret-00002';

/** The app's request listener, as the service listens with it, and a way to listen on a port of one's own. */
export interface TestListener {
  (req: IncomingMessage, res: ServerResponse): void;
  listen(port: number, host: string): Server;
}

export interface TestApp {
  app: TestListener;
  store: FiguresStore;
  service: SonarService;
  config: Config;
  /** A fresh temporary folder for the test's own files, removed on close. */
  dir: string;
  /** Every response this app gave, to check against the OpenAPI document. */
  responses: RecordedResponse[];
  /** Every Idempotency-Key this app was sent: the only keys a request could have made it remember. */
  idempotencyKeys: Set<string>;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

/**
 * The real app on a fresh real store (TEST_STORE picks which; see stores.ts), with every response recorded.
 * An env naming DATABASE_PATH opens that SQLite file instead, and `kind` names the store outright: for the
 * tests about one store itself (its files, its processes, its backups).
 */
/** What a test may give the app besides its configuration: a clock, and a resolver of host names (no DNS of its own). */
export interface TestAppParts {
  clock?: () => Date;
  resolveHost?: HostResolver;
}

export async function createTestApp(env: Record<string, string> = {}, kind: StoreKind = testStoreKind(), parts: TestAppParts = {}): Promise<TestApp> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sonar-test-'));
  let testStore: TestStore | undefined;
  try {
    testStore = env.DATABASE_PATH !== undefined ? await createSqliteStore(env.DATABASE_PATH) : await createTestStore(kind);
    return await appOn(testStore, dir, env, parts);
  } catch (error) {
    await testStore?.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

async function appOn(testStore: TestStore, dir: string, env: Record<string, string>, parts: TestAppParts = {}): Promise<TestApp> {
  const { store } = testStore;
  const config = loadConfig({
    ...testStore.config,
    API_KEYS: `writer:${WRITER_KEY},other:${OTHER_KEY}`,
    LOG_LEVEL: 'silent',
    RATE_LIMIT: 'false',
    ...env,
  });
  const service = await SonarService.open(store, parts.clock, eventSettingsOf(config, parts.resolveHost));
  const inner = createApp({ config, service, logger: pino({ level: 'silent' }), isReady: () => store.isAvailable() });

  const responses: RecordedResponse[] = [];
  const idempotencyKeys = new Set<string>();
  // Records what the listener writes, on the response itself: headers given to writeHead (as kept answers
  // are written) are not in getHeaders(), and no event carries the body.
  const recording = (req: IncomingMessage, res: ServerResponse) => {
    const key = req.headers['idempotency-key'];
    if (typeof key === 'string') idempotencyKeys.add(key);
    const url = req.url ?? '';
    const chunks: Buffer[] = [];
    let headers: RecordedResponse['headers'] = {};
    const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => typeof res;
    const write = res.write.bind(res) as (...args: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => unknown;
    res.writeHead = ((status: number, ...rest: unknown[]) => {
      headers = { ...res.getHeaders(), ...headersGiven(rest.find((r) => typeof r === 'object')) } as RecordedResponse['headers'];
      return writeHead(status, ...rest);
    }) as typeof res.writeHead;
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (chunk) chunks.push(Buffer.from(chunk as string));
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((chunk?: unknown, ...rest: unknown[]) => {
      if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk as string));
      if (!res.headersSent) headers = res.getHeaders() as RecordedResponse['headers'];
      responses.push({ method: req.method ?? '', url, status: res.statusCode, headers, body: Buffer.concat(chunks).toString('utf8') });
      return end(chunk, ...rest);
    }) as typeof res.end;
    inner(req, res);
  };
  const app: TestListener = Object.assign(recording, { listen: (port: number, host: string) => http.createServer(recording).listen(port, host) });

  return {
    app, store, service, config, dir, responses, idempotencyKeys,
    http: () => request(app),
    close: async () => {
      await testStore.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Headers as writeHead takes them (an object, or name, value, name, value …), keyed as getHeaders() keys them. */
function headersGiven(given: unknown): RecordedResponse['headers'] {
  if (!given) return {};
  const pairs: Array<[string, unknown]> = Array.isArray(given)
    ? Array.from({ length: given.length / 2 }, (_, i) => [String(given[2 * i]), given[2 * i + 1]])
    : Object.entries(given);
  return Object.fromEntries(pairs.map(([name, value]) => [name.toLowerCase(), value])) as RecordedResponse['headers'];
}

/** Fails the test file if any response it produced disagrees with the OpenAPI document. */
export function expectResponsesMatchContract(t: TestApp): void {
  const violations = t.responses.flatMap(contractViolations);
  expect(violations).toEqual([]);
}

/** Before any instant a key can expire at: asking as of it finds every key still stored. */
const LONG_AGO = '1970-01-01T00:00:00.000Z';

/**
 * Everything a write can change, read through the port, to prove that a refused request changed nothing:
 * every upload with all its fields and rows (withdrawals included) in id order; per period, which uploads
 * are current, with their printed names, order and labels; the stored sums a series reads; and what is
 * remembered for every Idempotency-Key the app was sent, for each client (no other key can have been stored).
 */
export async function storedData(t: Pick<TestApp, 'store' | 'config' | 'idempotencyKeys'>): Promise<string> {
  const { store } = t;
  const total = await store.countUploads({ limit: 0, offset: 0 });
  const listed = await store.listUploads({ limit: total, offset: 0 });
  const uploads = await Promise.all([...listed].sort((a, b) => a.id - b.id).map((u) => store.getUpload(u.id)));
  const periods = await store.periods();
  const current = await Promise.all(periods.map(async (period) => {
    const standing = await store.currentUploads(period);
    const printed = await Promise.all(standing.map((u) => store.printedUpload(u.regionCode, period)));
    return { period, printed, labels: [...(await store.regionLabels(period))] };
  }));
  const sums = await store.uploadSums();
  const remembered = await Promise.all([...t.idempotencyKeys].sort().flatMap((key) =>
    [...new Set(t.config.API_KEYS.map((k) => k.name))].map(async (name) => ({ client: name, key, answer: await store.rememberedAnswer(name, key, LONG_AGO) }))));
  return JSON.stringify({ uploads, current, sums, remembered: remembered.filter((r) => r.answer !== undefined) });
}

/**
 * The real app for the tests of a describe block, fresh for each test or shared by the block; after them
 * every response it gave is checked against the OpenAPI document, and it is closed.
 */
export function appUnderTest(scope: 'each' | 'all', env: Record<string, string> = {}): () => TestApp {
  let t: TestApp | undefined;
  const [setUp, tearDown] = scope === 'each' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  setUp(async () => {
    t = await createTestApp(env);
  });
  tearDown(async () => {
    const done = t;
    t = undefined;
    if (!done) return;
    try {
      expectResponsesMatchContract(done);
    } finally {
      await done.close();
    }
  });
  return () => {
    if (!t) throw new Error('The app exists only while a test runs.');
    return t;
  };
}

/**
 * For a suite of refused requests: each test must leave the stored data exactly as it was, and every answer
 * must match the OpenAPI document; the app is closed after the suite.
 */
export function eachTestStoresNothing(app: () => TestApp): void {
  let before: string;
  beforeEach(async () => {
    before = await storedData(app());
  });
  afterEach(async () => {
    expect(await storedData(app())).toBe(before);
  });
  afterAll(async () => {
    expectResponsesMatchContract(app());
    await app().close();
  });
}
