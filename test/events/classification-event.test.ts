import path from 'node:path';
import pino from 'pino';
import { loadClassification } from '../../src/cli/classification';
import { AnyEvent, EVENT_TYPES } from '../../src/domain/events';
import { DeliveryWorker } from '../../src/webhooks/delivery-worker';
import { deliverySettingsOf } from '../../src/webhooks/settings';
import { FIXTURES } from '../support/factories';
import { createTestApp, expectResponsesMatchContract, TestApp, WRITER_KEY } from '../support/test-app';
import { WebhookReceiver } from '../support/webhook-receiver';

const FILES_2027 = path.join(FIXTURES, 'classification-2027');
const CLASSIFICATIONS = path.join(__dirname, '..', '..', 'db', 'classifications');
const SECRETS_KEY = 'a-test-key-of-at-least-32-characters';
const TWENTE_KEY = 'test-twente-secret-0003';
const quiet = { log: () => undefined, error: () => undefined };

const load2027 = (t: TestApp, gemeenten = 'gemeenten-2027.csv') => loadClassification(t.store, {
  year: 2027, gemeenten: path.join(FILES_2027, gemeenten), herindelingen: path.join(FILES_2027, 'herindelingen-2027.csv'),
  regions: path.join(FILES_2027, 'arbeidsmarktregios-2027.csv'), source: 'announced herindeling 2027 (test)', by: 'operator-test',
}, quiet, new Date('2026-12-01T09:00:00.000Z'));

const twente = { period: '2026-06', region: 'AM05', partial: true, gemeenten: [{ gemeente: 'Almelo', gemeenteClients: { withProfile: 1, withoutProfile: 2 }, uwvClients: { withProfile: 3, withoutProfile: 4 } }] };

describe('The event of a classification loaded', () => {
  let t: TestApp;
  const receivers: WebhookReceiver[] = [];
  let worker: DeliveryWorker;

  beforeEach(async () => {
    t = await createTestApp({
      PUBLIC_BASE_URL: 'https://sonar.example.org', WEBHOOK_SECRETS_KEY: SECRETS_KEY, WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      API_KEYS: `writer:${WRITER_KEY},twente:${TWENTE_KEY}:AM05`,
    });
    worker = new DeliveryWorker(deliverySettingsOf(t.config, t.store.events, t.service, pino({ level: 'silent' })));
  });

  afterEach(async () => {
    await worker.stop();
    for (const r of receivers.splice(0)) await r.close();
    expectResponsesMatchContract(t);
    await t.close();
  });

  /** A subscription with a receiver of its own that verifies with its secret. */
  const subscribe = async (body: object, key = WRITER_KEY): Promise<WebhookReceiver> => {
    const receiver = await WebhookReceiver.start();
    receivers.push(receiver);
    receiver.secret = (await t.http().post('/v1/subscriptions').set('X-API-Key', key).send({ url: receiver.url, ...body }).expect(201)).body.secret;
    return receiver;
  };

  test('When an operator loads 2027, then one event tells the year and its source; it is in the feed and goes to subscriptions of every type, of its type and of a region, not to one of figures only', async () => {
    const all = await subscribe({});
    const itsType = await subscribe({ types: [EVENT_TYPES.classificationLoaded] });
    const figuresOnly = await subscribe({ types: [EVENT_TYPES.published, EVENT_TYPES.withdrawn] });
    const ofTwente = await subscribe({}, TWENTE_KEY);
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twente).expect(201);

    expect(await load2027(t)).toBe(true);
    for (let round = 0; round < 10 && (await worker.runOnce()) > 0; round++);

    const feed = (await t.http().get('/v1/events').expect(200)).body.events as AnyEvent[];
    const ofType = (await t.http().get(`/v1/events?type=${EVENT_TYPES.classificationLoaded}`).expect(200)).body.events as AnyEvent[];
    const ofRegion = (await t.http().get('/v1/events?region=Groningen').expect(200)).body.events as AnyEvent[];
    const expected = {
      specversion: '1.0', id: '2', source: 'https://sonar.example.org/v1', type: EVENT_TYPES.classificationLoaded, subject: '2027',
      time: '2026-12-01T09:00:00.000Z', datacontenttype: 'application/json', dataref: 'https://sonar.example.org/v1/regions?year=2027',
      data: {
        year: 2027, replaced: false, gemeenten: 341, regions: 35, gemeentenSource: 'announced herindeling 2027 (test)', membership: 'cbs',
        membershipSource: 'announced herindeling 2027 (test)', loadedAt: '2026-12-01T09:00:00.000Z', loadedBy: 'operator-test',
      },
    };
    expect(feed.map((e) => e.type)).toEqual([EVENT_TYPES.published, EVENT_TYPES.classificationLoaded]);
    expect(feed[1]).toEqual(expected);
    expect(ofType).toEqual([expected]);
    expect(ofRegion).toEqual([expected]);
    const kinds = (r: WebhookReceiver) => r.received.filter((x) => x.verified).map((x) => (x.event as unknown as AnyEvent).type);
    expect(kinds(all)).toEqual([EVENT_TYPES.published, EVENT_TYPES.classificationLoaded]);
    expect(all.received[1].event).toEqual(expected);
    expect(kinds(itsType)).toEqual([EVENT_TYPES.classificationLoaded]);
    expect(kinds(figuresOnly)).toEqual([EVENT_TYPES.published]);
    expect(kinds(ofTwente)).toEqual([EVENT_TYPES.published, EVENT_TYPES.classificationLoaded]);
  });

  test('When a year is loaded again with --replace, then its event says it replaced the year; a refused load writes no event', async () => {
    expect(await load2027(t, 'arbeidsmarktregios-2027.csv')).toBe(false);
    const none = (await t.http().get('/v1/events').expect(200)).body.events;

    expect(await loadClassification(t.store, {
      year: 2025, gemeenten: path.join(CLASSIFICATIONS, 'gemeenten-2025.csv'), source: 'CBS 86059NED (test)', membership: 'cbs', by: 'operator-test', replace: true,
    }, quiet)).toBe(true);
    // The load ran on this process's own connection, which the service cannot tell from its own commits; a
    // service process sees the CLI's commit as another process's and does this itself.
    await t.service.refreshClassifications();

    const events = (await t.http().get('/v1/events').expect(200)).body.events as Array<{ subject: string; data: { year: number; replaced: boolean; membership: string; membershipSource: string } }>;
    expect(none).toEqual([]);
    expect(events.map((e) => [e.subject, e.data.year, e.data.replaced, e.data.membership, e.data.membershipSource])).toEqual([['2025', 2025, true, 'cbs', 'CBS 86059NED (test)']]);
  });

  test('When AM99 uploads Vijfheerenlanden for 2020, then the feed and a delivery tell it under the region of then', async () => {
    const receiver = await subscribe({});
    const upload = { period: '2020-06', region: 'AM99', gemeenten: [{ gemeente: 'Vijfheerenlanden', gemeenteClients: { withProfile: 1, withoutProfile: 2 }, uwvClients: { withProfile: 3, withoutProfile: 4 } }] };
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(upload).expect(201);

    for (let round = 0; round < 10 && (await worker.runOnce()) > 0; round++);

    const events = (await t.http().get('/v1/events').expect(200)).body.events as Array<{ subject: string; data: { region: { code: string; name: string } } }>;

    expect(events.map((e) => [e.subject, e.data.region])).toEqual([['AM99/2020-06', { code: 'AM99', name: 'Niet in te delen' }]]);
    expect(receiver.received.filter((x) => x.verified).map((x) => x.event)).toEqual(events);
  });
});
