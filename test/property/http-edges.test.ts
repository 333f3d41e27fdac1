import fc from 'fast-check';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import request from 'supertest';
import openapi from '../../src/generated/swagger.json';
import { twenteUpload } from '../support/factories';
import { liveAppUnderTest } from '../support/live-server';
import { createTestApp, expectResponsesMatchContract, storedData, TestApp, WRITER_KEY } from '../support/test-app';

const runs = (n: number) => ({ numRuns: n, interruptAfterTimeLimit: 40_000, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) });
const PROBLEM = /^application\/problem\+json/;
const BASE = openapi.servers[0].url;

const WRITES = new Set(['POST /uploads', 'DELETE /uploads/{id}', 'POST /subscriptions', 'DELETE /subscriptions/{id}', 'POST /subscriptions/{id}/secret']);

/**
 * Every operation of the API, with a URL that reaches it (the Twente upload is id 1). Written out rather than
 * read from the document, so that a test can compare the two: a new operation must be added here.
 */
const OPERATIONS: ReadonlyArray<{ method: string; template: string; url: string }> = [
  { method: 'GET', template: '/', url: `${BASE}/` },
  { method: 'GET', template: '/regions', url: `${BASE}/regions` },
  { method: 'GET', template: '/regions/{region}', url: `${BASE}/regions/AM05` },
  { method: 'GET', template: '/regions/{region}/gemeenten', url: `${BASE}/regions/AM05/gemeenten` },
  { method: 'GET', template: '/regions/{region}/totals', url: `${BASE}/regions/AM05/totals` },
  { method: 'GET', template: '/regions/{region}/periods', url: `${BASE}/regions/AM05/periods` },
  { method: 'GET', template: '/regions/{region}/series', url: `${BASE}/regions/AM05/series` },
  { method: 'GET', template: '/regions/{region}/table', url: `${BASE}/regions/AM05/table` },
  { method: 'GET', template: '/totals', url: `${BASE}/totals` },
  { method: 'GET', template: '/coverage', url: `${BASE}/coverage` },
  { method: 'GET', template: '/periods', url: `${BASE}/periods` },
  { method: 'GET', template: '/series', url: `${BASE}/series` },
  { method: 'GET', template: '/table', url: `${BASE}/table` },
  { method: 'GET', template: '/measures', url: `${BASE}/measures` },
  { method: 'GET', template: '/catalog', url: `${BASE}/catalog` },
  { method: 'GET', template: '/classifications', url: `${BASE}/classifications` },
  { method: 'GET', template: '/gemeenten', url: `${BASE}/gemeenten` },
  { method: 'GET', template: '/gemeenten/{gemeente}', url: `${BASE}/gemeenten/Almelo` },
  { method: 'GET', template: '/gemeenten/{gemeente}/series', url: `${BASE}/gemeenten/Almelo/series` },
  { method: 'POST', template: '/uploads', url: `${BASE}/uploads` },
  { method: 'GET', template: '/uploads', url: `${BASE}/uploads` },
  { method: 'GET', template: '/uploads/{id}', url: `${BASE}/uploads/1` },
  { method: 'DELETE', template: '/uploads/{id}', url: `${BASE}/uploads/1` },
  { method: 'GET', template: '/events', url: `${BASE}/events` },
  { method: 'POST', template: '/subscriptions', url: `${BASE}/subscriptions` },
  { method: 'GET', template: '/subscriptions', url: `${BASE}/subscriptions` },
  { method: 'GET', template: '/subscriptions/{id}', url: `${BASE}/subscriptions/8d0f7a8e-3d0b-4f58-a2b1-6f7a4f3c2e11` },
  { method: 'DELETE', template: '/subscriptions/{id}', url: `${BASE}/subscriptions/8d0f7a8e-3d0b-4f58-a2b1-6f7a4f3c2e11` },
  { method: 'POST', template: '/subscriptions/{id}/secret', url: `${BASE}/subscriptions/8d0f7a8e-3d0b-4f58-a2b1-6f7a4f3c2e11/secret` },
];

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const HEADER_NAMES = ['Authorization', 'Content-Type', 'Accept', 'If-None-Match', 'Idempotency-Key', 'X-Request-Id', 'Origin', 'X-API-Key', 'X-Other'];
const CONTENT_TYPES = ['application/json', 'application/json; charset=latin1', 'text/csv', 'text/tab-separated-values', 'text/plain', 'application/x-www-form-urlencoded', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

/** Header values a client can send: visible ASCII and spaces (control characters are tried on a raw socket below). */
const headerValue = fc.oneof(fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 }), fc.constantFrom(...CONTENT_TYPES), fc.constant(`Bearer ${WRITER_KEY}`));

const isWriteOperation = (o: (typeof OPERATIONS)[number]) => WRITES.has(`${o.method} ${o.template}`);

const requestCase = fc.record({
  // Writes are few among the operations, so they get half of the cases.
  operation: fc.oneof(fc.constantFrom(...OPERATIONS.filter(isWriteOperation)), fc.constantFrom(...OPERATIONS.filter((o) => !isWriteOperation(o)))),
  method: fc.oneof({ arbitrary: fc.constant(undefined), weight: 3 }, { arbitrary: fc.constantFrom(...METHODS), weight: 2 }), // undefined: the documented method
  headers: fc.dictionary(fc.constantFrom(...HEADER_NAMES), headerValue, { maxKeys: 4 }),
  withKey: fc.boolean(),
  body: fc.option(fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(twenteUpload() as unknown)), { nil: undefined }),
  query: fc.option(fc.dictionary(fc.constantFrom('period', 'region', 'registerTotal', 'limit', 'offset', 'partial', 'asOf', 'endPeriod', 'x'),
    fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('2147483648', '9007199254740993', '-1', '2026-06')), { maxKeys: 2 }), { nil: undefined }),
});

describe('The operations these properties try', () => {
  test('When the list is compared with the document, then it holds every documented operation, and no other', () => {
    const documented = Object.entries(openapi.paths as Record<string, Record<string, unknown>>)
      .flatMap(([template, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${template}`));

    expect(OPERATIONS.map((o) => `${o.method} ${o.template}`).sort()).toEqual(documented.sort());
  });
});

describe('Every documented operation, with random methods, headers and bodies, with and without a key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ WEBHOOK_SECRETS_KEY: 'a-test-key-of-at-least-32-characters' });
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twenteUpload()).expect(201);
  });
  afterAll(async () => {
    try {
      expectResponsesMatchContract(t);
    } finally {
      await t.close();
    }
  });

  test('When anything is sent, then there is never a 5xx, every error is problem+json, a write without a key is 401, and a refused request stores nothing', async () => {
    await fc.assert(fc.asyncProperty(requestCase, async ({ operation, method = operation.method, headers, withKey, body, query }) => {
      // Arrange
      const before = await storedData(t);
      const agent = request(t.app) as unknown as Record<string, (url: string) => request.Test>;
      let req = agent[method.toLowerCase()](operation.url);
      if (query) req = req.query(query);
      for (const [name, value] of Object.entries(headers)) if (!(withKey && name === 'X-API-Key')) req = req.set(name, value);
      if (withKey) req = req.set('X-API-Key', WRITER_KEY);
      if (body !== undefined && method !== 'GET' && method !== 'HEAD') {
        if (!headers['Content-Type']) req = req.set('Content-Type', 'application/json');
        req = req.send(JSON.stringify(body));
      }

      // Act
      const res = await req;

      // Assert
      const context = { method, url: operation.url, headers, withKey, status: res.status };
      expect({ ...context, serverError: res.status >= 500 }).toEqual({ ...context, serverError: false });
      if (res.status >= 400) expect({ ...context, type: res.headers['content-type'] }).toEqual({ ...context, type: expect.stringMatching(PROBLEM) });
      const isWrite = WRITES.has(`${method} ${operation.template}`);
      if (isWrite && !withKey) expect({ ...context, isWrite }).toEqual({ ...context, isWrite, status: 401 });
      if (res.status >= 400) expect(await storedData(t)).toBe(before);
    }), runs(400));
  }, 60_000);
});

describe('Headers with control characters', () => {
  const live = liveAppUnderTest();

  /** The raw answer to a request written byte for byte, or '' when the server closed the connection without one. */
  const rawExchange = (text: string): Promise<string> => new Promise((resolve, reject) => {
    const { port } = new URL(live.base());
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.setTimeout(5000, () => socket.destroy(new Error('no answer within 5 s')));
    socket.on('data', (chunk) => { answer += chunk.toString('latin1'); });
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', (error) => ((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? resolve(answer) : reject(error)));
    socket.end(text);
  });

  test('When Node\'s own client is asked to send a control character in a header, then it refuses before anything is sent', () => {
    expect(() => httpRequest(live.base(), { headers: { 'X-API-Key': `${WRITER_KEY}\u0001` } })).toThrow(/Invalid character in header content/);
  });

  test('When a raw request carries control characters in its headers, then nothing is stored and the answer is a 4xx problem+json or a closed connection', async () => {
    const before = await storedData(live.t());
    const control = fc.integer({ min: 0, max: 0x1f }).filter((c) => c !== 0x09).map((c) => String.fromCharCode(c));
    await fc.assert(fc.asyncProperty(fc.constantFrom(...OPERATIONS), control, fc.boolean(), async (operation, bad, withKey) => {
      const body = JSON.stringify(twenteUpload());
      const text = `${operation.method} ${operation.url} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Test: a${bad}b\r\n`
        + `${withKey ? `X-API-Key: ${WRITER_KEY}\r\n` : ''}Content-Type: application/json\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;

      const answer = await rawExchange(text);

      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
      const head = answer.split('\r\n\r\n')[0];
      const context = { operation: `${operation.method} ${operation.url}`, bad: bad.charCodeAt(0), head };
      // Whether Node's parser or the app refuses it, the answer is a problem; or the connection just closes.
      const problem = status >= 400 && status < 500 && /\r\ncontent-type: application\/problem\+json/i.test(head);
      expect({ ...context, fine: answer === '' || problem }).toEqual({ ...context, fine: true });
    }), runs(60));
    expect(await storedData(live.t())).toBe(before);
  }, 60_000);
});
