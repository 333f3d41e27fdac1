/**
 * Webhooks across service processes: on one PostgreSQL database two instances share the outbox, each
 * delivery attempted by one at a time; an instance (PostgreSQL, or SQLite's one process) killed with SIGKILL
 * while the receiver holds one of its deliveries leaves it to the next once the lease has passed, so that
 * every event arrives, duplicates only as redeliveries with the first attempt's webhook-id.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expectFreshBuild, stopChildren } from '../support/child-processes';
import { buildUpload } from '../support/factories';
import { fetchJson } from '../support/live-server';
import { freshDatabase, TestDatabase } from '../support/postgres-database';
import { get, Instance, postJson, startInstance, stopInstance } from '../support/service-instances';
import { WRITER_KEY } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';

const WEBHOOKS = {
  WEBHOOK_SECRETS_KEY: 'a-test-key-of-at-least-32-characters', WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
  // An attempt the receiver holds ends by the kill long before its timeout; the lease then passes soon after a restart.
  WEBHOOK_TIMEOUT_MS: '4000', WEBHOOK_LEASE_MS: '5000', WEBHOOK_POLL_MS: '50', WEBHOOK_RETRY_SCHEDULE: '100ms,200ms,500ms,1s,1s,1s,1s,1s,1s,1s',
};

const REGIONS = ['AM05', 'AM01', 'AM02', 'AM03'];
const GEMEENTE: Record<string, string> = { AM05: 'Almelo', AM01: 'Groningen', AM02: 'Leeuwarden', AM03: 'Emmen' };
const uploadOf = (i: number) => buildUpload({
  region: REGIONS[i % REGIONS.length], period: `20${22 + Math.floor(i / (REGIONS.length * 12))}-${String((Math.floor(i / REGIONS.length) % 12) + 1).padStart(2, '0')}`,
  registerTotal: i, gemeenten: [{ gemeente: GEMEENTE[REGIONS[i % REGIONS.length]], gemeenteClients: { withProfile: 1, withoutProfile: i }, uwvClients: { withProfile: 0, withoutProfile: 0 } }],
});

async function subscribe(base: string, url: string): Promise<string> {
  const res = await fetchJson(`${base}/v1/subscriptions`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-API-Key': WRITER_KEY }, body: JSON.stringify({ url }), signal: AbortSignal.timeout(10_000),
  });
  expect(res.status).toBe(201);
  return (res.body as { secret: string }).secret;
}

async function feed(base: string): Promise<unknown[]> {
  const events: unknown[] = [];
  let after = '';
  for (;;) {
    const page = (await get(base, `/v1/events?limit=1000${after ? `&after=${after}` : ''}`)).body as { events: unknown[]; next: string };
    if (page.events.length === 0) return events;
    events.push(...page.events);
    after = page.next;
  }
}

/** Waits for an observable state (polled), and fails saying which when it does not come. */
async function waitFor(done: () => boolean, ms: number, what: string): Promise<void> {
  for (const end = Date.now() + ms; !done();) {
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Each event accepted, its ids accepted once at least; and per region in commit order of first acceptance. */
function acceptedIds(receiver: WebhookReceiver): Set<string> {
  return new Set(receiver.accepted().map((e) => e.id));
}

/**
 * Uploads in rounds of ten; in each the receiver holds one delivery (a different one each run) without
 * answering, and once it has it the instance is killed with SIGKILL and started again. Every event must then
 * be accepted; each held delivery arrives again with its webhook-id and is accepted once; any other
 * duplicate (outcomes not yet recorded at the kill) carries its first attempt's webhook-id.
 */
async function killedWhileDelivering(receiver: WebhookReceiver, start: () => Promise<Instance>, instances: Instance[], kills: number): Promise<void> {
  receiver.delayMs = 20;
  let instance = await start();
  instances.push(instance);
  receiver.secret = await subscribe(instance.base, receiver.url);
  const seed = Date.now() % 1000;
  const held: string[] = [];
  let uploads = 0;
  for (let kill = 0; kill < kills; kill++) {
    const holdAt = receiver.received.length + 1 + ((seed + kill) % 4);
    receiver.answer = (n) => (n === holdAt ? 'hang' : 204);
    for (let i = 0; i < 10; i++, uploads++) expect((await postJson(instance.base, uploadOf(uploads))).status).toBe(201);
    await waitFor(() => receiver.received.length >= holdAt, 30_000, `delivery ${holdAt} to reach the receiver`);
    instance.child.process.kill('SIGKILL');
    await instance.child.closed;
    const webhookId = receiver.received[holdAt - 1].webhookId;
    held.push(webhookId);
    // The kill interrupted the attempt: the instance never logged an outcome of it.
    expect(instance.child.lines.filter((line) => line.includes(`"webhookId":"${webhookId}"`))).toEqual([]);
    instance = await start();
    instances.push(instance);
    // Once its lease has passed the next instance delivers the held one; the next kill comes after that is
    // recorded, so that it is accepted once (a kill before the record would rightly deliver it again).
    const recorded = new RegExp(`"webhookId":"${webhookId}".*"outcome":"delivered"`);
    await waitFor(() => instance.child.lines.some((line) => recorded.test(line)), 30_000, `${webhookId} to be delivered again and recorded`);
  }
  await waitFor(() => acceptedIds(receiver).size >= uploads, 90_000, `all ${uploads} events to be accepted`);

  expect(acceptedIds(receiver).size).toBe(uploads);
  for (const webhookId of held) {
    const arrivals = receiver.received.filter((r) => r.webhookId === webhookId).map((r) => r.status);
    expect({ webhookId, first: arrivals[0], accepted: arrivals.filter((status) => status === 204).length }).toEqual({ webhookId, first: 0, accepted: 1 });
  }
  const firstIdOf = new Map<string, string>();
  for (const r of receiver.received) {
    if (!firstIdOf.has(r.event.id)) firstIdOf.set(r.event.id, r.webhookId);
    expect({ event: r.event.id, webhookId: r.webhookId }).toEqual({ event: r.event.id, webhookId: firstIdOf.get(r.event.id) });
  }
  expect(receiver.received.every((r) => r.verified)).toBe(true);
}

describe('Webhooks across service processes on one PostgreSQL database', () => {
  let database: TestDatabase;
  let receiver: WebhookReceiver;
  const instances: Instance[] = [];

  beforeAll(() => {
    expectFreshBuild();
  });
  beforeEach(async () => {
    database = await freshDatabase();
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => stopInstance(i)));
    stopChildren();
    await receiver.close();
    await database?.drop();
  });

  test('When instances are killed with SIGKILL while the receiver holds one of their deliveries, then after a restart every event is delivered, the held one again with its webhook-id and accepted once', async () => {
    await killedWhileDelivering(receiver, () => startInstance(database.url, WEBHOOKS, 60_000), instances, 4);
  }, 240_000);

  test('When 200 uploads go through two instances to one receiver, then every event is delivered, no delivery is attempted by both at once, and the feed is the same through either', async () => {
    instances.push(await startInstance(database.url, WEBHOOKS));
    instances.push(await startInstance(database.url, WEBHOOKS));
    const [a, b] = instances;
    receiver.secret = await subscribe(a.base, receiver.url);
    receiver.delayMs = 5;

    for (let i = 0; i < 200; i++) expect((await postJson(i % 2 === 0 ? a.base : b.base, uploadOf(i))).status).toBe(201);
    await waitFor(() => acceptedIds(receiver).size >= 200, 60_000, 'all 200 events to be accepted');

    expect(acceptedIds(receiver).size).toBe(200);
    expect(receiver.received.every((r) => r.verified)).toBe(true);
    expect(receiver.overlaps).toBe(0);
    expect(receiver.received).toHaveLength(200); // no instance crashed: no redelivery at all
    for (const region of REGIONS) {
      const ids = receiver.accepted().filter((e) => e.data.region.code === region).map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    }
    const [throughA, throughB] = await Promise.all([feed(a.base), feed(b.base)]);
    expect(throughA).toHaveLength(200);
    expect(throughB).toEqual(throughA);
  }, 180_000);
});

describe('Webhooks of a SQLite service process', () => {
  let dir: string;
  let receiver: WebhookReceiver;
  const instances: Instance[] = [];

  beforeAll(() => {
    expectFreshBuild();
  });
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sonar-webhooks-'));
    receiver = await WebhookReceiver.start();
  });
  afterEach(async () => {
    await Promise.all(instances.splice(0).map((i) => stopInstance(i)));
    stopChildren();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('When the process is killed with SIGKILL while the receiver holds one of its deliveries, then after a restart every event is delivered, the held one again with its webhook-id and accepted once', async () => {
    await killedWhileDelivering(receiver, () => startInstance({ file: path.join(dir, 'sonar.db') }, WEBHOOKS, 60_000), instances, 3);
  }, 240_000);
});
