import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app';
import { buildUpload } from '../support/factories';
import { logSink } from '../support/log-sink';
import { createTestApp, expectResponsesMatchContract, TestApp, WRITER_KEY } from '../support/test-app';

describe('Operating the service', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    expectResponsesMatchContract(t);
    await t.close();
  });

  test('When a request is logged, then the line has its id, method, path, status and duration, and never the API key', async () => {
    const sink = logSink();
    const app = createApp({ config: t.config, service: t.service, logger: sink.logger, isReady: () => true });

    const res = await request(app).post('/v1/uploads').set('X-API-Key', WRITER_KEY).set('X-Request-Id', 'trace-42').send(buildUpload()).expect(201);
    await request(app).get('/v1/regions').expect(200);

    expect(res.headers['x-request-id']).toBe('trace-42');
    const line = sink.lines.find((l) => (l.req as { id?: string })?.id === 'trace-42');
    expect(line).toEqual(expect.objectContaining({ req: { id: 'trace-42', method: 'POST', url: '/v1/uploads' }, res: { status: 201 }, responseTime: expect.any(Number) }));
    expect(JSON.stringify(sink.lines)).not.toContain(WRITER_KEY);
    const generated = sink.lines.find((l) => (l.req as { url?: string })?.url === '/v1/regions');
    expect((generated?.req as { id: string }).id).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('When a caller puts a key in the URL, then the log line has it redacted', async () => {
    const sink = logSink();
    const app = createApp({ config: t.config, service: t.service, logger: sink.logger, isReady: () => true });

    await request(app).post(`/v1/uploads?apiKey=${WRITER_KEY}&x=1`).send(buildUpload()).expect(401);

    expect(JSON.stringify(sink.lines)).not.toContain(WRITER_KEY);
    expect(JSON.stringify(sink.lines)).toContain('apiKey=[redacted]&x=1');
  });

  test('When a request id is unreasonable, then the service makes its own', async () => {
    const res = await t.http().get('/health').set('X-Request-Id', 'x'.repeat(500)).expect(200);

    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  test('When the service is up, then /health and /ready answer 200; when not ready, /ready is a 503 problem', async () => {
    await t.http().get('/health').expect(200, { status: 'ok' });
    await t.http().get('/ready').expect(200, { status: 'ready' });
    const app = createApp({ config: t.config, service: t.service, logger: pino({ level: 'silent' }), isReady: () => false });

    const res = await request(app).get('/ready').expect(503);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  test('When requests and uploads were made, then /metrics counts them by route and status, and uploads by outcome', async () => {
    await t.http().get('/v1/regions/Twente').expect(200);
    await t.http().get('/v1/regions/Atlantis').expect(404);
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload()).expect(201);
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload({ period: 'x' })).expect(400);

    const res = await t.http().get('/metrics').expect(200);

    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/v1\/regions\/\{region\}",status="200"\} 1/);
    expect(res.text).toMatch(/http_requests_total\{method="GET",route="\/v1\/regions\/\{region\}",status="404"\} 1/);
    expect(res.text).toMatch(/http_request_duration_seconds_bucket\{le="0\.001",method="GET",route="\/v1\/regions\/\{region\}",status="200"\}/);
    expect(res.text).toMatch(/uploads_total\{outcome="accepted"\} 1/);
    expect(res.text).toMatch(/uploads_total\{outcome="rejected"\} 1/);
  });

  test('When any answer is sent, then it carries API headers: no framing, nosniff, HSTS, API-Version', async () => {
    const res = await t.http().get('/v1/regions').expect(200);

    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['api-version']).toBe('1.0.0');
  });

  test('When Swagger UI is served, then its policy lets its own scripts run and still forbids framing', async () => {
    const res = await t.http().get('/docs/').expect(200);

    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    await t.http().get('/docs').expect(301).expect('Location', '/docs/');
  });

  test('When another origin reads, then CORS allows it; when it would write, then CORS does not', async () => {
    const read = await t.http().get('/v1/openapi.json').set('Origin', 'https://example.org').expect(200);
    const preflight = await t.http().options('/v1/uploads').set('Origin', 'https://example.org').set('Access-Control-Request-Method', 'POST');

    expect(read.headers['access-control-allow-origin']).toBe('*');
    expect(read.headers['access-control-expose-headers']).toContain('ETag');
    expect(preflight.headers['access-control-allow-methods']).not.toContain('POST');
  });
});

describe('Rate limits', () => {
  let t: TestApp;
  afterEach(async () => {
    expectResponsesMatchContract(t);
    await t.close();
  });

  test('When a client writes more than its limit, then it gets a 429 problem with Retry-After', async () => {
    t = await createTestApp({ RATE_LIMIT: 'true', RATE_LIMIT_WRITES: '2', RATE_LIMIT_READS: '1000' });
    for (let i = 0; i < 2; i++) await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload()).expect(201);

    const res = await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload()).expect(429);

    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await t.http().get('/v1/regions').expect(200); // reads have their own, generous limit
  });

  test('When reads exceed their limit, then they get 429 too', async () => {
    t = await createTestApp({ RATE_LIMIT: 'true', RATE_LIMIT_WRITES: '5', RATE_LIMIT_READS: '3' });
    for (let i = 0; i < 3; i++) await t.http().get('/v1/regions').expect(200);

    await t.http().get('/v1/regions').expect(429);
  });

  test('When a client reads, then each answer says its limit and what is left; health checks are not counted', async () => {
    t = await createTestApp({ RATE_LIMIT: 'true', RATE_LIMIT_WRITES: '5', RATE_LIMIT_READS: '3', RATE_LIMIT_WINDOW_MS: '60000' });
    await t.http().get('/health').expect(200);

    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await t.http().get('/v1/regions').expect(200));
    const refused = await t.http().get('/v1/regions').expect(429);

    expect(answers.map((a) => a.headers.ratelimit)).toEqual([0, 1, 2].map((used) => expect.stringMatching(new RegExp(`^limit=3, remaining=${2 - used}, reset=(60|59)$`))));
    expect(answers[0].headers['ratelimit-policy']).toBe('3;w=60');
    expect(refused.headers.ratelimit).toMatch(/^limit=3, remaining=0, reset=/);
    expect(refused.body.detail).toBe("Too many requests: at most 3 per 60 s from one client. Retry after the Retry-After header's seconds.");
  });

  test('When the service trusts one proxy, then clients are told apart by the address it forwards, and not otherwise', async () => {
    t = await createTestApp({ RATE_LIMIT: 'true', RATE_LIMIT_READS: '1', TRUST_PROXY: 'true' });
    await t.http().get('/v1/regions').set('X-Forwarded-For', '203.0.113.7, 198.51.100.1').expect(200);
    await t.http().get('/v1/regions').set('X-Forwarded-For', '203.0.113.7, 198.51.100.2').expect(200);
    await t.http().get('/v1/regions').set('X-Forwarded-For', '198.51.100.1').expect(429);
    await t.close();

    t = await createTestApp({ RATE_LIMIT: 'true', RATE_LIMIT_READS: '1', TRUST_PROXY: 'false' });
    await t.http().get('/v1/regions').set('X-Forwarded-For', '198.51.100.1').expect(200);
    await t.http().get('/v1/regions').set('X-Forwarded-For', '198.51.100.2').expect(429);
  });

  test('When a client names the target in absolute form (GET http://host/v1/regions), then it is counted, limited and labelled as the path it reaches', async () => {
    t = await createTestApp({ RATE_LIMIT: 'true', RATE_LIMIT_READS: '1' });
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const get = (target: string) => new Promise<number>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: target }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      }).on('error', reject);
    });
    try {
      const statuses = [await get(`http://127.0.0.1:${port}/v1/regions`), await get(`http://127.0.0.1:${port}/v1/regions`), await get('/v1/regions')];
      const metrics = await t.http().get('/metrics').expect(200);

      expect(statuses).toEqual([200, 429, 429]);
      expect(metrics.text).toMatch(/http_requests_total\{method="GET",route="\/v1\/regions",status="429"\} 2/);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('When a browser is over its limit, then it can still read the 429, and its preflight is answered by CORS alone', async () => {
    t = await createTestApp({ RATE_LIMIT: 'true', RATE_LIMIT_READS: '1' });
    await t.http().get('/v1/regions').set('Origin', 'https://example.org').expect(200);

    const refused = await t.http().get('/v1/regions').set('Origin', 'https://example.org').expect(429);
    const preflight = await t.http().options('/v1/regions').set('Origin', 'https://example.org').set('Access-Control-Request-Method', 'GET').expect(204);

    expect(refused.headers['access-control-allow-origin']).toBe('*');
    expect(refused.headers['retry-after']).toBeDefined();
    expect(preflight.headers['access-control-allow-methods']).toBe('GET,HEAD');
    expect(preflight.headers['retry-after']).toBeUndefined();
  });

  test('When rate limiting is switched off, then no limit applies', async () => {
    t = await createTestApp({ RATE_LIMIT: 'false', RATE_LIMIT_READS: '1' });

    for (let i = 0; i < 5; i++) await t.http().get('/v1/regions').expect(200);
  });
});
