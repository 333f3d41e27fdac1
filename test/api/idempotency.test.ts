import { buildUpload } from '../support/factories';
import { appUnderTest, OTHER_KEY, storedData, WRITER_KEY } from '../support/test-app';
import { saveUploads } from '../support/stores';
import { TSV, twenteTsv } from '../tables/publication-files';

describe('Idempotent uploads', () => {
  const app = appUnderTest('each');

  const post = (body: object, key: string, apiKey = WRITER_KEY) =>
    app().http().post('/v1/uploads').set('X-API-Key', apiKey).set('Idempotency-Key', key).send(body);

  test('When an upload is sent twice with the same key and body, then the second gets the first answer and nothing is stored twice', async () => {
    const first = await post(buildUpload(), 'twente-2026-06').expect(201);
    const stored = await storedData(app());

    const again = await post(buildUpload(), 'twente-2026-06').expect(201);

    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(await storedData(app())).toBe(stored);
  });

  test('When a key comes again with another body, then the answer is a 422 problem and nothing changes', async () => {
    await post(buildUpload(), 'twente-2026-06').expect(201);
    const stored = await storedData(app());

    const res = await post(buildUpload({ registerTotal: 10372 }), 'twente-2026-06').expect(422);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'header.Idempotency-Key', found: 'twente-2026-06' })]);
    expect(await storedData(app())).toBe(stored);
  });

  test('When two clients use the same key, then each has its own upload', async () => {
    const mine = await post(buildUpload(), 'shared-key').expect(201);
    const theirs = await post(buildUpload(), 'shared-key', OTHER_KEY).expect(201);

    expect(theirs.body.uploads[0].id).not.toBe(mine.body.uploads[0].id);
    expect(theirs.headers['idempotent-replayed']).toBeUndefined();
  });

  test('When a rejected upload is retried with its key, then it is checked again rather than remembered', async () => {
    await post(buildUpload({ period: '2026-13' }), 'retry-me').expect(400);

    await post(buildUpload(), 'retry-me').expect(201);
  });

  test('When the key is malformed, then the answer is 400 naming the header, for JSON and for a table alike', async () => {
    const before = await storedData(app());
    const json = await post(buildUpload(), 'x'.repeat(256)).expect(400);
    const table = await app().http().post('/v1/uploads?period=2026-06&registerTotal=10371')
      .set('X-API-Key', WRITER_KEY).set('Idempotency-Key', 'x'.repeat(256)).set('Content-Type', TSV).send(twenteTsv()).expect(400);

    expect(json.body.errors[0].field).toBe('header.Idempotency-Key');
    expect(table.body.errors[0].field).toBe('header.Idempotency-Key');
    expect(await storedData(app())).toBe(before);
  });

  test('When a table is sent twice with the same key, then the second gets the first answer; for another period the key is refused', async () => {
    const send = (period: string) => app().http().post(`/v1/uploads?period=${period}&registerTotal=10371`)
      .set('X-API-Key', WRITER_KEY).set('Idempotency-Key', 'table-1').set('Content-Type', TSV).send(twenteTsv());
    const first = await send('2026-06').expect(201);
    const stored = await storedData(app());

    const again = await send('2026-06').expect(201);
    const otherPeriod = await send('2026-09').expect(422);

    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(otherPeriod.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await storedData(app())).toBe(stored);
  });

  test('When the OpenAPI document is read, then it offers the Idempotency-Key header on uploads', async () => {
    const res = await app().http().get('/v1/openapi.json').expect(200);

    const parameters = res.body.paths['/uploads'].post.parameters as Array<{ in: string; name: string }>;
    expect(parameters).toEqual(expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'Idempotency-Key' })]));
  });

  test('When a table is sent again with its query parameters in another order, then it is the same request', async () => {
    const send = (query: string) => app().http().post(`/v1/uploads?${query}`)
      .set('X-API-Key', WRITER_KEY).set('Idempotency-Key', 'table-2').set('Content-Type', TSV).send(twenteTsv());
    const first = await send('period=2026-06&registerTotal=10371').expect(201);

    const again = await send('registerTotal=10371&period=2026-06').expect(201);

    expect(again.body).toEqual(first.body);
  });

  test('When remembering the answer fails, then the upload is not stored either: both are one transaction', async () => {
    const stored = await storedData(app());
    const upload = { regionCode: 'AM05', period: '2026-07', registerTotal: null, uploadedBy: 'writer', source: 'json' as const, rows: [] };
    const failingMemory = {
      client: 'writer', key: 'k', fingerprint: 'f', now: new Date().toISOString(), expiresAt: new Date(Date.now() + 60_000).toISOString(),
      answer: () => {
        throw new Error('disk full');
      },
    };

    await expect(saveUploads(app().store, [upload], () => new Date().toISOString(), failingMemory)).rejects.toThrow('disk full');

    expect(await storedData(app())).toBe(stored);
  });
});
