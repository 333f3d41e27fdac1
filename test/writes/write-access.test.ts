import { parseApiKeys } from '../../src/api-keys';
import { hashedEntry, hashKeyCommand } from '../../src/cli/hash-key';
import { loadConfig } from '../../src/config';
import { checkKeyRegions } from '../../src/http/write-access';
import { buildUpload, twenteUpload } from '../support/factories';
import { appUnderTest, createTestApp, expectResponsesMatchContract, storedData, WRITER_KEY } from '../support/test-app';
import { publicationTable, regionFigures, TSV, twenteTsv } from '../tables/publication-files';

const TWENTE_OLD = 'twente-old-secret-000001';
const TWENTE_NEW = 'twente-new-secret-000002';
const EAST_KEY = 'east-secret-0000000000003';

/** Keys as an operator writes them: a plain and a hashed secret for one name (rotation), two regions for another. */
const KEYS = [
  `writer:${WRITER_KEY}`,
  `twente:${TWENTE_OLD}:AM05`,
  hashedEntry('twente', TWENTE_NEW, ['AM05']),
  hashedEntry('east', EAST_KEY, ['AM05', 'AM35']),
].join(',');

const PROBLEM = /^application\/problem\+json/;

describe('Region-scoped, hashed and rotated keys', () => {
  const app = appUnderTest('each', { API_KEYS: KEYS });
  const postJson = (key: string, body: unknown) => app().http().post('/v1/uploads').set('X-API-Key', key).send(body as object);

  test('When a key limited to Twente uploads Twente, then it is stored under the key\'s name', async () => {
    const res = await postJson(TWENTE_OLD, twenteUpload()).expect(201);

    expect(res.body.uploads).toEqual([expect.objectContaining({ region: { code: 'AM05', name: 'Twente' }, uploadedBy: 'twente' })]);
  });

  test('When a key limited to Twente uploads Groningen, then the answer is 403 naming Groningen and nothing is stored', async () => {
    const before = await storedData(app());

    const res = await postJson(TWENTE_OLD, buildUpload({ region: 'Groningen', gemeenten: [{ gemeente: 'Assen', gemeenteClients: { withProfile: 1, withoutProfile: 2 }, uwvClients: { withProfile: 3, withoutProfile: 4 } }] }));

    expect(res.status).toBe(403);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.detail).toContain('Groningen (AM01)');
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'region', found: 'Groningen (AM01)' })]);
    expect(await storedData(app())).toBe(before);
  });

  test('When a key limited to Twente uploads a file of Twente and Gorinchem, then the whole file is refused with 403 naming Gorinchem', async () => {
    const before = await storedData(app());

    const res = await app().http().post('/v1/uploads?period=2026-06').set('X-API-Key', TWENTE_NEW).set('Content-Type', TSV)
      .send(twenteTsv() + publicationTable(regionFigures('AM35')));

    expect(res.status).toBe(403);
    expect(res.body.detail).toMatch(/may not write Gorinchem \(AM35\)/);
    expect(await storedData(app())).toBe(before);
  });

  test('When a key limited to two regions uploads a file of both, then both are stored', async () => {
    const res = await app().http().post('/v1/uploads?period=2026-06').set('X-API-Key', EAST_KEY).set('Content-Type', TSV)
      .send(twenteTsv() + publicationTable(regionFigures('AM35'))).expect(201);

    expect(res.body.uploads.map((u: { region: { code: string }; uploadedBy: string }) => [u.region.code, u.uploadedBy])).toEqual([['AM05', 'east'], ['AM35', 'east']]);
  });

  test('When a name has a plain and a hashed secret, then both work and both uploads carry that name', async () => {
    const first = await postJson(TWENTE_OLD, buildUpload({ period: '2026-03' })).expect(201);
    const second = await postJson(TWENTE_NEW, buildUpload({ period: '2026-04' })).expect(201);

    expect([first.body.uploads[0].uploadedBy, second.body.uploads[0].uploadedBy]).toEqual(['twente', 'twente']);
  });

  test('When a wrong key is sent, then the answer is the same whatever it resembles, so it never tells which names exist', async () => {
    const wrong = ['twente', 'writer', `twente:${TWENTE_OLD}`, hashedEntry('twente', TWENTE_NEW), 'nobody-at-all-0000000000'];

    const answers = await Promise.all(wrong.map((key) => postJson(key, buildUpload())));

    for (const res of answers) expect(res.status).toBe(401);
    expect(new Set(answers.map((res) => JSON.stringify(res.body))).size).toBe(1);
  });

  test('When the key comes as Authorization: Bearer, then the answer is 401 saying to send it in X-API-Key', async () => {
    const res = await app().http().post('/v1/uploads').set('Authorization', `Bearer ${WRITER_KEY}`).send(buildUpload());

    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.headers['www-authenticate']).toBe('ApiKey header="X-API-Key"');
    expect(res.body.detail).toMatch(/send the API key in the X-API-Key header/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'header.Authorization' })]);
  });
});

describe('Keys are checked before anything reads the body', () => {
  const app = appUnderTest('all');

  test.each([
    ['broken JSON', 'application/json', '{"period": "2026-'],
    ['a body of a type no upload has', 'text/html', '<p>figures</p>'],
    ['no content type at all', '', 'x'],
    ['JSON larger than any limit', 'application/json', `{"x":"${'a'.repeat(300 * 1024)}"}`],
  ])('When a write without a key sends %s, then the answer is 401, not a complaint about the body', async (_what, type, body) => {
    const req = app().http().post('/v1/uploads');
    if (type) req.set('Content-Type', type);

    const res = await req.send(body);

    expect(res.status).toBe(401);
    expect(res.body.errors).toEqual([{ field: 'header.X-API-Key', detail: 'is missing' }]);
  });

  test('When a withdrawal comes without a key, then the answer is 401 whatever the id', async () => {
    for (const id of ['1', 'abc', '99999']) {
      const res = await app().http().delete(`/v1/uploads/${id}`);
      expect(res.status).toBe(401);
    }
  });
});

describe('JSON uploads: what is valid JSON but no upload, and query parameters that a JSON upload does not use', () => {
  const app = appUnderTest('all');
  const post = (raw: string, query = '') =>
    app().http().post(`/v1/uploads${query}`).set('X-API-Key', WRITER_KEY).set('Content-Type', 'application/json').send(raw);

  test.each(['null', '0.0', '"x"', 'true', '[]', '[{"period":"2026-06"}]'])('When the body is %s, then the answer is 400 saying it is no upload object, not that it is invalid JSON', async (raw) => {
    const before = await storedData(app());

    const res = await post(raw);

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(PROBLEM);
    expect(res.body.detail).toMatch(/is valid JSON, but/);
    expect(res.body.errors).toEqual([expect.objectContaining({ field: '(body)', detail: 'must be a JSON object with period, region and gemeenten' })]);
    expect(await storedData(app())).toBe(before);
  });

  test('When the body is empty, then it is read as an empty object and the answer names every missing field', async () => {
    const res = await post('');

    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['gemeenten', 'period', 'region']);
  });

  test('When the body is not JSON at all, then the answer still says so', async () => {
    const res = await post('{"period": ');

    expect(res.status).toBe(400);
    expect(res.body.detail).toBe('The body is not valid JSON.');
  });

  test('When a JSON upload comes with ?registerTotal=10371&region=Twente, then it is refused naming both, and nothing is stored', async () => {
    const before = await storedData(app());

    const res = await post(JSON.stringify(twenteUpload()), '?registerTotal=10371&region=Twente');

    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['query.registerTotal', 'query.region']);
    expect(await storedData(app())).toBe(before);
  });
});

describe('API_KEYS in the configuration', () => {
  const app = appUnderTest('all');

  test('When a key is limited to a region code that does not exist, then the app refuses to start naming it', () => {
    const { entries } = parseApiKeys(`a:${'s'.repeat(16)}:AM05+AM99`);

    expect(() => checkKeyRegions(entries, app().service.reference)).toThrow(/API_KEYS: no arbeidsmarktregio has the code a: AM99/);
  });

  test('When entries are plain, hashed, scoped and rotated, then each is read with its name and regions', () => {
    const { entries, problems } = parseApiKeys(`a:${'s'.repeat(16)},a:sha256:${'0'.repeat(64)},b:${'t'.repeat(16)}:AM05+AM14,c:with:colons-inside-the-secret`);

    expect(problems).toEqual([]);
    expect(entries.map((e) => [e.name, e.regions])).toEqual([['a', null], ['a', null], ['b', ['AM05', 'AM14']], ['c', null]]);
  });

  test.each([
    ['a short secret', 'a:short', /at least 16 characters/],
    ['a malformed hash', `a:sha256:${'0'.repeat(63)}`, /64 lowercase hex digits/],
    ['one secret twice', `a:${'s'.repeat(16)},b:${'s'.repeat(16)}`, /repeats a secret/],
    ['one name with different regions', `a:${'s'.repeat(16)}:AM05,a:${'t'.repeat(16)}:AM14`, /different regions/],
    ['no name', `:${'s'.repeat(16)}`, /name:secret/],
  ])('When API_KEYS has %s, then start-up fails naming it and never the secret', (_what, value, message) => {
    expect(() => loadConfig({ API_KEYS: value })).toThrow(message);
    try {
      loadConfig({ API_KEYS: value });
    } catch (error) {
      expect(String(error)).not.toContain('s'.repeat(16));
    }
  });
});

describe('npm run hash-key', () => {
  const run = (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = hashKeyCommand(argv, { log: (l) => out.push(l), error: (l) => err.push(l) });
    return { code, out, err };
  };

  test('When it is run with a name and a region, then it prints a new secret and an entry with only its digest, and that entry lets the secret write the region', async () => {
    const { code, out } = run('twente', 'AM05');
    const secret = /^secret .*: (\S+)$/.exec(out[0])?.[1] ?? '';
    const entry = /^API_KEYS entry: (\S+)$/.exec(out[1])?.[1] ?? '';

    expect(code).toBe(0);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(entry).toMatch(/^twente:sha256:[0-9a-f]{64}:AM05$/);
    expect(entry).not.toContain(secret);
    const t = await createTestApp({ API_KEYS: entry });
    try {
      const res = await t.http().post('/v1/uploads').set('X-API-Key', secret).send(twenteUpload());
      expect(res.status).toBe(201);
      expect(res.body.uploads[0].uploadedBy).toBe('twente');
      expect((await t.http().post('/v1/uploads').set('X-API-Key', secret).send(buildUpload({ region: 'Groningen', gemeenten: [{ gemeente: 'Assen', gemeenteClients: { withProfile: 1, withoutProfile: 1 }, uwvClients: { withProfile: 1, withoutProfile: 1 } }] }))).status).toBe(403);
      expectResponsesMatchContract(t);
    } finally {
      await t.close();
    }
  });

  test('When it is run twice, then the secrets differ', () => {
    expect(run('a').out[0]).not.toBe(run('a').out[0]);
  });

  test.each([[[]], [['-h']], [['twente', 'Twente']], [['bad name']]])('When it is run with %j, then it prints the usage and exits 2', (argv) => {
    const { code, err } = run(...argv);

    expect(code).toBe(2);
    expect(err[0]).toMatch(/^Usage: npm run hash-key -- NAME/);
  });
});
