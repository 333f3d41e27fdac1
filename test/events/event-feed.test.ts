import { EVENT_TYPES, FiguresEvent } from '../../src/domain/events';
import { buildUpload, twenteUpload } from '../support/factories';
import { saveUploads } from '../support/stores';
import { testStoreKind } from '../support/stores';
import { createTestApp, expectResponsesMatchContract, TestApp, WRITER_KEY } from '../support/test-app';

interface Page { events: FiguresEvent[]; next: string }

const upload = (t: TestApp, body: object) => t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(body).expect(201);

/** Every event after `after`, page by page through the Link headers, as a consumer would. */
async function readAll(t: TestApp, first: string): Promise<{ events: FiguresEvent[]; last: string }> {
  const events: FiguresEvent[] = [];
  let url = first;
  let next = '';
  for (;;) {
    const res = await t.http().get(url).expect(200);
    const page = res.body as Page;
    expect(res.headers.link).toBe(`<${url.split('?')[0]}?${new URLSearchParams([...new URLSearchParams(url.split('?')[1] ?? '')].filter(([k]) => k !== 'after').concat([['after', page.next]])).toString()}>; rel="next"`);
    events.push(...page.events);
    next = page.next;
    if (page.events.length === 0) break;
    url = (/^<([^>]+)>/.exec(res.headers.link) as RegExpExecArray)[1];
  }
  return { events, last: next };
}

describe('The event feed', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ PUBLIC_BASE_URL: 'https://sonar.example.org' });
  });
  afterEach(async () => {
    expectResponsesMatchContract(t);
    await t.close();
  });

  test('When Twente is published, replaced and the replacement withdrawn, then the feed tells each as a CloudEvent, in commit order', async () => {
    const first = (await upload(t, twenteUpload())).body.uploads[0];
    const second = (await upload(t, buildUpload())).body.uploads[0];
    await t.http().delete(`/v1/uploads/${second.id}`).set('X-API-Key', WRITER_KEY).expect(200);

    const { events } = await readAll(t, '/v1/events');

    expect(events.map((e) => [e.type, e.data.uploadId, e.data.replaced, e.data.currentUploadId, e.data.totals?.total])).toEqual([
      [EVENT_TYPES.published, first.id, false, first.id, 7898],
      [EVENT_TYPES.published, second.id, true, second.id, 1218],
      [EVENT_TYPES.withdrawn, second.id, false, first.id, 7898],
    ]);
    expect(events[0]).toEqual({
      specversion: '1.0', id: events[0].id, source: 'https://sonar.example.org/v1', type: EVENT_TYPES.published, subject: 'AM05/2026-06',
      time: first.uploadedAt, datacontenttype: 'application/json', dataref: 'https://sonar.example.org/v1/regions/AM05/totals?period=2026-06',
      data: { region: { code: 'AM05', name: 'Twente' }, period: '2026-06', uploadId: first.id, replaced: false, currentUploadId: first.id, totals: first.totals },
    });
    // The dataref is the read that gives the figures the event tells of.
    const read = await t.http().get('/v1/regions/AM05/totals?period=2026-06').expect(200);
    expect(events[2].data.totals).toEqual(read.body);
    expect(new Set(events.map((e) => e.id)).size).toBe(3);
  });

  test('When the last upload of a region and period is withdrawn, then its event says no upload is current and gives no totals', async () => {
    const only = (await upload(t, buildUpload())).body.uploads[0];
    await t.http().delete(`/v1/uploads/${only.id}`).set('X-API-Key', WRITER_KEY).expect(200);

    const { events } = await readAll(t, '/v1/events');

    expect(events.at(-1)?.data).toEqual({ region: { code: "AM05", name: "Twente" }, period: "2026-06", uploadId: only.id, replaced: false, currentUploadId: null });
  });

  test('When a consumer pages one event at a time and keeps its cursor, then it sees every event once, and later only what came since', async () => {
    for (const period of ['2026-01', '2026-02', '2026-03']) await upload(t, buildUpload({ period }));

    const seen = await readAll(t, '/v1/events?limit=1');
    await upload(t, buildUpload({ period: '2026-04' }));
    const later = await readAll(t, `/v1/events?limit=1&after=${seen.last}`);

    expect(seen.events.map((e) => e.data.period)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(later.events.map((e) => e.data.period)).toEqual(['2026-04']);
  });

  test('When the feed is filtered by type and by region, then it holds only those events, and the cursor pages within the filter', async () => {
    await upload(t, buildUpload());
    const groningen = await upload(t, { period: '2026-06', region: 'AM01', partial: true, gemeenten: [{ gemeente: 'Groningen', gemeenteClients: { withProfile: 1, withoutProfile: 2 }, uwvClients: { withProfile: 3, withoutProfile: 4 } }] });
    await t.http().delete(`/v1/uploads/${groningen.body.uploads[0].id}`).set('X-API-Key', WRITER_KEY).expect(200);

    const byRegion = await readAll(t, '/v1/events?region=Groningen&limit=1');
    const byType = await readAll(t, `/v1/events?type=${EVENT_TYPES.withdrawn}`);

    expect(byRegion.events.map((e) => [e.subject, e.type])).toEqual([['AM01/2026-06', EVENT_TYPES.published], ['AM01/2026-06', EVENT_TYPES.withdrawn]]);
    expect(byType.events.map((e) => e.subject)).toEqual(['AM01/2026-06']);
  });

  test('When an upload is refused, then no event is written', async () => {
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload({ registerTotal: -1 })).expect(400);

    const res = await t.http().get('/v1/events').expect(200);

    expect(res.body.events).toEqual([]);
  });

  test('When the write fails after the figures and the events were written in it, then neither the upload nor any event is kept', async () => {
    const failing = { client: 'writer', key: 'k', fingerprint: 'f', now: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString(),
      answer: () => { throw new Error('forced failure after the write'); } };

    await expect(saveUploads(t.store, [{ regionCode: 'AM05', period: '2026-06', registerTotal: null, uploadedBy: 'writer', source: 'json', rows: [] }],
      () => new Date().toISOString(), failing)).rejects.toThrow('forced failure after the write');

    expect(await t.store.events.listEvents({ after: 0, limit: 10 })).toEqual([]);
    expect(await t.store.countUploads({ limit: 1, offset: 0 })).toBe(0);
  });

  test('When a page of the feed was kept and its cursor passes the retention with no commit since, then the page is not served from the kept answers but answered 410', async () => {
    await t.close();
    let now = Date.now();
    t = await createTestApp({ PUBLIC_BASE_URL: 'https://sonar.example.org', EVENT_RETENTION_DAYS: '1' }, testStoreKind(), { clock: () => new Date(now) });
    await upload(t, buildUpload());
    const { body } = await t.http().get('/v1/events?limit=1').expect(200);
    const after = `/v1/events?after=${body.next}`;
    const before = await t.http().get(after).expect(200);
    const again = await t.http().get(after).set('If-None-Match', before.headers.etag).expect(304); // kept: the same answer

    now += 86_400_000 + 60_000; // a day and a minute later, nothing committed meanwhile
    const later = await t.http().get(after).expect(410);
    const first = await t.http().get('/v1/events').expect(200);

    expect(before.body.events).toEqual([]);
    expect(again.headers.etag).toBe(before.headers.etag);
    expect(later.body.detail).toMatch(/older than the 1 days events are kept/);
    expect(first.body.events).toHaveLength(1); // pruning is the worker's; until then the event is still read
  });

  test('When the cursor is of an event older than the events are kept, then the answer is 410 saying so; a malformed cursor is 400', async () => {
    await saveUploads(t.store, [{ regionCode: 'AM05', period: '2026-06', registerTotal: null, uploadedBy: 'writer', source: 'json', rows: [] }], () => '2020-01-01T00:00:00.000Z');
    await upload(t, buildUpload());
    const { body } = await t.http().get('/v1/events?limit=1').expect(200);

    const gone = await t.http().get(`/v1/events?after=${body.next}`).expect(410);
    const malformed = await t.http().get('/v1/events?after=not-a-cursor').expect(400);

    expect(gone.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(gone.body.detail).toMatch(/older than the 90 days events are kept/);
    expect(malformed.body.errors).toEqual([expect.objectContaining({ field: 'query.after' })]);
  });
});
