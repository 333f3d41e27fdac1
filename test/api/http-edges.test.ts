import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import openapi from '../../src/generated/swagger.json';
import { loadConfig } from '../../src/config';
import { PROBLEM_TYPES } from '../../src/http/problem-types';
import { RunningService, start } from '../../src/server';
import { buildUpload } from '../support/factories';
import { appUnderTest, WRITER_KEY } from '../support/test-app';

type Operation = { parameters?: Array<{ in: string; name: string }>; security?: unknown[] };
const paths = openapi.paths as unknown as Record<string, Record<string, Operation>>;

/** Every read of the document, with its path parameters filled in for the Twente upload. */
function reads(uploadId: number): Array<{ url: string; query: string[] }> {
  return Object.entries(paths)
    .filter(([, item]) => item.get !== undefined)
    .map(([template, item]) => ({
      url: `/v1${template === '/' ? '' : template}`.replace('{region}', 'Twente').replace('{gemeente}', 'Almelo').replace('{id}', String(uploadId)).replace(/\{[^}]+\}/g, 'x'),
      query: (item.get.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
    }));
}

describe('HTTP at the edges', () => {
  const app = appUnderTest('all');
  let uploadId = 0;

  beforeAll(async () => {
    uploadId = (await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload({ partial: true })).expect(201)).body.uploads[0].id;
  });

  test('When any read of the document gets an unknown query parameter, then it is 400 naming it and the parameters the read takes', async () => {
    const all = reads(uploadId);
    expect(all.length).toBeGreaterThanOrEqual(9);
    for (const { url, query } of all) {
      const res = await app().http().get(`${url}?perod=2026-06`);

      expect({ url, status: res.status, type: res.headers['content-type'] }).toEqual({ url, status: 400, type: 'application/problem+json; charset=utf-8' });
      expect(res.body.type).toBe('urn:sonar-transparency:problem:invalid-input');
      expect(res.body.errors).toEqual([expect.objectContaining({ field: 'query.perod', found: '2026-06' })]);
      for (const name of query) expect(res.body.errors[0].detail).toContain(name);
      if (query.includes('period')) expect(res.body.errors[0].suggestions).toEqual(['period']);
      if (query.length === 0) expect(res.body.errors[0].detail).toContain('no query parameters');
    }
  });

  test('When a read gets the parameters it declares, then it answers as before; a HEAD with a typo is refused the same way', async () => {
    await app().http().get('/v1/regions/AM05/totals?period=2026-06').expect(200);
    await app().http().get('/v1/uploads?region=Twente&period=2026-06&limit=5&offset=0').expect(200);
    const head = await app().http().head('/v1/regions/AM05/totals?perod=2026-06');

    expect(head.status).toBe(400);
    expect(head.headers['content-type']).toBe('application/problem+json; charset=utf-8');
    // Outside the document's operations, query strings stay the caller's business (cache busting, probes).
    await app().http().get('/health?probe=1').expect(200);
    await app().http().get('/v1/openapi.json?v=2').expect(200);
  });

  test('When HEAD asks for any read, then it answers what GET answers without a body: status, ETag, Cache-Control, Content-Type, Content-Length, and 304 on a match', async () => {
    const withEtag: string[] = [];
    for (const { url } of reads(uploadId).filter((r) => r.url.startsWith('/v1/'))) {
      const get = await app().http().get(url);
      const head = await app().http().head(url);

      expect({ url, status: head.status }).toEqual({ url, status: get.status });
      for (const name of ['etag', 'cache-control', 'content-type', 'content-length']) expect({ url, name, value: head.headers[name] }).toEqual({ url, name, value: get.headers[name] });
      if (typeof get.text === 'string') expect(Number(head.headers['content-length'])).toBe(Buffer.byteLength(get.text));
      expect(head.text ?? '').toBe('');
      if (get.status !== 200) continue;
      withEtag.push(url);
      const notModified = await app().http().head(url).set('If-None-Match', get.headers.etag).expect(304);
      expect(notModified.headers.etag).toBe(get.headers.etag);
    }
    expect(withEtag).toEqual(expect.arrayContaining(['/v1/regions', '/v1/regions/Twente', '/v1/regions/Twente/gemeenten', '/v1/regions/Twente/totals',
      '/v1/totals', '/v1/coverage', '/v1/periods', '/v1/uploads', `/v1/uploads/${uploadId}`]));
    // A HEAD first (nothing cached yet) gives the ETag a GET gives afterwards.
    const headFirst = await app().http().head('/v1/regions/AM05/gemeenten?period=2026-06').expect(200);
    const getAfter = await app().http().get('/v1/regions/AM05/gemeenten?period=2026-06').expect(200);
    expect(headFirst.headers.etag).toBe(getAfter.headers.etag);
  });

  test('When a known path is asked with a method it does not have, then it is 405 problem+json with Allow', async () => {
    const cases: Array<[string, string, string]> = [
      ['put', '/v1/regions', 'GET, HEAD, OPTIONS'],
      ['delete', '/v1/regions/Twente', 'GET, HEAD, OPTIONS'],
      ['patch', '/v1/regions/AM05/totals', 'GET, HEAD, OPTIONS'],
      ['post', '/v1/totals', 'GET, HEAD, OPTIONS'],
      ['put', '/v1/uploads', 'POST, GET, HEAD, OPTIONS'],
      ['patch', '/v1/uploads/1', 'DELETE, GET, HEAD, OPTIONS'],
      ['post', '/v1', 'GET, HEAD, OPTIONS'],
      ['delete', '/health', 'GET, HEAD, OPTIONS'],
    ];
    for (const [method, url, allow] of cases) {
      const res = await (app().http() as unknown as Record<string, (u: string) => Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }>>)[method](url);

      expect({ method, url, status: res.status, allow: res.headers.allow?.split(', ').sort() }).toEqual({ method, url, status: 405, allow: allow.split(', ').sort() });
      expect(res.headers['content-type']).toBe('application/problem+json; charset=utf-8');
      expect(res.body).toEqual(expect.objectContaining({ type: 'about:blank', title: 'Method Not Allowed', status: 405 }));
    }
  });

  test('When TRACE asks for a read path, then it is 405 too; an unknown path stays 404', async () => {
    const trace = await app().http().trace('/v1/regions');
    const unknown = await app().http().put('/v1/nothing-here');

    expect(trace.status).toBe(405);
    expect(trace.headers.allow).toBe('GET, HEAD, OPTIONS');
    expect(unknown.status).toBe(404);
  });

  test('When a browser sends a CORS preflight, then OPTIONS answers it as before; a plain OPTIONS of a known path gets Allow, of an unknown one 404', async () => {
    const res = await app().http().options('/v1/regions').set('Origin', 'https://example.org').set('Access-Control-Request-Method', 'GET');
    const plain = await app().http().options('/v1/uploads');
    const unknown = await app().http().options('/v1/nothing-here');

    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('GET,HEAD');
    expect(plain.status).toBe(204);
    expect(plain.headers.allow).toBe('POST, GET, HEAD, OPTIONS');
    expect(unknown.status).toBe(404);
  });

  test('When GET /v1 is asked, then it answers an index linking every collection, the OpenAPI document and Swagger UI; GET / redirects to /docs/', async () => {
    const index = await app().http().get('/v1').expect(200);
    const root = await app().http().get('/').expect(302);

    // Collections anyone may read: a read that needs a key (your own subscriptions) is no link of the index.
    const collections = Object.keys(paths).filter((p) => p !== '/' && !p.includes('{') && paths[p].get && !(paths[p].get.security ?? []).length).map((p) => `/v1${p}`);
    expect(collections).toEqual(expect.arrayContaining(['/v1/regions', '/v1/totals', '/v1/coverage', '/v1/periods', '/v1/uploads']));
    const hrefs = index.body.links.map((l: { href: string }) => l.href);
    expect(hrefs).toEqual([...collections, '/v1/openapi.json', '/docs/']);
    for (const link of index.body.links) expect(link.title).toEqual(expect.any(String));
    for (const href of collections) await app().http().get(href).expect((res) => expect([200, 404]).toContain(res.status));
    expect(index.body).toEqual(expect.objectContaining({ name: openapi.info.title, version: openapi.info.version }));
    expect(root.headers.location).toBe('/docs/');
  });

  test('When the index is asked where the document places it, server URL and path, then it answers the index; another method there is 405 with Allow', async () => {
    const documented = `${openapi.servers[0].url}${Object.keys(paths).find((p) => p === '/')}`;
    expect(documented).toBe('/v1/');

    const there = await app().http().get(documented).expect(200);
    const bare = await app().http().get('/v1').expect(200);
    const typo = await app().http().get(`${documented}?perod=1`);
    const refused = await Promise.all([app().http().post(documented), app().http().delete(documented), app().http().put('/v1')]);

    expect(there.body).toEqual(bare.body);
    expect(there.headers['api-version']).toBe(openapi.info.version);
    await app().http().get(documented).set('If-None-Match', there.headers.etag).expect(304);
    expect([typo.status, typo.body.errors?.[0]?.field]).toEqual([400, 'query.perod']);
    for (const res of refused) {
      expect([res.status, res.headers.allow, res.headers['content-type']]).toEqual([405, 'GET, HEAD, OPTIONS', 'application/problem+json; charset=utf-8']);
    }
  });

  test('When problems of one status come from different places, then they carry one type and one title', async () => {
    const notFound = await Promise.all(['/v1/regions/Atlantis', '/v1/uploads/999999', '/v1/nothing', '/v1/regions/AM05/totals?period=2030-01'].map((u) => app().http().get(u).expect(404)));
    const invalid = await Promise.all([
      app().http().get('/v1/totals?period=2026-13'),
      app().http().get('/v1/uploads/abc'),
      app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload({ period: 'June' })),
      app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).set('Content-Type', 'application/json').send('{"period":'),
    ]);

    expect(new Set(notFound.map((r) => `${r.body.type} | ${r.body.title}`))).toEqual(new Set(['about:blank | Not Found']));
    expect(invalid.map((r) => r.status)).toEqual([400, 400, 400, 400]);
    expect(new Set(invalid.map((r) => `${r.body.type} | ${r.body.title}`))).toEqual(new Set(['urn:sonar-transparency:problem:invalid-input | Invalid input']));
  });

  test('When the document is read, then its description explains every problem type the service answers', () => {
    expect(PROBLEM_TYPES.map((p) => p.type)).toEqual(['urn:sonar-transparency:problem:invalid-input', 'about:blank']);
    for (const { type } of PROBLEM_TYPES) expect(openapi.info.description).toContain(`\`${type}\``);
  });

  test('When the document is read, then every pattern in it uses ASCII classes, never \\d, \\w or \\s', () => {
    const patterns: string[] = [];
    JSON.stringify(openapi, (key, value: unknown) => {
      if (key === 'pattern' && typeof value === 'string') patterns.push(value);
      return value;
    });

    expect(patterns.length).toBeGreaterThanOrEqual(3);
    for (const pattern of patterns) expect(pattern).not.toMatch(/\\[dDwWsS]/);
    const period = (openapi.components.schemas as Record<string, { pattern?: string }>).Period.pattern ?? '';
    expect(period.startsWith('^(19|20)[0-9]{2}')).toBe(true);
    expect(patterns).toContain(period);
  });

  test('When a period is written with non-ASCII digits, then it is refused', async () => {
    const res = await app().http().get(`/v1/totals?period=${encodeURIComponent('19૭૦-03')}`).expect(400);

    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'query.period', found: '19૭૦-03' })]);
  });
});

describe('Requests that Node cannot parse, on a started server', () => {
  let running: RunningService;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'sonar-edges-'));
    running = await start(loadConfig({ DATABASE_PATH: path.join(dir, 'sonar.db'), PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', RATE_LIMIT: 'false' }), pino({ level: 'silent' }));
  });
  afterAll(async () => {
    await running.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sends raw bytes and collects everything the server writes until it closes the connection. */
  function raw(bytes: string): Promise<string> {
    const { port } = new URL(running.url);
    return new Promise((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1');
      let answer = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => { answer += chunk; });
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
      socket.write(bytes);
    });
  }

  test('When a header holds a control character, then the answer is a 400 problem+json and the connection is closed', async () => {
    const answer = await raw('GET /v1/regions HTTP/1.1\r\nHost: localhost\r\nX-Note: a\u0001b\r\n\r\n');

    const [head, body] = answer.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(head).toMatch(/\r\nContent-Type: application\/problem\+json\r\n/);
    expect(head).toMatch(/\r\nConnection: close/);
    expect(JSON.parse(body)).toEqual({ type: 'about:blank', title: 'Bad Request', status: 400, detail: expect.stringContaining('not valid HTTP') });
  });

  test('When the request line is no HTTP at all, then the answer is a 400 problem+json too', async () => {
    const answer = await raw('HELLO THERE\r\n\r\n');

    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(JSON.parse(answer.split('\r\n\r\n')[1]).status).toBe(400);
  });

  test('When the headers are larger than Node reads, then the answer is a 431 problem+json', async () => {
    const answer = await raw(`GET /v1/regions HTTP/1.1\r\nHost: localhost\r\nX-Padding: ${'x'.repeat(20_000)}\r\n\r\n`);

    expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
    expect(JSON.parse(answer.split('\r\n\r\n')[1])).toEqual(expect.objectContaining({ type: 'about:blank', title: 'Request Header Fields Too Large', status: 431 }));
  });

  test('When the server has answered a broken request, then it still answers the next connection', async () => {
    await raw('GET / HTTP/1.1\r\nBad Header\r\n\r\n');
    const res = await fetch(`${running.url}/v1/regions`);

    expect(res.status).toBe(200);
  });
});
