import request from 'supertest';
import { createApp } from '../../src/app';
import { buildUpload, twenteUpload } from '../support/factories';
import { logSink } from '../support/log-sink';
import { appUnderTest, createTestApp, OTHER_KEY, storedData, WRITER_KEY } from '../support/test-app';
import type { UploadRequest } from '../../src/domain/upload';

const TWENTE_KEY = 'twente-only-secret-00001';
const GRONINGEN_KEY = 'groningen-only-secret-01';
const KEYS = `writer:${WRITER_KEY},other:${OTHER_KEY},twente:${TWENTE_KEY}:AM05,groningen:${GRONINGEN_KEY}:AM01`;

/** The Twente table with every count of Almelo raised by `more`, so that two uploads read back apart. */
function twenteWith(more: number, period = '2026-06'): UploadRequest {
  const upload = twenteUpload();
  const [almelo, ...rest] = upload.gemeenten;
  const raised = { ...almelo, gemeenteClients: { ...almelo.gemeenteClients, withProfile: almelo.gemeenteClients.withProfile + more } };
  delete raised.total;
  return { ...upload, period, gemeenten: [raised, ...rest] };
}

describe('Withdrawing an upload', () => {
  const app = appUnderTest('each', { API_KEYS: KEYS });
  const upload = async (body: UploadRequest, key = WRITER_KEY): Promise<number> =>
    (await app().http().post('/v1/uploads').set('X-API-Key', key).send(body).expect(201)).body.uploads[0].id;
  const withdraw = (id: number | string, key = TWENTE_KEY) => app().http().delete(`/v1/uploads/${id}`).set('X-API-Key', key);
  const totals = (period = '2026-06') => app().http().get(`/v1/regions/Twente/totals?period=${period}`);

  test('When the current upload is withdrawn, then the one before it is current again and reads and ETag follow', async () => {
    // Arrange
    const first = await upload(twenteUpload());
    const firstRead = await totals().expect(200);
    const second = await upload(twenteWith(100));
    const secondRead = await totals().expect(200);

    // Act
    const res = await withdraw(second).expect(200);

    // Assert
    expect(secondRead.body.total).toBe(7998);
    expect(res.body.withdrawn).toEqual(expect.objectContaining({ id: second, current: false, withdrawnBy: 'twente', withdrawnAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*Z$/) }));
    expect(res.body.current).toEqual(expect.objectContaining({ id: first, current: true, withdrawnAt: null, withdrawnBy: null }));
    const after = await totals().expect(200);
    expect(after.body).toEqual(firstRead.body);
    expect(after.body.total).toBe(7898);
    expect(after.headers.etag).toBe(firstRead.headers.etag);
    expect(after.headers.etag).not.toBe(secondRead.headers.etag);
    const history = await app().http().get(`/v1/uploads/${second}`).expect(200);
    expect(history.body).toEqual(expect.objectContaining({ withdrawnBy: 'twente', current: false, gemeenteCount: 14 }));
    expect(history.body).toEqual(expect.objectContaining(res.body.withdrawn)); // the receipt says what the history says
  });

  test('When an upload that is no longer current is withdrawn, then the reads do not change', async () => {
    const first = await upload(twenteUpload());
    const second = await upload(twenteWith(100));
    const before = await totals().expect(200);

    const res = await withdraw(first).expect(200);

    expect(res.body.current).toEqual(expect.objectContaining({ id: second }));
    const after = await totals().expect(200);
    expect(after.body).toEqual(before.body);
    expect(after.headers.etag).toBe(before.headers.etag);
  });

  test('When the only upload of a region and period is withdrawn, then that period is gone for the region, and the row stays in the history', async () => {
    await upload(twenteUpload());
    const only = await upload(twenteWith(1, '2026-09'));

    const res = await withdraw(only).expect(200);

    expect(res.body.current).toBeUndefined();
    await totals('2026-09').expect(404);
    expect((await app().http().get('/v1/periods').expect(200)).body.periods).toEqual(['2026-06']);
    expect((await app().http().get('/v1/regions/Twente/totals').expect(200)).body.period).toBe('2026-06');
    expect(await app().store.getUpload(only)).toMatchObject({ id: only, withdrawnBy: 'twente' });
  });

  test('When an upload is withdrawn twice, then the second answer is 409 and nothing changes', async () => {
    const id = await upload(twenteUpload());
    await withdraw(id).expect(200);
    const before = await storedData(app());

    const res = await withdraw(id, WRITER_KEY);

    expect(res.status).toBe(409);
    expect(res.body.detail).toMatch(new RegExp(`Upload ${id} was withdrawn already by twente`));
    expect(await storedData(app())).toBe(before);
  });

  test('When a key for another region withdraws a Twente upload, then the answer is 403 and nothing changes', async () => {
    const id = await upload(twenteUpload());
    const before = await storedData(app());

    const res = await withdraw(id, GRONINGEN_KEY);

    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/may not write Twente \(AM05\)/);
    expect(await storedData(app())).toBe(before);
  });

  test('When the upload does not exist or the id is malformed, then the answer is 404 or 400', async () => {
    expect((await withdraw(424242)).status).toBe(404);
    expect((await withdraw('abc')).status).toBe(400);
    expect((await withdraw(0)).status).toBe(400);
  });

  test('When a withdrawal carries a query parameter, then it is 400 naming it and the upload stays current; without a key it is 401 first', async () => {
    const id = await upload(twenteUpload());
    const before = await storedData(app());

    const res = await app().http().delete(`/v1/uploads/${id}?dryRun=true`).set('X-API-Key', TWENTE_KEY);
    const anonymous = await app().http().delete(`/v1/uploads/${id}?dryRun=true`);

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'query.dryRun', found: 'true' })]);
    expect(anonymous.status).toBe(401);
    expect(await storedData(app())).toBe(before);
    expect((await app().http().get(`/v1/uploads/${id}`).expect(200)).body.current).toBe(true);
  });

  test('When an upload is withdrawn, then the withdrawal is recorded as an ISO 8601 UTC instant after the upload, never deleting the row', async () => {
    const id = await upload(twenteUpload());

    await withdraw(id).expect(200);

    const stored = await app().store.getUpload(id);
    const withdrawnAt = stored?.withdrawnAt as string;
    expect(withdrawnAt).toBe(new Date(withdrawnAt).toISOString());
    expect(withdrawnAt >= (stored?.uploadedAt as string)).toBe(true);
  });
});

describe('The upload history as an audit: filter by key, pages, withdrawals', () => {
  const app = appUnderTest('all', { API_KEYS: KEYS });

  beforeAll(async () => {
    for (const [key, period] of [[WRITER_KEY, '2026-01'], [TWENTE_KEY, '2026-02'], [WRITER_KEY, '2026-03'], [TWENTE_KEY, '2026-04'], [TWENTE_KEY, '2026-05']]) {
      await app().http().post('/v1/uploads').set('X-API-Key', key).send(buildUpload({ period })).expect(201);
    }
    await app().http().delete('/v1/uploads/4').set('X-API-Key', WRITER_KEY).expect(200);
  });

  test('When the list is filtered by key name, then only that key\'s uploads come, newest first, with the total', async () => {
    const res = await app().http().get('/v1/uploads?uploadedBy=twente').expect(200);

    expect(res.body.uploads.map((u: { id: number }) => u.id)).toEqual([5, 4, 2]);
    expect(res.body.total).toBe(3);
    expect(res.headers['total-count']).toBe('3');
  });

  test('When the history is listed, then the withdrawal shows who withdrew it and when', async () => {
    const res = await app().http().get('/v1/uploads/4').expect(200);

    expect(res.body).toEqual(expect.objectContaining({ uploadedBy: 'twente', withdrawnBy: 'writer', withdrawnAt: expect.any(String), current: false }));
  });

  test('When a middle page is asked for, then Link points at the first, previous, next and last page keeping the filter', async () => {
    const res = await app().http().get('/v1/uploads?region=Twente&limit=2&offset=2').expect(200);

    expect(res.body.uploads.map((u: { id: number }) => u.id)).toEqual([3, 2]);
    expect(res.body.total).toBe(5);
    expect(res.headers.link).toBe([
      '</v1/uploads?region=Twente&limit=2&offset=0>; rel="first"',
      '</v1/uploads?region=Twente&limit=2&offset=0>; rel="prev"',
      '</v1/uploads?region=Twente&limit=2&offset=4>; rel="next"',
      '</v1/uploads?region=Twente&limit=2&offset=4>; rel="last"',
    ].join(', '));
  });

  test('When the same page is read again from the cache, then it carries the same Link and Total-Count', async () => {
    const first = await app().http().get('/v1/uploads?limit=2').expect(200);
    const again = await app().http().get('/v1/uploads?limit=2').expect(200);

    expect(first.headers.link).toContain('rel="next"');
    expect(first.headers.link).not.toContain('rel="prev"');
    expect([again.headers.link, again.headers['total-count'], again.headers.etag]).toEqual([first.headers.link, first.headers['total-count'], first.headers.etag]);
  });

  test('When the last page is asked for, then there is no next link', async () => {
    const res = await app().http().get('/v1/uploads?limit=2&offset=4').expect(200);

    expect(res.body.uploads.map((u: { id: number }) => u.id)).toEqual([1]);
    expect(res.headers.link).not.toContain('rel="next"');
    expect(res.headers.link).toContain('rel="prev"');
  });

  test('When uploadedBy is no key name, then the answer is 400 naming it', async () => {
    const res = await app().http().get('/v1/uploads?uploadedBy=a%20b');

    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'query.uploadedBy' })]);
  });
});

describe('Metrics and logs of writes', () => {
  test('When uploads are withdrawn and writes refused, then /metrics counts them by reason and the log names who withdrew what, never a secret', async () => {
    // Arrange: the real app with a logger whose lines the test reads
    const t = await createTestApp({ API_KEYS: KEYS });
    const { lines, logger } = logSink();
    const app = createApp({ config: t.config, service: t.service, logger, isReady: () => true });
    const http = () => request(app);
    try {
      const id = (await http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twenteUpload()).expect(201)).body.uploads[0].id;

      // Act
      await http().delete(`/v1/uploads/${id}`).set('X-API-Key', TWENTE_KEY).expect(200);
      await http().delete(`/v1/uploads/${id}`).set('X-API-Key', TWENTE_KEY).expect(409);
      await http().post('/v1/uploads').set('X-API-Key', GRONINGEN_KEY).send(twenteUpload()).expect(403);
      await http().post('/v1/uploads').send(twenteUpload()).expect(401);
      const metrics = (await http().get('/metrics').expect(200)).text;

      // Assert
      expect(metrics).toMatch(/^withdrawals_total 1$/m);
      expect(metrics).toMatch(/^refused_writes_total\{operation="withdraw",reason="conflict"\} 1$/m);
      expect(metrics).toMatch(/^refused_writes_total\{operation="upload",reason="forbidden"\} 1$/m);
      expect(metrics).toMatch(/^refused_writes_total\{operation="upload",reason="unauthorized"\} 1$/m);
      const withdrawal = lines.find((l) => (l.req as { method: string }).method === 'DELETE' && (l.res as { status: number }).status === 200);
      expect(withdrawal?.audit).toEqual({ withdrew: id, by: 'twente', current: null });
      expect(JSON.stringify(lines)).not.toMatch(new RegExp(`${TWENTE_KEY}|${WRITER_KEY}|${GRONINGEN_KEY}`));
    } finally {
      await t.close();
    }
  });
});

describe('Withdrawals and the write rate limit', () => {
  const app = appUnderTest('each', { API_KEYS: KEYS, RATE_LIMIT: 'true', RATE_LIMIT_WRITES: '2', RATE_LIMIT_READS: '1000' });

  test('When a client has used its writes, then a withdrawal is 429 like an upload, and nothing changes', async () => {
    const id = (await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twenteUpload()).expect(201)).body.uploads[0].id;
    await app().http().delete(`/v1/uploads/${id}`).set('X-API-Key', WRITER_KEY).expect(200);
    const before = await storedData(app());

    const res = await app().http().delete(`/v1/uploads/${id}`).set('X-API-Key', WRITER_KEY);

    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
    expect(await storedData(app())).toBe(before);
  });
});
