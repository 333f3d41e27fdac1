import openapi from '../../src/generated/swagger.json';
import { buildRow, buildUpload, twenteUpload } from '../support/factories';
import { createTestApp, eachTestStoresNothing, TestApp, WRITER_KEY } from '../support/test-app';

/** Every rule for bad input: a problem+json naming each offending field, and stored data exactly as it was. */
describe('Bad input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ JSON_BODY_LIMIT: '20kb' });
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(twenteUpload()).expect(201);
  });
  eachTestStoresNothing(() => t);

  const post = (body: unknown) => t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(body as object);
  const fields = (res: { body: { errors?: Array<{ field?: string }> } }) => (res.body.errors ?? []).map((e) => e.field).sort();

  function expectProblem(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number) {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toEqual(expect.objectContaining({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String) }));
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/); // never a stack trace
  }

  test.each([
    ['negative', -1, 'must not be negative'],
    ['fractional', 2.5, 'whole number'],
    ['a string of digits', '3', 'whole number'],
    ['absurdly large', 1e12, 'more than the whole doelgroep'],
    ['null', null, ''],
  ])('When a count is %s, then the answer is 400 naming that count', async (_what, value, message) => {
    const res = await post(buildUpload({ gemeenten: [buildRow({ uwvClients: { withProfile: value as number, withoutProfile: 502 }, total: undefined })] }));

    expectProblem(res, 400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'gemeenten[0].uwvClients.withProfile', detail: expect.stringContaining(message) })]);
  });

  test('When several fields are wrong at once, then every one of them is listed', async () => {
    const res = await post({
      period: '2026-13', region: 'Twente', registerTotal: -5, colour: 'red',
      gemeenten: [buildRow({ gemeenteClients: { withProfile: -1, withoutProfile: 1.5 } }), buildRow({ gemeente: 'Borne', total: '216' as unknown as number })],
    });

    expectProblem(res, 400);
    expect(fields(res)).toEqual(['colour', 'gemeenten[0].gemeenteClients.withProfile', 'gemeenten[0].gemeenteClients.withoutProfile', 'gemeenten[1].total', 'period', 'registerTotal']);
  });

  test('When the shape and the content are both wrong, then the problems of both are listed in one answer', async () => {
    const res = await post({
      ...buildUpload(), extra: 1,
      gemeenten: [buildRow({ gemeente: 'Enschedee' }), buildRow({ gemeente: 'Borne', uwvClients: { withProfile: '3' as unknown as number, withoutProfile: 1 } }), buildRow({ gemeente: 'Losser', total: 1 })],
    });

    expectProblem(res, 400);
    expect(fields(res)).toEqual(['extra', 'gemeenten[0].gemeente', 'gemeenten[1].uwvClients.withProfile', 'gemeenten[2].total']);
  });

  test('When a total is not the sum of the four counts, then the answer names it and the sum', async () => {
    const res = await post(buildUpload({ gemeenten: [buildRow({ total: 1219 }), buildRow({ gemeente: 'Borne', total: 5 })] }));

    expectProblem(res, 400);
    expect(res.body.errors).toEqual([
      expect.objectContaining({ field: 'gemeenten[0].total', found: '1219', detail: expect.stringContaining('1218') }),
      expect.objectContaining({ field: 'gemeenten[1].total', found: '5' }),
    ]);
  });

  test('When a gemeente is unknown in the region, then the answer names it with close names of the region', async () => {
    const res = await post(buildUpload({ gemeenten: [buildRow({ gemeente: 'Enschedee' })] }));

    expectProblem(res, 400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'gemeenten[0].gemeente', found: 'Enschedee', suggestions: expect.arrayContaining(['Enschede']) })]);
  });

  test('When a gemeente of another region is listed, then the answer says which region it belongs to', async () => {
    const res = await post(buildUpload({ gemeenten: [buildRow({ gemeente: 'Zwolle' })] }));

    expectProblem(res, 400);
    expect(res.body.errors[0]).toEqual(expect.objectContaining({ field: 'gemeenten[0].gemeente', detail: expect.stringContaining('Regio Zwolle') }));
  });

  test('When a gemeente is listed twice, by name and by code, then the second is named', async () => {
    const res = await post(buildUpload({ gemeenten: [buildRow(), buildRow({ gemeente: 'GM0141' })] }));

    expectProblem(res, 400);
    expect(fields(res)).toEqual(['gemeenten[1].gemeente']);
  });

  test.each([
    ['an unknown region', { region: 'Atlantis' }, 'region'],
    ['a malformed period', { period: '2026-13' }, 'period'],
    ['a period without month', { period: '2026' }, 'period'],
    ['no gemeenten', { gemeenten: [] }, 'gemeenten'],
  ])('When the upload has %s, then the answer is 400 naming that field', async (_what, overrides, field) => {
    const res = await post(buildUpload(overrides));

    expectProblem(res, 400);
    expect(fields(res)).toEqual([field]);
  });

  test('When the body is not JSON, then the answer is 400', async () => {
    const res = await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).set('Content-Type', 'application/json').send('{"period": ');

    expectProblem(res, 400);
  });

  test('When the body is too large, then the answer is 413', async () => {
    const big = buildUpload({ gemeenten: Array.from({ length: 400 }, () => buildRow()) });

    const res = await post(big);

    expectProblem(res, 413);
  });

  test.each([
    ['text/plain', 'hello'],
    ['application/x-www-form-urlencoded', 'period=2026-06'],
  ])('When the body is sent as %s, then the answer is 415 naming the Content-Type', async (type, body) => {
    const res = await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).set('Content-Type', type).send(body);

    expectProblem(res, 415);
    expect(fields(res)).toEqual(['header.Content-Type']);
  });

  test.each([
    ['no key', undefined],
    ['a wrong key', 'not-a-key-of-this-service'],
    ['an empty key', ''],
  ])('When a write comes with %s, then the answer is 401', async (_what, key) => {
    const req = t.http().post('/v1/uploads');
    if (key !== undefined) req.set('X-API-Key', key);

    const res = await req.send(buildUpload());

    expectProblem(res, 401);
  });

  test('When a write carries its key in the URL instead of the header, then the answer is 401', async () => {
    const res = await t.http().post(`/v1/uploads?apiKey=${WRITER_KEY}`).send(buildUpload());

    expectProblem(res, 401);
  });

  test.each([
    ['/v1/regions/'],
    ['/v1/regions/Twente/'],
    ['/v1/nothing-here'],
    ['/v1/regions/Atlantis'],
    ['/v1/regions/Atlantis/totals'],
    ['/v1/uploads/999999'],
  ])('When %s is read, then the answer is a 404 problem', async (url) => {
    const res = await t.http().get(url);

    expectProblem(res, 404);
  });

  test.each([
    ['/v1/regions/Twente/totals?period=2026-13'],
    ['/v1/regions/Twente/gemeenten?period=June'],
    ['/v1/totals?period=2026-6'],
    ['/v1/coverage?period=26-06'],
    ['/v1/uploads?limit=0'],
    ['/v1/uploads?limit=ten'],
    ['/v1/uploads/abc'],
  ])('When %s is read, then the answer is a 400 problem naming the parameter', async (url) => {
    const res = await t.http().get(url);

    expectProblem(res, 400);
    expect(res.body.errors).toHaveLength(1);
  });

  test('When a path has a malformed %-escape, then the answer is a 400 problem, not a 500', async () => {
    const res = await t.http().get('/v1/regions/%E0%A4%A');

    expectProblem(res, 400);
    expect(res.body.errors[0].field).toBe('path');
  });

  test('When the offset is beyond any history, then the answer is a 400 naming it, not a 500', async () => {
    const res = await t.http().get('/v1/uploads?offset=99999999999999999999');

    expectProblem(res, 400);
    expect(fields(res)).toEqual(['query.offset']);
  });

  test('When an upload id is beyond any integer the service can count, then the answer is a 400 naming it, not a 404 for a rounded id', async () => {
    const res = await t.http().get('/v1/uploads/99999999999999999999');

    expectProblem(res, 400);
    expect(fields(res)).toEqual(['id']);
  });

  test.each([
    ['GET', 2 ** 31], ['HEAD', 2 ** 31], ['DELETE', 2 ** 31], ['GET', 2 ** 53 - 1], ['DELETE', 2 ** 53 - 1],
  ])('When %s asks for upload %d, beyond the 32-bit ids the stores hold, then the answer is a 400 problem naming the id, never a 500', async (method, id) => {
    const req = method === 'GET' ? t.http().get(`/v1/uploads/${id}`) : method === 'HEAD' ? t.http().head(`/v1/uploads/${id}`) : t.http().delete(`/v1/uploads/${id}`).set('X-API-Key', WRITER_KEY);

    const res = await req;

    expect({ method, id, status: res.status, type: res.headers['content-type'] }).toEqual({ method, id, status: 400, type: expect.stringMatching(/^application\/problem\+json/) });
    if (method !== 'HEAD') expect(fields(res)).toEqual(['id']);
  });

  test('When a series gets a malformed filter, then each offending query parameter is named as query.<name>', async () => {
    const res = await t.http().get('/v1/regions/Twente/series?lastNObservations=0&startPeriod=2026-13');

    expectProblem(res, 400);
    expect(fields(res)).toEqual(['query.lastNObservations', 'query.startPeriod']);
  });

  test('When the largest upload id is asked for, then it is a 404 problem on either store', async () => {
    const get = await t.http().get(`/v1/uploads/${2 ** 31 - 1}`);
    const withdraw = await t.http().delete(`/v1/uploads/${2 ** 31 - 1}`).set('X-API-Key', WRITER_KEY);

    expectProblem(get, 404);
    expectProblem(withdraw, 404);
  });

  test('When the history is paged at the largest limit and offset the document allows, then both stores answer; one more is a 400 naming it', async () => {
    const parameters = (openapi.paths['/uploads'].get.parameters as Array<{ name: string; schema: { maximum?: number } }>);
    const maximum = (name: string) => parameters.find((p) => p.name === name)?.schema.maximum ?? NaN;

    const largest = await t.http().get(`/v1/uploads?limit=${maximum('limit')}&offset=${maximum('offset')}`);
    const beyond = await Promise.all(['limit', 'offset'].map((name) => t.http().get(`/v1/uploads?${name}=${maximum(name) + 1}`)));

    expect(largest.status).toBe(200);
    expect(largest.body.uploads).toEqual([]);
    for (const [i, res] of beyond.entries()) {
      expectProblem(res, 400);
      expect(fields(res)).toEqual([`query.${['limit', 'offset'][i]}`]);
    }
  });

  test('When a count is a deeply nested value, then the answer is a 400 problem naming it, with the value cut short', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const body = `{"period":"2026-06","region":"Twente","gemeenten":[{"gemeente":"Almelo","gemeenteClients":{"withProfile":${deep},"withoutProfile":1},"uwvClients":{"withProfile":1,"withoutProfile":1}}]}`;

    const res = await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).set('Content-Type', 'application/json').send(body);

    expectProblem(res, 400);
    expect(fields(res)).toEqual(['gemeenten[0].gemeenteClients.withProfile']);
    expect(res.body.errors[0].found.length).toBeLessThanOrEqual(201);
  });

  test('When an upload lists more entries than any region has gemeenten, then it is refused at once, naming the list', async () => {
    const res = await post(buildUpload({ gemeenten: Array.from({ length: 101 }, () => buildRow({ gemeente: 'x' })) }));

    expectProblem(res, 400);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'gemeenten', detail: expect.stringContaining('101 entries') })]);
  });

  test('When a write has no valid key, then the 401 says how to authenticate and names the header', async () => {
    const res = await t.http().post('/v1/uploads').set('X-API-Key', 'wrong').send(buildUpload());

    expectProblem(res, 401);
    expect(res.headers['www-authenticate']).toBe('ApiKey header="X-API-Key"');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'header.X-API-Key' })]);
  });

  test('When a period without figures is read, then the answer is a 404 problem', async () => {
    const res = await t.http().get('/v1/regions/Twente/totals?period=2020-01');

    expectProblem(res, 404);
    expect(res.body.detail).toContain('2020-01');
  });
});
