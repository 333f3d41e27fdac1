import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import addFormats from 'ajv-formats';
import openapi from '../../src/generated/swagger.json';
import { PERIOD_NOTATION_PATTERN } from '../../src/domain/period';
import { appUnderTest, WRITER_KEY } from '../support/test-app';

type Schema = {
  type?: string; description?: string; example?: unknown; minimum?: number; maximum?: number; format?: string; pattern?: string; $ref?: string; allOf?: Schema[];
  properties?: Record<string, Schema>; items?: Schema; enum?: unknown[];
};
type Parameter = { name: string; in: string; description?: string; schema?: Schema };
type Operation = { summary?: string; description?: string; parameters?: Parameter[]; requestBody?: { content: Record<string, { schema: Schema }> }; responses: Record<string, { description?: string; headers?: Record<string, { description?: string }> }> };

const schemas = openapi.components.schemas as unknown as Record<string, Schema>;
const resolved = (s: Schema | undefined): Schema | undefined => (s?.$ref ? schemas[s.$ref.split('/').pop() as string] : s);
const operations = Object.entries(openapi.paths as unknown as Record<string, Record<string, Operation>>)
  .flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })));
const properties = Object.entries(schemas).flatMap(([schema, s]) => Object.entries(s.properties ?? {}).map(([name, p]) => ({ at: `${schema}.${name}`, name, p })));

/** Ratios (and changes of ratios) are the only numbers that may be fractions. */
const RATIO = /coverage$|share$|ratio$/i;
/** Counts, which are whole and never negative, wherever they appear. */
const COUNTS = new Set(['withProfile', 'withoutProfile', 'total', 'registerTotal', 'coveragePercent', 'profileSharePercent', 'gemeenteCount',
  'regions', 'regionsWithRegister', 'id', 'row', 'column', 'limit', 'offset']);

describe('The OpenAPI document as a client generator reads it', () => {
  const app = appUnderTest('all');

  test('When its numbers are read, then every count is an integer of at least 0, and only ratios are fractions', () => {
    const numbers = properties.filter(({ p }) => p.type === 'number' || p.type === 'integer');
    const parameters = operations.flatMap(({ name, operation }) => (operation.parameters ?? []).filter((p) => p.schema?.type === 'number' || p.schema?.type === 'integer').map((p) => ({ at: `${name} ${p.name}`, p: p.schema as Schema })));

    const counts = numbers.filter(({ name }) => COUNTS.has(name));
    expect(counts.map(({ at }) => at)).toEqual(expect.arrayContaining([
      'ClientCounts.withProfile', 'ClientCounts.withoutProfile', 'RegionTotals.total', 'RegionTotals.registerTotal', 'RegionTotals.coveragePercent',
      'RegionTotals.profileSharePercent', 'RegionSummary.gemeenteCount', 'UploadSummary.id', 'NationalTotals.regions', 'GemeenteFigures.total',
    ]));
    expect(counts.filter(({ p }) => p.type !== 'integer' || p.minimum === undefined || p.minimum < 0).map(({ at }) => at)).toEqual([]);
    expect(numbers.filter(({ name, p }) => p.type === 'number' && !RATIO.test(name)).map(({ at }) => at)).toEqual([]);
    expect(parameters.filter(({ p }) => p.type !== 'integer' || (p.minimum ?? -1) < 0).map(({ at }) => at)).toEqual([]);
    expect(numbers.filter(({ name }) => name === 'coverage' || name === 'profileShare').every(({ p }) => p.type === 'number' && p.minimum === 0)).toBe(true);
  });

  test('When its operations are read, then each has a summary and a description, and so does each parameter and response header', () => {
    const missing = operations.flatMap(({ name, operation }) => [
      ...(operation.summary ? [] : [`${name}: summary`]),
      ...(operation.description ? [] : [`${name}: description`]),
      ...(operation.parameters ?? []).filter((p) => !p.description).map((p) => `${name}: parameter ${p.name}`),
      ...Object.entries(operation.responses).flatMap(([status, r]) => [
        ...(r.description ? [] : [`${name} ${status}: description`]),
        ...Object.entries(r.headers ?? {}).filter(([, h]) => !h.description).map(([header]) => `${name} ${status}: header ${header}`),
      ]),
    ]);

    expect(operations.length).toBeGreaterThanOrEqual(11);
    expect(missing).toEqual([]);
  });

  test('When its schemas are read, then each schema and each property has a description, and each object schema an example that fits it', () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addFormat('int32', true).addFormat('int64', true).addFormat('double', true);
    ajv.addSchema({ components: openapi.components }, 'openapi');

    const undescribed = [
      ...Object.entries(schemas).filter(([, s]) => !s.description).map(([name]) => name),
      ...properties.filter(({ p }) => !p.description).map(({ at }) => at),
    ];
    const objects = Object.entries(schemas).filter(([, s]) => s.type === 'object');
    const withoutExample = objects.filter(([, s]) => s.example === undefined).map(([name]) => name);
    const unfit = objects.filter(([, s]) => s.example !== undefined).flatMap(([name, s]) => {
      const validate = ajv.compile({ $ref: `openapi#/components/schemas/${name}` });
      return validate(s.example) ? [] : [`${name}: ${ajv.errorsText(validate.errors)}`];
    });

    expect(undescribed).toEqual([]);
    expect(withoutExample).toEqual([]);
    expect(unfit).toEqual([]);
  });

  test('When the examples are read, then they are the Twente table: Almelo 3/222/491/502 = 1218, Twente 7898 of 10371, 76 % and 44 %', () => {
    expect(schemas.GemeenteFigures.example).toEqual({
      code: 'GM0141', name: 'Almelo', gemeenteClients: { withProfile: 3, withoutProfile: 222 }, uwvClients: { withProfile: 491, withoutProfile: 502 }, total: 1218,
    });
    expect(schemas.RegionTotals.example).toEqual(expect.objectContaining({
      region: { code: 'AM05', name: 'Twente' }, period: '2026-06', total: 7898, registerTotal: 10371, coverage: 0.7615, coveragePercent: 76, profileShare: 0.4449, profileSharePercent: 44,
    }));
  });

  test('When the example upload body is taken from the document and sent as is, then it is accepted and stores the Almelo figures with register 10371', async () => {
    const body = schemas.UploadRequest.example as Record<string, unknown>;
    expect(body).toEqual(expect.objectContaining({ period: '2026-06', region: 'Twente', registerTotal: 10371 }));

    await app().http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send(body).expect(201);
    const gemeenten = await app().http().get('/v1/regions/Twente/gemeenten?period=2026-06').expect(200);
    const totals = await app().http().get('/v1/regions/AM05/totals?period=2026-06').expect(200);

    expect(gemeenten.body.gemeenten).toEqual([{
      code: 'GM0141', name: 'Almelo', gemeenteClients: { withProfile: 3, withoutProfile: 222 }, uwvClients: { withProfile: 491, withoutProfile: 502 }, total: 1218,
    }]);
    expect(totals.body).toEqual(expect.objectContaining({ total: 1218, registerTotal: 10371 }));
  });

  test('When every integer a request can carry is read, then each has a bound a 32-bit integer holds, as both stores do; upload ids are one type', () => {
    const INT32_MAX = 2 ** 31 - 1;
    const integers: Array<{ at: string; s: Schema }> = [];
    const seen = new Set<string>();
    const visit = (at: string, schema: Schema | undefined): void => {
      if (!schema) return;
      if (schema.$ref) {
        const name = schema.$ref.split('/').pop() as string;
        if (!seen.has(`${at} ${name}`)) {
          seen.add(`${at} ${name}`);
          visit(`${at}:${name}`, schemas[name]);
        }
        return;
      }
      if (schema.type === 'integer' || schema.type === 'number') integers.push({ at, s: schema });
      for (const [name, p] of Object.entries(schema.properties ?? {})) visit(`${at}.${name}`, p);
      visit(`${at}[]`, schema.items);
      for (const part of schema.allOf ?? []) visit(at, part);
    };
    for (const { name, operation } of operations) {
      for (const p of operation.parameters ?? []) visit(`${name} ${p.name}`, p.schema);
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) visit(`${name} body ${type}`, media.schema);
    }

    expect(integers.map(({ at }) => at)).toEqual(expect.arrayContaining(['GET /uploads limit', 'GET /uploads offset', 'GET /uploads/{id} id:UploadId',
      'DELETE /uploads/{id} id:UploadId', 'POST /uploads registerTotal', 'POST /uploads body application/json:UploadRequest.registerTotal']));
    expect(integers.filter(({ s }) => s.type !== 'integer' || s.maximum === undefined || s.maximum > INT32_MAX).map(({ at }) => at)).toEqual([]);
    expect(schemas.UploadId).toEqual(expect.objectContaining({ type: 'integer', minimum: 1, maximum: INT32_MAX }));
  });

  test('When the periods of the document are read, then each has the pattern of the notations the service reads, the one constant the domain checks', () => {
    const upload = schemas.UploadRequest.properties?.period;

    expect(schemas.Period.pattern).toBe(PERIOD_NOTATION_PATTERN.source);
    expect(upload?.pattern ?? resolved(upload)?.pattern).toBe(PERIOD_NOTATION_PATTERN.source);
  });

  test('When asOf is read, then it is a date-time with the pattern of the instants the service reads', () => {
    const asOf = operations.flatMap(({ name, operation }) => (operation.parameters ?? []).filter((p) => p.name === 'asOf').map((p) => ({ name, ref: p.schema?.$ref })));

    expect(asOf.length).toBeGreaterThanOrEqual(8);
    expect(new Set(asOf.map(({ ref }) => ref))).toEqual(new Set(['#/components/schemas/Instant']));
    expect(schemas.Instant).toEqual(expect.objectContaining({ type: 'string', format: 'date-time', pattern: expect.stringMatching(/^\^\[0-9\]\{4\}-/) }));
  });

  test('When endPeriod is before startPeriod, then the answer is 400 naming endPeriod, as the document and the README say', async () => {
    const endPeriods = operations.flatMap(({ name, operation }) => (operation.parameters ?? []).filter((p) => p.name === 'endPeriod').map((p) => ({ name, description: p.description })));
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

    const res = await app().http().get('/v1/series?startPeriod=2026-06&endPeriod=2026-Q1').expect(400);

    expect(res.body.errors).toEqual([expect.objectContaining({ field: 'query.endPeriod', found: '2026-Q1' })]);
    expect(endPeriods).toHaveLength(3);
    for (const { description } of endPeriods) expect(description).toContain('must not come before startPeriod');
    expect(readme).toMatch(/`endPeriod` must not come before `startPeriod`/);
  });

  test('When the description is read, then it defines the domain terms in English', () => {
    const terms = ['Sonar', 'doelgroep banenafspraken', 'doelgroepregister banenafspraken', 'klantprofiel', 'gemeenteklant', 'UWV-klant',
      'arbeidsmarktregio', 'TOTAAL AMR', 'kandidatenverkenner banenafspraken', 'coverage', 'profile share'];
    const glossary = openapi.info.description.split('## Glossary')[1] ?? '';

    for (const term of terms) expect(glossary).toMatch(new RegExp(`\\n\\| ${term} \\| [^|]{10,} \\|`));
  });
});
