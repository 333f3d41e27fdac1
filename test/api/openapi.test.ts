import openapi from '../../src/generated/swagger.json';
import { buildUpload } from '../support/factories';
import { contractViolations, documentedOperations, operationPath, RecordedResponse } from '../support/contract';
import { createTestApp, expectResponsesMatchContract, TestApp, WRITER_KEY } from '../support/test-app';

/** The API contract of DESIGN.md, operation by operation. */
const CONTRACT = [
  'GET /v1/regions',
  'GET /v1/regions/{region}',
  'GET /v1/regions/{region}/gemeenten',
  'GET /v1/regions/{region}/totals',
  'GET /v1/totals',
  'GET /v1/coverage',
  'GET /v1/periods',
  'POST /v1/uploads',
  'GET /v1/uploads',
  'GET /v1/uploads/{id}',
];

type Operation = { responses: Record<string, { content?: Record<string, unknown>; headers?: Record<string, { required?: boolean }> }> };
const operations = Object.entries(openapi.paths as unknown as Record<string, Record<string, Operation>>)
  .flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ name: `${method.toUpperCase()} /v1${path}`, operation })));

describe('The OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    expectResponsesMatchContract(t);
    await t.close();
  });

  /** The last response the app gave to `method url`, as the contract check sees it. */
  const recorded = (method: string, url: string): RecordedResponse => {
    const found = [...t.responses].reverse().find((r) => r.method === method && r.url === url);
    if (!found) throw new Error(`no response to ${method} ${url} was recorded`);
    return { ...found, headers: { ...found.headers } };
  };

  test('When the generated document is read, then it lists every operation of the contract in DESIGN.md', () => {
    // Act
    const documented = documentedOperations();

    // Assert
    expect(documented).toEqual(expect.arrayContaining(CONTRACT));
  });

  test('When the generated document is read, then every success names its API-Version header and every error is application/problem+json', () => {
    // Act
    const successes = operations.flatMap(({ name, operation }) =>
      Object.entries(operation.responses).filter(([status]) => status.startsWith('2')).map(([status, r]) => ({ name, status, required: r.headers?.['API-Version']?.required ?? false })));
    const errors = operations.flatMap(({ name, operation }) =>
      Object.entries(operation.responses).filter(([status]) => /^[45]/.test(status)).map(([status, r]) => ({ name, status, content: Object.keys(r.content ?? {}) })));

    // Assert
    expect(successes).toEqual(successes.map((s) => ({ ...s, required: true })));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors).toEqual(errors.map((e) => ({ ...e, content: ['application/problem+json'] })));
  });

  test('When GET /v1/openapi.json is requested, then it serves the generated document, whose info.version is the API-Version header', async () => {
    // Act
    const res = await t.http().get('/v1/openapi.json').expect(200);

    // Assert
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual(openapi);
    expect(res.headers['api-version']).toBe(openapi.info.version);
    expect(res.body.openapi).toMatch(/^3\./);
  });

  test('When a URL of each operation of the contract is matched, then it falls under its documented path, so that no response escapes the contract check', () => {
    // Arrange
    const urls = [
      ['POST', '/v1/uploads'], ['GET', '/v1/regions'], ['GET', '/v1/regions/Twente'], ['GET', '/v1/regions/AM05/gemeenten?period=2025-02'],
      ['GET', '/v1/regions/twente/totals?period=2025-02'], ['GET', '/v1/totals?period=2025-02'], ['GET', '/v1/coverage'],
      ['GET', '/v1/periods'], ['GET', '/v1/uploads?period=2025-02&limit=5'], ['GET', '/v1/uploads/17'],
    ];

    // Act
    const matched = urls.map(([method, url]) => `${method} /v1${operationPath(url)}`);

    // Assert
    expect(matched.sort()).toEqual([...CONTRACT].sort());
    expect(['/health', '/v1/openapi.json', '/docs/', '/v1/regions/AM05/nothing'].map(operationPath)).toEqual([undefined, undefined, undefined, undefined]);
  });

  test('When every read of the contract is requested after an upload, then each answer matches the document', async () => {
    // Arrange
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload({ period: '2025-02' })).expect(201);
    const urls = [
      '/v1/regions', '/v1/regions/Twente', '/v1/regions/AM05/gemeenten?period=2025-02', '/v1/regions/twente/totals?period=2025-02',
      '/v1/totals?period=2025-02', '/v1/coverage?period=2025-02', '/v1/periods', '/v1/uploads?period=2025-02',
    ];

    // Act
    for (const url of urls) await t.http().get(url).expect(200);

    // Assert
    expect(urls.flatMap((url) => contractViolations(recorded('GET', url)))).toEqual([]);
    expect(contractViolations(recorded('POST', '/v1/uploads'))).toEqual([]);
  });

  test('When a real response is altered, then the contract check reports a wrong body, an undocumented status, an undocumented content type and a missing header', async () => {
    // Arrange
    await t.http().get('/v1/regions').expect(200);
    await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload({ period: '2025-03' })).expect(201);
    const regions = recorded('GET', '/v1/regions');
    const receipt = recorded('POST', '/v1/uploads');
    const withoutHeader = (r: RecordedResponse, name: string): RecordedResponse => {
      const headers = { ...r.headers };
      delete headers[name];
      return { ...r, headers };
    };

    // Act
    const violations = {
      unaltered: contractViolations(regions),
      wrongBody: contractViolations({ ...regions, body: JSON.stringify({ regions: [{ code: 5, name: 'Twente' }] }) }),
      missingField: contractViolations({ ...receipt, body: JSON.stringify({ uploads: [{ ...JSON.parse(receipt.body).uploads[0], id: undefined }] }) }),
      undocumentedStatus: contractViolations({ ...regions, status: 418 }),
      undocumentedType: contractViolations({ ...regions, headers: { ...regions.headers, 'content-type': 'text/html; charset=utf-8' } }),
      missingApiVersion: contractViolations(withoutHeader(regions, 'api-version')),
      missingLocation: contractViolations(withoutHeader(receipt, 'location')),
    };

    // Assert
    expect(violations).toEqual({
      unaltered: [],
      wrongBody: [expect.stringMatching(/^GET \/v1\/regions → 200: .*code.* must be string/)],
      missingField: [expect.stringMatching(/^POST \/v1\/uploads → 201: .*must have required property 'id'/)],
      undocumentedStatus: ['GET /v1/regions → 418: status 418 is not documented'],
      undocumentedType: [expect.stringContaining('content type text/html is not documented')],
      missingApiVersion: ['GET /v1/regions → 200: header API-Version is missing'],
      missingLocation: ['POST /v1/uploads → 201: header Location is missing'],
    });
  });
});

describe('An upload read back by id', () => {
  // An upload's detail once carried an undocumented copy of its rows; this keeps it to the document.
  test('When an upload is read back by id, then the answer matches the document and has no undocumented fields', async () => {
    const t = await createTestApp();
    try {
      // Arrange
      const upload = await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(buildUpload({ period: '2025-04' })).expect(201);

      // Act
      const res = await t.http().get(`/v1/uploads/${upload.body.uploads[0].id}`).expect(200);

      // Assert
      expect(Object.keys(res.body).sort()).toEqual(['current', 'gemeenteCount', 'gemeenten', 'id', 'period', 'region', 'registerTotal', 'source', 'totals', 'uploadedAt', 'uploadedBy', 'withdrawnAt', 'withdrawnBy']);
      expect(t.responses.flatMap(contractViolations)).toEqual([]);
    } finally {
      await t.close();
    }
  });
});
