/**
 * Several service processes on one PostgreSQL database, as behind a load balancer. NEEDS THE BUILD: the
 * instances run dist/ (`npm test` builds first; with plain jest run `npm run build` before).
 *
 * Uploads through A are read through B within the documented bound; concurrent uploads through both are all
 * in the history with the last committed current; an instance killed with SIGKILL mid-import leaves no half
 * of it and the other keeps serving; PostgreSQL stopped and started under load makes /ready 503 and back,
 * with 503 problems and never a 500 or a hang.
 */
import { Client } from 'pg';
import { expectFreshBuild, stopChildren } from '../support/child-processes';
import { fetchJson } from '../support/live-server';
import { get, Instance, postJson, startInstance, stopInstance } from '../support/service-instances';
import { Cluster, startCluster } from '../support/postgres-cluster';
import { freshDatabase, TestDatabase } from '../support/postgres-database';
import { markedUpload, referenceRegions } from '../support/region-batches';
import { WRITER_KEY } from '../support/test-app';
import { publicationTable, regionFigures, TSV } from '../tables/publication-files';

/**
 * The documented read-after-write bound across instances while notifications arrive (README, "Several
 * instances"): B serves what A committed this soon after A's 201. Measured waits are a few milliseconds.
 */
const READ_AFTER_WRITE_BOUND_MS = 1000;

async function eventually<T>(probe: () => Promise<T>, ok: (value: T) => boolean, ms: number): Promise<{ value: T; waited: number }> {
  const start = performance.now();
  for (;;) {
    const value = await probe();
    if (ok(value)) return { value, waited: performance.now() - start };
    if (performance.now() - start > ms) throw new Error(`not within ${ms} ms; last: ${JSON.stringify(value).slice(0, 300)}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
}

describe('Two service processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let a: Instance;
  let b: Instance;

  beforeAll(async () => {
    expectFreshBuild();
    database = await freshDatabase();
    // B's fallback check is slowed down to a minute: only the notification can explain a quick read-after-write.
    [a, b] = await Promise.all([startInstance(database.url), startInstance(database.url, { DATABASE_VERSION_CHECK_MS: '60000' })]);
  });

  afterAll(async () => {
    await Promise.all([stopInstance(a), stopInstance(b)]);
    stopChildren();
    await database?.drop();
  });

  test(`When A answers 201, then B, its answers cached, serves the new figures within ${READ_AFTER_WRITE_BOUND_MS} ms`, async () => {
    const waits: number[] = [];
    for (let marker = 1; marker <= 15; marker++) {
      // Read through B twice first, so that B keeps the previous answer.
      if (marker > 1) {
        await get(b.base, '/v1/regions/AM05/totals?period=2026-06');
        expect((await get(b.base, '/v1/regions/AM05/totals?period=2026-06')).body.registerTotal).toBe(marker - 1);
      }
      expect((await postJson(a.base, markedUpload('AM05', '2026-06', marker))).status).toBe(201);
      const { waited } = await eventually(() => get(b.base, '/v1/regions/AM05/totals?period=2026-06'),
        (res) => res.status === 200 && res.body.registerTotal === marker, READ_AFTER_WRITE_BOUND_MS);
      waits.push(waited);
    }
    expect(Math.max(...waits)).toBeLessThan(READ_AFTER_WRITE_BOUND_MS);
  });

  test('When A commits an upload to another region, then B keeps its answer (same ETag, 304); one to its own region is stale at B at once', async () => {
    const totals = '/v1/regions/AM05/totals?period=2026-11';
    const keptServed = async () => Number(/^kept_answers_served_total (\d+)$/m.exec(String((await get(b.base, '/metrics')).body))?.[1]);
    expect((await postJson(a.base, markedUpload('AM05', '2026-11', 1))).status).toBe(201);
    expect((await postJson(a.base, markedUpload('AM06', '2026-11', 1))).status).toBe(201);
    await eventually(() => get(b.base, totals), (res) => res.body.registerTotal === 1, READ_AFTER_WRITE_BOUND_MS);
    const etag = (await get(b.base, totals)).headers.get('etag') as string; // kept at B now

    expect((await postJson(a.base, markedUpload('AM06', '2026-11', 2))).status).toBe(201);
    await eventually(() => get(b.base, '/v1/regions/AM06/totals?period=2026-11'), (res) => res.body.registerTotal === 2, READ_AFTER_WRITE_BOUND_MS);
    const served = await keptServed();
    const revalidated = await fetch(`${b.base}${totals}`, { headers: { 'If-None-Match': etag } });

    expect(revalidated.status).toBe(304);
    expect(revalidated.headers.get('etag')).toBe(etag);
    expect(await keptServed()).toBe(served + 1); // served from B's kept answers: A's commit to AM06 left it alone

    expect((await postJson(a.base, markedUpload('AM05', '2026-11', 2))).status).toBe(201);
    const { value } = await eventually(() => fetchJson(`${b.base}${totals}`, { headers: { 'If-None-Match': etag } }),
      (res) => res.status === 200 && (res.body as { registerTotal: number }).registerTotal === 2, READ_AFTER_WRITE_BOUND_MS);
    expect(value.headers.get('etag')).not.toBe(etag);
  });

  test('When A commits an upload stored after the instant of an answer as of it, then B keeps that answer; one as of a later instant is stale at B at once', async () => {
    const totals = '/v1/regions/AM05/totals?period=2026-10';
    const keptServed = async () => Number(/^kept_answers_served_total (\d+)$/m.exec(String((await get(b.base, '/metrics')).body))?.[1]);
    expect((await postJson(a.base, markedUpload('AM05', '2026-10', 1))).status).toBe(201);
    await eventually(() => get(b.base, totals), (res) => res.body.registerTotal === 1, READ_AFTER_WRITE_BOUND_MS);
    const instant = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5)); // A's next write is stored after the instant
    const before = `${totals}&asOf=${instant}`;
    const later = `${totals}&asOf=${new Date(Date.now() + 3_600_000).toISOString()}`; // every write now is before it
    for (const url of [before, later]) expect((await get(b.base, url)).body.registerTotal).toBe(1);
    const [beforeEtag, laterEtag] = await Promise.all([before, later].map(async (url) => (await get(b.base, url)).headers.get('etag') as string)); // kept at B now

    expect((await postJson(a.base, markedUpload('AM05', '2026-10', 2))).status).toBe(201);
    await eventually(() => get(b.base, totals), (res) => res.body.registerTotal === 2, READ_AFTER_WRITE_BOUND_MS);
    const served = await keptServed();
    const revalidated = await fetch(`${b.base}${before}`, { headers: { 'If-None-Match': beforeEtag } });
    expect(revalidated.status).toBe(304);
    expect(await keptServed()).toBe(served + 1); // A's notification said when its write was stored: after the instant

    const stale = await fetchJson(`${b.base}${later}`, { headers: { 'If-None-Match': laterEtag } });
    expect(stale.status).toBe(200);
    expect((stale.body as { registerTotal: number }).registerTotal).toBe(2);
  });

  test('When uploads go through both at once, then every 201 is in the history and the last committed is current', async () => {
    const regions = ['AM01', 'AM02', 'AM03'];
    const sent = Array.from({ length: 30 }, (_, i) => markedUpload(regions[i % 3], '2026-09', 1000 + i));
    const answers = await Promise.all(sent.map((body, i) => postJson(i % 2 ? a.base : b.base, body)));
    expect(answers.map((r) => r.status)).toEqual(Array(30).fill(201));
    const accepted = answers.map((r, i) => ({ id: r.body.uploads[0].id as number, body: sent[i] }));

    const history = await get(a.base, '/v1/uploads?period=2026-09&limit=1000');
    const listed = history.body.uploads as Array<{ id: number; region: { code: string }; current: boolean; registerTotal: number }>;
    expect(listed.map((u) => u.id).sort((x, y) => x - y)).toEqual(accepted.map((x) => x.id).sort((x, y) => x - y));
    for (const region of regions) {
      const last = accepted.filter((x) => x.body.region === region).reduce((max, x) => (x.id > max.id ? x : max));
      expect({ region, current: listed.filter((u) => u.region.code === region && u.current).map((u) => u.id) }).toEqual({ region, current: [last.id] });
      for (const instance of [a, b]) {
        const totals = await eventually(() => get(instance.base, `/v1/regions/${region}/totals?period=2026-09`),
          (res) => res.body.registerTotal === last.body.registerTotal, READ_AFTER_WRITE_BOUND_MS);
        expect(totals.value.status).toBe(200);
      }
    }
  });

  test('When an instance is killed with SIGKILL in the middle of table imports, then the other keeps serving and only whole imports are stored', async () => {
    const regions = referenceRegions().map((r) => r.code);
    const file = (seed: number) => regions.map((code) => publicationTable(regionFigures(code, seed))).join('');
    const files = [file(1), file(2)];
    for (let kill = 0; kill < 4; kill++) {
      const victim = await startInstance(database.url);
      // Imports one after another until the kill lands, somewhere in reading, staging or committing.
      let killed = false;
      const importing = (async () => {
        for (let n = 0; !killed; n++) {
          const answer = await fetchJson(`${victim.base}/v1/uploads?period=2025-03`, {
            method: 'POST', signal: AbortSignal.timeout(10_000),
            headers: { 'Content-Type': TSV, 'X-API-Key': WRITER_KEY }, body: files[n % 2],
          }).catch(() => undefined); // the kill cut the connection
          if (answer === undefined) return;
          expect(answer.status).toBe(201);
        }
      })();
      await new Promise((resolve) => setTimeout(resolve, 50 + 150 * kill));
      killed = true;
      victim.child.process.kill('SIGKILL');
      await victim.child.closed;
      await importing;

      expect((await get(b.base, '/ready')).status).toBe(200);
      const total = Number((await get(b.base, '/v1/uploads?period=2025-03&limit=1')).headers.get('total-count'));
      expect(total % regions.length).toBe(0);
      // The current uploads of the period are one whole import: consecutive ids, one per region.
      const national = await get(b.base, '/v1/uploads?period=2025-03&limit=1000');
      const current = (national.body.uploads as Array<{ id: number; current: boolean }>).filter((u) => u.current).map((u) => u.id).sort((x, y) => x - y);
      if (total > 0) {
        expect(current).toHaveLength(regions.length);
        expect(current[current.length - 1] - current[0]).toBe(regions.length - 1);
      }
    }
  });
});

describe('One service process while PostgreSQL stops and starts under load (a cluster of its own)', () => {
  let cluster: Cluster;
  let instance: Instance | undefined;

  afterAll(async () => {
    await stopInstance(instance);
    stopChildren();
    cluster?.remove();
  });

  test('When PostgreSQL stops, then /ready is 503 and requests get 503 problems, never a 500 or a hang; when it is back, all recovers by itself', async () => {
    expectFreshBuild();
    cluster = await startCluster();
    const admin = new Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE sonar');
    await admin.end();
    instance = await startInstance(cluster.url('sonar'), { DATABASE_VERSION_CHECK_MS: '100' });
    const base = instance.base;
    expect((await postJson(base, markedUpload('AM05', '2026-06', 1))).status).toBe(201);

    const statuses: Array<{ path: string; status: number; type: string | null; retryAfter: string | null; started: number; ended: number }> = [];
    let loading = true;
    let marker = 2;
    const load = async () => {
      while (loading) {
        const started = performance.now();
        const answers = await Promise.all([
          get(base, '/v1/regions/AM05/totals?period=2026-06'),
          get(base, `/v1/regions/AM05/totals?period=2026-06&asOf=${new Date().toISOString()}`), // never cached
          postJson(base, markedUpload('AM05', '2026-09', marker++)),
        ]);
        const ended = performance.now();
        for (const [i, res] of answers.entries()) {
          statuses.push({ path: ['cached', 'uncached', 'upload'][i], status: res.status, type: res.headers.get('content-type'), retryAfter: res.headers.get('retry-after'), started, ended });
        }
      }
    };
    const loaded = load();
    await new Promise((resolve) => setTimeout(resolve, 300));

    cluster.stopServer();
    await eventually(() => get(base, '/ready'), (res) => res.status === 503, 5000);
    const outageFrom = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const outageTo = performance.now();
    cluster.startServer();
    await eventually(() => get(base, '/ready'), (res) => res.status === 200, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    loading = false;
    await loaded;

    expect(statuses.filter((s) => s.status >= 500 && s.status !== 503)).toEqual([]);
    // Sent and answered while it was down: uploads and uncached reads answered 503 problems with Retry-After.
    const refused = statuses.filter((s) => s.started >= outageFrom && s.ended <= outageTo && s.path !== 'cached');
    expect(refused.length).toBeGreaterThan(0);
    for (const s of refused) expect(s).toEqual({ ...s, status: 503, type: expect.stringContaining('application/problem+json'), retryAfter: expect.any(String) });
    // After it: uploads are stored again and read back.
    const after = await postJson(base, markedUpload('AM05', '2026-12', 99));
    expect(after.status).toBe(201);
    expect((await get(base, '/v1/regions/AM05/totals?period=2026-12')).body.registerTotal).toBe(99);
    // Nothing half-written: every upload the history holds has its three gemeenten.
    const history = await get(base, '/v1/uploads?limit=1000');
    for (const u of history.body.uploads as Array<{ id: number; gemeenteCount: number }>) expect({ id: u.id, gemeenteCount: u.gemeenteCount }).toEqual({ id: u.id, gemeenteCount: 3 });
  });
});
