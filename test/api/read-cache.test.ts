import { buildRow, buildUpload } from '../support/factories';
import { appUnderTest, WRITER_KEY } from '../support/test-app';

describe('Reads after uploads', () => {
  const app = appUnderTest('each');

  const upload = (withProfile: number) =>
    app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY)
      .send(buildUpload({ gemeenten: [buildRow({ gemeenteClients: { withProfile, withoutProfile: 222 }, total: undefined })] }))
      .expect(201);

  test('When an upload succeeds, then every read made after its 201 shows the new figures', async () => {
    await upload(3);
    const reads = ['/v1/regions/Twente/totals', '/v1/regions/Twente/gemeenten', '/v1/totals', '/v1/coverage', '/v1/uploads'];
    const before = await Promise.all(reads.map((url) => app().http().get(url).expect(200)));

    await upload(4);
    const after = await Promise.all(reads.map((url) => app().http().get(url).expect(200)));

    expect(before[0].body.gemeenteClients.withProfile).toBe(3);
    expect(after[0].body.gemeenteClients.withProfile).toBe(4);
    expect(after[1].body.gemeenten[0].gemeenteClients.withProfile).toBe(4);
    expect(after[2].body.gemeenteClients.withProfile).toBe(4);
    expect(after[3].body.regions[0].total).toBe(before[3].body.regions[0].total + 1);
    expect(after[4].body.uploads).toHaveLength(2);
    after.forEach((res, i) => expect(res.headers.etag).not.toBe(before[i].headers.etag));
  });

  test('When a read repeats with the current ETag, then the answer is 304 without a body', async () => {
    await upload(3);
    const first = await app().http().get('/v1/regions/AM05/totals').expect(200);

    const again = await app().http().get('/v1/regions/AM05/totals').set('If-None-Match', first.headers.etag).expect(304);
    const weak = await app().http().get('/v1/regions/AM05/totals').set('If-None-Match', `"other", W/${first.headers.etag}`).expect(304);

    expect(first.headers.etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(first.headers['cache-control']).toBe('public, no-cache');
    expect(again.text).toBe('');
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(weak.headers.etag).toBe(first.headers.etag);
  });

  test('When a read repeats with an ETag from before the last upload, then it gets 200 and the new figures', async () => {
    await upload(3);
    const old = await app().http().get('/v1/regions/AM05/totals').expect(200);
    await upload(5);

    const res = await app().http().get('/v1/regions/AM05/totals').set('If-None-Match', old.headers.etag).expect(200);

    expect(res.body.gemeenteClients.withProfile).toBe(5);
    expect(res.headers.etag).not.toBe(old.headers.etag);
  });

  test('When an upload changes nothing a read shows, then that read keeps its ETag', async () => {
    await upload(3);
    const regions = await app().http().get('/v1/regions').expect(200);
    await upload(4);

    await app().http().get('/v1/regions').set('If-None-Match', regions.headers.etag).expect(304);
  });

  test('When a read fails, then it is not kept: the same URL answers once figures exist', async () => {
    await app().http().get('/v1/regions/Twente/totals').expect(404);
    await upload(3);

    await app().http().get('/v1/regions/Twente/totals').expect(200);
  });
});

describe('The read cache\'s room', () => {
  test('When more answers are read than fit its bytes, then the oldest are derived again and the newest kept', async () => {
    const express = (await import('express')).default;
    const request = (await import('supertest')).default;
    const { readCache } = await import('../../src/http/read-cache');
    const derived: string[] = [];
    const app = express();
    app.use(readCache({ version: 1 }, '/v1/', 1000)); // room for three answers of 300 bytes
    app.get('/v1/answer', (req, res) => {
      derived.push(String(req.query.n));
      res.json({ n: req.query.n, pad: 'x'.repeat(280) });
    });

    for (const n of [1, 2, 3, 4]) await request(app).get(`/v1/answer?n=${n}`).expect(200);
    await request(app).get('/v1/answer?n=4').expect(200);
    await request(app).get('/v1/answer?n=1').expect(200);

    expect(derived).toEqual(['1', '2', '3', '4', '1']);
  });
});
