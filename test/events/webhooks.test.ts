import type { LookupAddress } from 'node:dns';
import pino from 'pino';
import { EVENT_TYPES } from '../../src/domain/events';
import { DeliveryWorker } from '../../src/webhooks/delivery-worker';
import { deliverySettingsOf } from '../../src/webhooks/settings';
import type { HostResolver } from '../../src/webhooks/callback-urls';
import { loadConfig } from '../../src/config';
import { testStoreKind } from '../support/stores';
import { buildUpload } from '../support/factories';
import { createTestApp, expectResponsesMatchContract, OTHER_KEY, TestApp, WRITER_KEY } from '../support/test-app';
import { verifies, WebhookReceiver } from '../support/webhook-receiver';

const SECRETS_KEY = 'a-test-key-of-at-least-32-characters';
const TWENTE_KEY = 'test-twente-secret-0003';
const SCHEDULE = loadConfig({}).WEBHOOK_RETRY_SCHEDULE;

const groningen = (period: string) => ({ period, region: 'AM01', partial: true, gemeenten: [{ gemeente: 'Groningen', gemeenteClients: { withProfile: 1, withoutProfile: 2 }, uwvClients: { withProfile: 3, withoutProfile: 4 } }] });

/** The app with webhooks on (loopback allowed: the receiver is local), a receiver, and a worker on a clock the test moves. */
async function arrange(env: Record<string, string> = {}, { realClock = false, resolveHost }: { realClock?: boolean; resolveHost?: HostResolver } = {}) {
  const t = await createTestApp({ WEBHOOK_SECRETS_KEY: SECRETS_KEY, WEBHOOK_ALLOW_PRIVATE_URLS: 'true', API_KEYS: `writer:${WRITER_KEY},other:${OTHER_KEY},twente:${TWENTE_KEY}:AM05`, ...env },
    testStoreKind(), { resolveHost });
  const receiver = await WebhookReceiver.start();
  let now = Date.now(); // deliveries are due from their commit's instant, which the service takes from the real clock
  const clock = {
    advance: (ms: number) => { now += ms; },
    /** Deliveries are due from their commit's instant, which the service takes from the real clock: catch up with it. */
    catchUp: () => { now = Math.max(now, Date.now()); },
  };
  // random 0.5: no jitter, so the waits are the schedule's own.
  const worker = new DeliveryWorker(deliverySettingsOf(t.config, t.store.events, t.service, pino({ level: 'silent' }), { resolveHost, ...(realClock ? {} : { clock: () => new Date(now), random: () => 0.5 }) }));
  const subscribe = async (body: object = { url: receiver.url }, key = WRITER_KEY) => {
    const res = await t.http().post('/v1/subscriptions').set('X-API-Key', key).send(body).expect(201);
    receiver.secret = res.body.secret;
    return res.body as { id: string; secret: string };
  };
  const upload = async (body: object) => (await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(body).expect(201)).body.uploads[0];
  const subscription = async (id: string) => (await t.http().get(`/v1/subscriptions/${id}`).set('X-API-Key', WRITER_KEY).expect(200)).body;
  const arranged = {
    t, receiver, worker, clock, subscribe, upload, subscription,
    // The receiver a test has now: one that replaced the first must not keep jest from exiting.
    close: async () => {
      await worker.stop();
      await arranged.receiver.close();
      expectResponsesMatchContract(t);
      await t.close();
    },
  };
  return arranged;
}

type Arranged = Awaited<ReturnType<typeof arrange>>;

describe('Webhook deliveries to a real receiver that verifies with the standardwebhooks library', () => {
  let a: Arranged;
  afterEach(async () => {
    await a.close();
  });

  test('When the receiver fails the first three attempts and then accepts, then it gets each event exactly once as accepted, in commit order per region, the first retry within 10 s', async () => {
    a = await arrange();
    const { id } = await a.subscribe();
    const order = [];
    for (const period of ['2026-01', '2026-02', '2026-03']) {
      order.push(await a.upload(buildUpload({ period })));
      order.push(await a.upload(groningen(period)));
    }
    a.receiver.answer = (n) => (n <= 3 ? 500 : 204);
    a.clock.catchUp();

    expect(await a.worker.runOnce()).toBe(2); // the first of each region; later ones wait their turn
    a.clock.advance(SCHEDULE[0] - 1);
    expect(await a.worker.runOnce()).toBe(0);
    a.clock.advance(1);
    expect(SCHEDULE[0] * 1.2).toBeLessThanOrEqual(10_000); // with the largest jitter, still within 10 s
    expect(await a.worker.runOnce()).toBe(2);
    for (let round = 0; round < 50 && (await a.subscription(id)).counts.pending > 0; round++) {
      if ((await a.worker.runOnce()) === 0) a.clock.advance(60_000);
    }

    const accepted = a.receiver.accepted();
    expect(a.receiver.received.every((r) => r.verified && r.contentType === 'application/cloudevents+json; charset=utf-8')).toBe(true);
    expect(a.receiver.received.filter((r) => r.status === 500)).toHaveLength(3);
    expect(accepted.map((e) => e.data.uploadId).sort((x, y) => x - y)).toEqual(order.map((u) => u.id));
    for (const region of ['AM05', 'AM01']) {
      const ids = accepted.filter((e) => e.data.region.code === region).map((e) => Number(e.id));
      expect(ids).toEqual([...ids].sort((x, y) => x - y));
    }
    // Every attempt at one event carries the same webhook-id.
    for (const r of a.receiver.received) expect(r.webhookId).toBe(`evt_${r.event.id}`);
    expect(await a.subscription(id)).toEqual(expect.objectContaining({ enabled: true, counts: { delivered: 6, failed: 0, pending: 0, consecutiveFailures: 0 } }));
  });

  test('When a subscription is made after some uploads, then it gets the events committed after it only, written once however often the worker looks', async () => {
    a = await arrange();
    await a.upload(buildUpload({ period: '2026-01' }));
    const { id } = await a.subscribe();
    const later = [await a.upload(buildUpload({ period: '2026-02' })), await a.upload(groningen('2026-02'))];
    a.clock.catchUp();

    for (let round = 0; round < 5; round++) await a.worker.runOnce();

    expect(a.receiver.accepted().map((e) => e.data.uploadId).sort((x, y) => x - y)).toEqual(later.map((u) => u.id));
    expect(await a.subscription(id)).toEqual(expect.objectContaining({ counts: { delivered: 2, failed: 0, pending: 0, consecutiveFailures: 0 } }));
  });

  test('When no subscription is enabled, then a commit does not wake the worker; once this instance makes one, a commit is delivered at once, and when it is gone the next claim learns so', async () => {
    a = await arrange({ WEBHOOK_POLL_MS: '600000' }, { realClock: true }); // no poll within the test: only nudges claim
    await a.worker.runOnce();
    expect(a.t.store.events.subscribed).toBe(false); // the claim found none
    const { id } = await a.subscribe();
    expect(a.t.store.events.subscribed).toBe(true);

    a.worker.start();
    const upload = await a.upload(buildUpload({ period: '2026-01' }));
    a.worker.nudge(); // as the service does after each commit
    const deadline = Date.now() + 10_000;
    while (a.receiver.accepted().length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(a.receiver.accepted().map((e) => e.data.uploadId)).toEqual([upload.id]);

    await a.t.http().delete(`/v1/subscriptions/${id}`).set('X-API-Key', WRITER_KEY).expect(204);
    await a.worker.runOnce();
    expect(a.t.store.events.subscribed).toBe(false);
  });

  test('When the receiver never answers, then each attempt times out, it is retried on the schedule for at least 24 hours, then marked failed, and the subscription says so and is disabled', async () => {
    a = await arrange({ WEBHOOK_TIMEOUT_MS: '200', WEBHOOK_DISABLE_AFTER_FAILURES: '1' });
    const { id } = await a.subscribe();
    a.receiver.answer = () => 'hang';
    await a.upload(buildUpload());
    a.clock.catchUp();

    for (const wait of SCHEDULE) {
      expect(await a.worker.runOnce()).toBe(1);
      a.clock.advance(wait - 1);
      expect(await a.worker.runOnce()).toBe(0);
      a.clock.advance(1);
    }
    expect(await a.worker.runOnce()).toBe(1); // the last attempt
    a.clock.advance(24 * 3_600_000);
    await a.upload(buildUpload({ period: '2026-07' }));

    expect(SCHEDULE.reduce((sum, ms) => sum + ms, 0) * 0.8).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(await a.worker.runOnce()).toBe(0); // disabled: nothing more is attempted
    expect(a.receiver.received).toHaveLength(SCHEDULE.length + 1);
    const shown = await a.subscription(id);
    expect(shown).toEqual(expect.objectContaining({
      enabled: false, disabledReason: expect.stringMatching(/1 consecutive deliveries failed/),
      // A disabled subscription gets no deliveries of later events.
      counts: { delivered: 0, failed: 1, pending: 0, consecutiveFailures: 1 },
      lastFailure: { at: expect.any(String), reason: 'no answer within 200 ms' },
    }));
  });

  test('When a receiver verifies with a wrong secret, then verification fails (and the delivery is retried); after a rotation the old secret still verifies', async () => {
    a = await arrange();
    const { id, secret } = await a.subscribe();
    a.receiver.secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    await a.upload(buildUpload());
    a.clock.catchUp();

    await a.worker.runOnce();
    const rotated = (await a.t.http().post(`/v1/subscriptions/${id}/secret`).set('X-API-Key', WRITER_KEY).expect(200)).body;
    a.receiver.secret = secret; // the receiver has not switched yet
    a.clock.advance(SCHEDULE[0]);
    await a.worker.runOnce();

    expect(a.receiver.received.map((r) => [r.verified, r.status])).toEqual([[false, 401], [true, 204]]);
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(secret);
    expect((await a.subscription(id)).counts).toEqual({ delivered: 1, failed: 0, pending: 0, consecutiveFailures: 0 });
  });

  test('When deliveries hang, then uploads are answered all the same: the upload never waits for a receiver', async () => {
    a = await arrange({ WEBHOOK_TIMEOUT_MS: '20000', WEBHOOK_POLL_MS: '20' }, { realClock: true });
    await a.subscribe();
    a.receiver.answer = () => 'hang';
    a.worker.start();
    await a.upload(buildUpload());
    for (let i = 0; i < 500 && a.receiver.received.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));

    const second = await a.upload(buildUpload({ period: '2026-07' }));

    expect(a.receiver.received).toHaveLength(1);
    expect(a.receiver.received[0].status).toBe(0); // still unanswered
    expect(second.period).toBe('2026-07');
    await a.receiver.close(); // lets the hanging attempt end, so that the worker stops
    a.receiver = await WebhookReceiver.start();
  }, 30_000);
});

/** A resolver of host names under .test, as a DNS server would answer them (no real DNS involved). */
function resolverOf(names: Record<string, string[]>): HostResolver {
  return async (host) => {
    const found = names[host];
    if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return found.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

describe('Subscriptions', () => {
  let a: Arranged;
  afterEach(async () => {
    await a.close();
  });

  test('When callbacks to loopback, private, link-local or metadata addresses, or over http, are asked for with the flag off, then each is a 400 problem naming the url', async () => {
    a = await arrange({ WEBHOOK_ALLOW_PRIVATE_URLS: 'false' });
    const refused = ['https://127.0.0.1/hook', 'https://10.1.2.3/hook', 'https://169.254.169.254/latest/meta-data', 'https://[::1]/hook',
      'https://localhost/hook', 'https://192.168.1.10/hook', 'https://[::ffff:127.0.0.1]/hook', 'http://receiver.example.org/hook'];

    for (const url of refused) {
      const res = await a.t.http().post('/v1/subscriptions').set('X-API-Key', WRITER_KEY).send({ url }).expect(400);
      expect({ url, type: res.headers['content-type'], errors: res.body.errors }).toEqual({ url, type: expect.stringMatching(/^application\/problem\+json/), errors: [expect.objectContaining({ field: 'url', found: url })] });
    }
    const list = await a.t.http().get('/v1/subscriptions').set('X-API-Key', WRITER_KEY).expect(200);
    expect(list.body.subscriptions).toEqual([]);
  });

  test('When a name resolves to a private address, then subscribing to it is a 400 problem; when a name that resolved to a public one resolves to a private one later, then the delivery is refused', async () => {
    const names: Record<string, string[]> = {
      'ten.test': ['10.0.0.7'], 'home.test': ['192.168.178.20'], 'ula.test': ['fd00::7'], 'mixed.test': ['192.0.2.10', '10.0.0.7'], 'public.test': ['192.0.2.10'],
    };
    a = await arrange({ WEBHOOK_ALLOW_PRIVATE_URLS: 'false', WEBHOOK_RETRY_SCHEDULE: '1s', WEBHOOK_DISABLE_AFTER_FAILURES: '1' }, { resolveHost: resolverOf(names) });
    const refused = ['https://ten.test/hook', 'https://home.test/hook', 'https://ula.test/hook', 'https://mixed.test/hook'];

    const answers = [];
    for (const url of refused) answers.push(await a.t.http().post('/v1/subscriptions').set('X-API-Key', WRITER_KEY).send({ url }));
    const { id } = await a.subscribe({ url: 'https://public.test/hook' });
    names['public.test'] = ['10.0.0.7']; // the name is rebound after the subscription
    await a.upload(buildUpload());
    a.clock.catchUp();
    await a.worker.runOnce();
    a.clock.advance(1000);
    await a.worker.runOnce();

    expect(answers.map((res) => [res.status, res.headers['content-type'], res.body.errors])).toEqual(refused.map((url) => [
      400, expect.stringMatching(/^application\/problem\+json/), [expect.objectContaining({ field: 'url', found: url, detail: expect.stringMatching(/resolves to (10\.0\.0\.7|192\.168\.178\.20|fd00::7), a loopback, private/) })]]));
    expect(await a.subscription(id)).toEqual(expect.objectContaining({
      enabled: false, counts: { delivered: 0, failed: 1, pending: 0, consecutiveFailures: 1 },
      lastFailure: { at: expect.any(String), reason: 'EBLOCKEDADDRESS: public.test resolves to 10.0.0.7, an address callbacks may not reach' },
    }));
  });

  test('When WEBHOOK_SECRETS_KEY is not configured, then subscribing is a 503 problem naming it, and the feed still works', async () => {
    a = await arrange({ WEBHOOK_SECRETS_KEY: '' });

    const res = await a.t.http().post('/v1/subscriptions').set('X-API-Key', WRITER_KEY).send({ url: a.receiver.url }).expect(503);

    expect(res.body.detail).toMatch(/WEBHOOK_SECRETS_KEY/);
    await a.t.http().get('/v1/events').expect(200);
  });

  test('When a key limited to Twente subscribes, then it gets Twente only, and may not ask for another region', async () => {
    a = await arrange();

    const own = await a.t.http().post('/v1/subscriptions').set('X-API-Key', TWENTE_KEY).send({ url: a.receiver.url, types: [EVENT_TYPES.published] }).expect(201);
    const other = await a.t.http().post('/v1/subscriptions').set('X-API-Key', TWENTE_KEY).send({ url: a.receiver.url, regions: ['Groningen'] }).expect(400);

    expect(own.body).toEqual(expect.objectContaining({ regions: ['AM05'], types: [EVENT_TYPES.published], enabled: true }));
    expect(other.body.errors).toEqual([expect.objectContaining({ field: 'regions[0]' })]);
  });

  test('When subscriptions are listed, read and deleted, then each key sees only its own, and the secret is stored sealed', async () => {
    a = await arrange();
    const mine = await a.subscribe({ url: a.receiver.url, regions: ['Twente'] });

    await a.t.http().get(`/v1/subscriptions/${mine.id}`).set('X-API-Key', OTHER_KEY).expect(404);
    await a.t.http().delete(`/v1/subscriptions/${mine.id}`).set('X-API-Key', OTHER_KEY).expect(404);
    const listed = await a.t.http().get('/v1/subscriptions').set('X-API-Key', WRITER_KEY).expect(200);
    const othersList = await a.t.http().get('/v1/subscriptions').set('X-API-Key', OTHER_KEY).expect(200);
    const stored = await a.t.store.events.getSubscription(mine.id);
    await a.t.http().delete(`/v1/subscriptions/${mine.id}`).set('X-API-Key', WRITER_KEY).expect(204);
    await a.t.http().get(`/v1/subscriptions/${mine.id}`).set('X-API-Key', WRITER_KEY).expect(404);

    expect(listed.body.subscriptions.map((s: { id: string }) => s.id)).toEqual([mine.id]);
    expect(listed.body.subscriptions[0]).not.toHaveProperty('secret');
    expect(othersList.body.subscriptions).toEqual([]);
    expect(mine.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(stored?.secret).not.toContain(mine.secret.slice('whsec_'.length));
    expect(verifies(mine.secret, '{}', {})).toBe(false);
  });
});
