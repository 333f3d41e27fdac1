/**
 * The service reaching PostgreSQL through pgbouncer in transaction mode, as managed PostgreSQL often offers
 * it (a pgbouncer of this file's own, in front of the run's cluster). Stores opened at once migrate an empty
 * database once, under a lock that does not outlive its transaction. Service processes upload and read
 * through it. NEEDS THE BUILD: the instances run dist/ (`npm test` builds first; with plain jest run
 * `npm run build` before).
 *
 * pgbouncer in transaction mode hands each transaction whichever server connection is free, so a LISTEN
 * through it hears nothing (shown first with plain clients). An instance in transaction mode therefore
 * does not listen, and learns of another's commit only through its periodic version check
 * (DATABASE_VERSION_CHECK_MS). That is shown both ways: with the check every 200 ms the new figures are
 * served; with the check an hour away they are not, while an instance connected directly, with the same
 * hour-long check, serves them at once by notification.
 */
import { randomBytes } from 'node:crypto';
import { Client, Pool } from 'pg';
import type { NewUpload } from '../../src/domain/ports';
import type { Region } from '../../src/domain/reference';
import type { Touched } from '../../src/domain/staleness';
import { openPostgresStore } from '../../src/storage/postgres/open-postgres';
import { poolOptions } from '../../src/storage/postgres/pool-mode';
import { FiguresDatabase } from '../../src/storage/figures-store';
import { openPostgres } from '../../src/storage/postgres/postgres-engine';
import { expectFreshBuild, startChild, stopChildren } from '../support/child-processes';
import { fetchJson } from '../support/live-server';
import { get, Instance, postJson, startInstance, stopInstance } from '../support/service-instances';
import { Pgbouncer, startPgbouncer } from '../support/pgbouncer';
import { clusterPort } from '../support/postgres-database';
import { markedUpload, referenceRegions } from '../support/region-batches';
import { WRITER_KEY } from '../support/test-app';
import { currentUpload, saveUploads } from '../support/stores';
import { publicationTable, regionFigures, TSV } from '../tables/publication-files';

/** The fallback's interval for the instance that relies on it. */
const CHECK_MS = 200;
/** Far beyond any wait of this file: an instance with this interval learns of changes by notification or not at all. */
const NO_CHECK_MS = 3_600_000;
/**
 * How long a poll may take before failing: well above CHECK_MS plus the cache's 10 ms, so that only a
 * missing fallback fails it, not a slow machine. The bound itself is measured in bench/, not asserted here.
 */
const POLL_LIMIT_MS = 10_000;
/**
 * How long what cannot hear notifications is watched after a listener connected directly has heard one
 * (measured: a few ms; the README's bound with notifications: 1 s). Were notifications to pass, they
 * would arrive in this window; a slow machine can only shorten the wait that matters, never fail the
 * test wrongly.
 */
const DEAF_WINDOW_MS = 2000;

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, ms: number): Promise<T> {
  const start = performance.now();
  for (;;) {
    const value = await probe();
    if (ok(value)) return value;
    if (performance.now() - start > ms) throw new Error(`not within ${ms} ms; last: ${JSON.stringify(value).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const TOTALS = '/v1/regions/AM05/totals?period=2026-06';

/** Reads twice, so that the instance keeps the answer, and returns the register read. */
async function cached(instance: Instance): Promise<number> {
  await get(instance.base, TOTALS);
  const res = await get(instance.base, TOTALS);
  expect(res.status).toBe(200);
  return res.body.registerTotal as number;
}

/** A database of the run's cluster, reached directly. */
const directUrl = (database: string) => `postgres://postgres@127.0.0.1:${clusterPort()}/${database}`;

async function admin<T>(database: string, body: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: directUrl(database) });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** An empty database of the run's cluster, dropped after `body`. */
async function withEmptyDatabase<T>(body: (name: string) => Promise<T>): Promise<T> {
  const name = `sonar_bouncer_${randomBytes(4).toString('hex')}`;
  await admin('postgres', (client) => client.query(`CREATE DATABASE ${name}`));
  try {
    return await body(name);
  } finally {
    await admin('postgres', (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

/** What start-up left in a database: migrations recorded (and their distinct versions), reference data, advisory locks still held. */
async function startedState(database: string) {
  return admin(database, async (client) => (await client.query<{ migrations: number; versions: number; regions: number; gemeenten: number; locks: number }>(
    `SELECT (SELECT count(*)::int FROM schema_migrations) AS migrations, (SELECT count(DISTINCT version)::int FROM schema_migrations) AS versions,
       (SELECT count(*)::int FROM classification_regions WHERE year = 2026) AS regions, (SELECT count(*)::int FROM classification_gemeenten WHERE year = 2026) AS gemeenten,
       (SELECT count(*)::int FROM pg_locks l JOIN pg_database d ON d.oid = l.database
        WHERE l.locktype = 'advisory' AND d.datname = current_database()) AS locks`)).rows[0]);
}

let bouncer: Pgbouncer;
/** The same in session mode: each client keeps one server connection, so LISTEN hears. */
let sessionBouncer: Pgbouncer;

beforeAll(async () => {
  [bouncer, sessionBouncer] = await Promise.all([startPgbouncer(clusterPort()), startPgbouncer(clusterPort(), 'session')]);
});

afterAll(async () => {
  await Promise.all([bouncer?.stop(), sessionBouncer?.stop()]);
});

/** An upload of all of Twente's gemeenten, its register `marker`. */
async function twente(store: FiguresDatabase, marker: number): Promise<NewUpload> {
  const region = (await store.referenceData()).find((r) => r.code === 'AM05') as Region;
  return {
    regionCode: region.code, period: '2026-06', registerTotal: marker, uploadedBy: 'writer', source: 'json',
    rows: region.gemeenten.map((g) => ({ code: g.code, name: g.name, gemeenteClients: { withProfile: 1, withoutProfile: 2 }, uwvClients: { withProfile: 3, withoutProfile: 4 } })),
  };
}

describe('Stores opened through pgbouncer', () => {
  test('When a client LISTENs through pgbouncer in transaction mode, then commits\' notifications never reach it, while a client listening directly hears them', async () => {
    const channel = `sonar_probe_${randomBytes(4).toString('hex')}`;
    const listeners = { direct: new Client({ connectionString: directUrl('postgres') }), pooled: new Client({ connectionString: bouncer.url('postgres') }) };
    const heard = { direct: 0, pooled: 0 };
    for (const [name, client] of Object.entries(listeners) as Array<[keyof typeof heard, Client]>) {
      client.on('notification', (message) => { if (message.channel === channel) heard[name]++; });
      await client.connect();
    }
    try {
      for (const client of Object.values(listeners)) await client.query(`LISTEN ${channel}`);
      await admin('postgres', async (writer) => {
        for (let i = 0; i < 5; i++) await writer.query('SELECT pg_notify($1, $2)', [channel, String(i)]);
      });
      await eventually(async () => heard.direct, (n) => n === 5, POLL_LIMIT_MS);
      await new Promise((resolve) => setTimeout(resolve, DEAF_WINDOW_MS));
      await listeners.pooled.query('SELECT 1');
      expect(heard).toEqual({ direct: 5, pooled: 0 });
    } finally {
      await Promise.all(Object.values(listeners).map((client) => client.end()));
    }
  });

  test('When four stores open one empty database at once, then it is migrated and its reference data loaded once, and no lock is left behind', async () => {
    await withEmptyDatabase(async (database) => {
      const stores = await Promise.all([1, 2, 3, 4].map(() => openPostgres(bouncer.url(database), { poolMode: 'transaction' })));
      try {
        const state = await startedState(database);
        expect(state.migrations).toBe(state.versions);
        expect(state).toEqual({ ...state, regions: 35, gemeenten: 342, locks: 0 });
        for (const store of stores) expect(store.isAvailable()).toBe(true);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
    });
  });

  test('When a session-mode pool connects, directly or through pgbouncer in session mode (which refuses them as startup parameters), then each connection is bounded', async () => {
    for (const url of [directUrl('postgres'), sessionBouncer.url('postgres')]) {
      const pool = new Pool({ connectionString: url, max: 1, ...poolOptions('session', { statementTimeoutMs: 1234, idleInTransactionMs: 5678 }) });
      try {
        const { rows } = await pool.query("SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle");
        expect({ url, limits: rows }).toEqual({ url, limits: [{ statement: '1234ms', idle: '5678ms' }] });
      } finally {
        await pool.end();
      }
    }
  });

  test('When two stores share a database through pgbouncer in session mode, then one learns of the other\'s commit by notification', async () => {
    await withEmptyDatabase(async (database) => {
      // As the service opens them: its check that the pooler does not share sessions lets them through.
      const open = (checkMs: number) => openPostgresStore({ DATABASE_URL: sessionBouncer.url(database), DATABASE_VERSION_CHECK_MS: checkMs, DATABASE_POOL_MODE: 'session' });
      const [a, b] = await Promise.all([open(1000), open(NO_CHECK_MS)]);
      try {
        b.foreignChanges();
        const learnt: Touched[][] = [];
        const [{ uploadedAt }] = await saveUploads(a, [await twente(a, 7)], () => new Date().toISOString());
        await eventually(async () => learnt.push(...b.foreignChanges()), (n) => n > 0, POLL_LIMIT_MS);
        expect(learnt).toEqual([[{ regionCode: 'AM05', period: '2026-06', at: uploadedAt }]]);
        expect((await currentUpload(b, 'AM05', '2026-06'))?.registerTotal).toBe(7);
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });

  test.each([
    ['BEGIN', 'on'],
    // As a write or a claim begins: with more in the same round trip, which the limits must bound too.
    ['BEGIN; SET LOCAL synchronous_commit TO off', 'off'],
  ])('When a transaction begins on a transaction-mode client with %p, then it runs under the limits, which end with it', async (begin, synchronous) => {
    const pool = new Pool({ connectionString: bouncer.url('postgres'), max: 1, ...poolOptions('transaction', { statementTimeoutMs: 1234, idleInTransactionMs: 5678 }) });
    const client = await pool.connect();
    try {
      const limits = { name: 'limits', text: "SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle, current_setting('synchronous_commit') AS synchronous", values: [] };
      await client.query(begin);
      expect((await client.query(limits)).rows).toEqual([{ statement: '1234ms', idle: '5678ms', synchronous }]);
      await client.query('COMMIT');
      // Gone with their transaction: the server connection serves its next client without them.
      expect((await client.query(limits)).rows).toEqual([{ statement: '0', idle: '0', synchronous: 'on' }]);
    } finally {
      client.release();
      await pool.end();
    }
  });
});

describe('Service processes through pgbouncer in transaction mode (DATABASE_POOL_MODE=transaction)', () => {
  const database = `sonar_bouncer_${randomBytes(4).toString('hex')}`;
  /** A writes; B learns of changes by its version check; C neither listens nor checks; D listens, directly, and does not check. */
  let a: Instance;
  let b: Instance;
  let c: Instance;
  let d: Instance;

  beforeAll(async () => {
    expectFreshBuild();
    // An empty database: the instances migrate it as they start, at once.
    await admin('postgres', (client) => client.query(`CREATE DATABASE ${database}`));
    const pooled = { DATABASE_POOL_MODE: 'transaction' };
    [a, b, c, d] = await Promise.all([
      startInstance(bouncer.url(database), pooled),
      startInstance(bouncer.url(database), { ...pooled, DATABASE_VERSION_CHECK_MS: String(CHECK_MS) }),
      startInstance(bouncer.url(database), { ...pooled, DATABASE_VERSION_CHECK_MS: String(NO_CHECK_MS) }),
      startInstance(directUrl(database), { DATABASE_VERSION_CHECK_MS: String(NO_CHECK_MS) }),
    ]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a, b, c, d].map(stopInstance));
    stopChildren();
    await admin('postgres', (client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  });

  test('When the instances start at once on an empty database, then it is migrated and its reference data loaded once, and all are ready', async () => {
    const state = await startedState(database);
    expect(state.migrations).toBe(state.versions);
    expect(state).toEqual({ ...state, regions: 35, gemeenten: 342, locks: 0 });
    for (const instance of [a, b, c, d]) expect((await get(instance.base, '/ready')).status).toBe(200);
  });

  test('When an instance is pointed at pgbouncer in transaction mode without DATABASE_POOL_MODE=transaction, then it refuses to start and says so', async () => {
    // A database of its own, so that no other instance's traffic takes pgbouncer's server connections.
    await withEmptyDatabase(async (own) => {
      const child = startChild('dist/src/server.js', [], {
        PORT: '0', HOST: '127.0.0.1', DATABASE_URL: bouncer.url(own), API_KEYS: `writer:${WRITER_KEY}`, LOG_LEVEL: 'info', RATE_LIMIT: 'false',
      });
      const outcome = await child.line((l) => l.includes('"listening"'), 20_000).then(() => 'started', () => 'ended');
      child.process.kill('SIGKILL');
      const { code } = await child.closed;
      expect({ outcome, code }).toEqual({ outcome: 'ended', code: 1 });
      expect(child.stderr()).toContain('set DATABASE_POOL_MODE=transaction');
    });
  });

  test(`When A answers 201, then B, its answers cached, serves the new figures through its version check every ${CHECK_MS} ms`, async () => {
    for (let marker = 1; marker <= 5; marker++) {
      if (marker > 1) expect(await cached(b)).toBe(marker - 1);
      expect((await postJson(a.base, markedUpload('AM05', '2026-06', marker))).status).toBe(201);
      const res = await eventually(() => get(b.base, TOTALS), (r) => r.status === 200 && r.body.registerTotal === marker, POLL_LIMIT_MS);
      expect(res.body.registerTotal).toBe(marker);
    }
  });

  test('When A answers 201, then C, through pgbouncer with its check an hour away, keeps serving the old figures, while D, connected directly with the same check, serves the new ones by notification', async () => {
    const before = await cached(c);
    expect(await cached(d)).toBe(before);
    const marker = before + 100;
    expect((await postJson(a.base, markedUpload('AM05', '2026-06', marker))).status).toBe(201);
    // The notification was sent and reaches an instance that listens on PostgreSQL itself.
    await eventually(() => get(d.base, TOTALS), (r) => r.body.registerTotal === marker, POLL_LIMIT_MS);
    const watched: number[] = [];
    const until = performance.now() + DEAF_WINDOW_MS;
    while (performance.now() < until) {
      watched.push((await get(c.base, TOTALS)).body.registerTotal as number);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(watched.length).toBeGreaterThan(0);
    expect(new Set(watched)).toEqual(new Set([before]));
    // B, checking, has it; and C reads it too once it is no longer served from its cache (uncached read).
    await eventually(() => get(b.base, TOTALS), (r) => r.body.registerTotal === marker, POLL_LIMIT_MS);
    expect((await get(c.base, `${TOTALS}&asOf=${new Date().toISOString()}`)).body.registerTotal).toBe(marker);
  });

  test('When uploads and a table import go through A and B at once, then every 201 is in the history, the last committed is current, and both serve it', async () => {
    const regions = ['AM01', 'AM02', 'AM03'];
    const sent = Array.from({ length: 24 }, (_, i) => markedUpload(regions[i % 3], '2026-09', 1000 + i));
    const tables = referenceRegions().slice(0, 5).map((r) => publicationTable(regionFigures(r.code, 7))).join('');
    const [answers, imported] = await Promise.all([
      Promise.all(sent.map((body, i) => postJson(i % 2 ? a.base : b.base, body))),
      fetchJson(`${b.base}/v1/uploads?period=2026-12`, {
        method: 'POST', signal: AbortSignal.timeout(10_000), headers: { 'Content-Type': TSV, 'X-API-Key': WRITER_KEY }, body: tables,
      }),
    ]);
    expect(answers.map((r) => r.status)).toEqual(Array(sent.length).fill(201));
    expect(imported.status).toBe(201);
    expect(imported.body.uploads).toHaveLength(5);

    const history = await get(a.base, '/v1/uploads?period=2026-09&limit=1000');
    const listed = history.body.uploads as Array<{ id: number; region: { code: string }; current: boolean }>;
    const accepted = answers.map((r, i) => ({ id: r.body.uploads[0].id as number, body: sent[i] }));
    expect(listed.map((u) => u.id).sort((x, y) => x - y)).toEqual(accepted.map((x) => x.id).sort((x, y) => x - y));
    for (const region of regions) {
      const last = accepted.filter((x) => x.body.region === region).reduce((max, x) => (x.id > max.id ? x : max));
      expect({ region, current: listed.filter((u) => u.region.code === region && u.current).map((u) => u.id) }).toEqual({ region, current: [last.id] });
      for (const instance of [a, b]) {
        await eventually(() => get(instance.base, `/v1/regions/${region}/totals?period=2026-09`),
          (res) => res.status === 200 && res.body.registerTotal === last.body.registerTotal, POLL_LIMIT_MS);
      }
    }
    const tableHistory = await get(a.base, '/v1/uploads?period=2026-12&limit=1000');
    expect((tableHistory.body.uploads as Array<{ current: boolean }>).filter((u) => u.current)).toHaveLength(5);
  });
});
