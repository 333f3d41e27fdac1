import express from 'express';
import request from 'supertest';
import { csvChunks } from '../../src/exports/csv';
import { figureSheet } from '../../src/exports/figure-sheets';
import { answer, jsonOrCsv } from '../../src/http/answer';
import { KeptAnswers } from '../../src/http/kept-answers';

/** A read whose CSV is larger than one chunk, answered and kept as every read is, by a real express app. */
function appWithLargeRead(rows: number) {
  const source = { version: 1, changedSince: (): undefined => undefined }; // a change of unknown scope: everything
  let derived = 0;
  const app = express();
  app.locals.answers = new KeptAnswers(source, '/v1/');
  app.use(app.locals.answers.middleware);
  app.get('/v1/big', async (req) => {
    derived++;
    const view = { period: '2026-06', rows: Array.from({ length: rows }, (_, i) => ({ code: `GM${String(i).padStart(4, '0')}`, name: `Gemeente ${i}`, total: i * 7 })) };
    await answer(req, view, jsonOrCsv((v: typeof view) => figureSheet('big', { period: v.period }, v.rows)));
  });
  return { app, source, derivedCount: () => derived };
}

describe('A large CSV answer', () => {
  test('When the CSV is larger than one chunk, then it is streamed in chunks with an ETag known up front, kept, and served again as the same bytes or 304', async () => {
    const { app, derivedCount } = appWithLargeRead(20_000);
    const expected = [...csvChunks(['period', 'code', 'name', 'total'],
      Array.from({ length: 20_000 }, (_, i) => ['2026-06', `GM${String(i).padStart(4, '0')}`, `Gemeente ${i}`, i * 7]), { delimiter: 'comma' })].join('');

    const first = await request(app).get('/v1/big?format=csv').expect(200);
    const second = await request(app).get('/v1/big?format=csv').expect(200);
    await request(app).get('/v1/big?format=csv').set('If-None-Match', first.headers.etag).expect(304);

    expect(expected.length).toBeGreaterThan(3 * 64 * 1024);
    expect(first.headers['transfer-encoding']).toBe('chunked');
    expect(first.headers['total-count']).toBe('20000');
    expect(first.text).toBe(expected);
    expect(second.text).toBe(expected);
    expect(second.headers.etag).toBe(first.headers.etag);
    expect(derivedCount()).toBe(1);
  });

  test('When the CSV fits one chunk, then it is sent at once with its length', async () => {
    const { app } = appWithLargeRead(3);

    const res = await request(app).get('/v1/big').set('Accept', 'text/csv').expect(200);

    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
    expect(res.text).toBe('period,code,name,total\r\n2026-06,GM0000,Gemeente 0,0\r\n2026-06,GM0001,Gemeente 1,7\r\n2026-06,GM0002,Gemeente 2,14\r\n');
  });
});
