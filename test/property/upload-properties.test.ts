/**
 * Property-based tests of POST /v1/uploads through the real app on a real port: random valid uploads round-
 * trip exactly; random broken ones, and arbitrary JSON, never get a 5xx, always a problem+json 4xx listing
 * what is wrong, and leave the stored data exactly as it was. Set FC_SEED (and FC_PATH) to replay a failure.
 */
import fc from 'fast-check';
import type { GemeenteFiguresInput, UploadRequest } from '../../src/domain/upload';
import { fetchJson, JsonAnswer, liveAppUnderTest } from '../support/live-server';
import { twenteUpload } from '../support/factories';
import { referenceRegions } from '../support/region-batches';
import { createTestApp, storedData, TestApp, WRITER_KEY } from '../support/test-app';

const REGIONS = referenceRegions();
const ALL_GEMEENTEN = REGIONS.flatMap((r) => r.gemeenten);
/** The plausibility bound of every count, total and register: about the whole doelgroep banenafspraken. */
const MAX_COUNT = 250_000;
const MAX_REGISTER = 250_000;
const COUNT_FIELDS = [['gemeenteClients', 'withProfile'], ['gemeenteClients', 'withoutProfile'], ['uwvClients', 'withProfile'], ['uwvClients', 'withoutProfile']] as const;
/** Keys JavaScript objects inherit; names that collide with them are a classic source of 500s. */
const INHERITED_NAMES = ['__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'prototype', '__defineGetter__', 'isPrototypeOf'];
const runs = (n: number) => ({ numRuns: n, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED), path: process.env.FC_PATH } : {}) });

type Json = any; // bodies are built to be broken, so no type holds them
type Region = (typeof REGIONS)[number];

/** Ways publications and callers write a region: code, lower-case code, name, upper-case name, "28 Twente". */
const regionKey = (r: Region) => fc.oneof(
  fc.constant(r.code), fc.constant(r.code.toLowerCase()), fc.constant(r.name), fc.constant(r.name.toUpperCase()),
  fc.integer({ min: 1, max: 40 }).map((n) => `${n} ${r.name}`),
);

/** Ways a gemeente is written: code, lower-case code, CBS name, upper case, with spaces, without "(O.)", without diacritics. */
const gemeenteKey = (g: { code: string; name: string }) => fc.constantFrom(
  g.code, g.code.toLowerCase(), g.name, g.name.toUpperCase(), `  ${g.name} `,
  g.name.replace(/\s*\([A-Z]{1,3}\.\)$/, ''), g.name.normalize('NFKD').replace(/[\u0300-\u036f]/g, ''),
);

/** Valid counts: four per gemeente, at most 18 gemeenten per region, so a region's sum stays under MAX_COUNT. */
const count = fc.oneof(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 3_000 }));
// The months of 2026: uploads are checked in their period's classification, and these use the regions of 2026 (test/api/years covers the other years).
const period = fc.integer({ min: 1, max: 12 }).map((m) => `2026-${String(m).padStart(2, '0')}`);

interface ValidCase {
  body: UploadRequest;
  region: Region;
  /** CBS code of each entry of body.gemeenten, in order. */
  codes: string[];
}

const validUpload: fc.Arbitrary<ValidCase> = fc.constantFrom(...REGIONS).chain((region) =>
  fc.record({
    key: regionKey(region),
    period,
    registerTotal: fc.option(fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: MAX_REGISTER })), { nil: undefined }),
    rows: fc.shuffledSubarray(region.gemeenten, { minLength: 1 }).chain((gemeenten) =>
      fc.tuple(...gemeenten.map((g) => fc.record({
        code: fc.constant(g.code), key: gemeenteKey(g), counts: fc.tuple(count, count, count, count), withTotal: fc.boolean(),
      })))),
  }).map(({ key, period: p, registerTotal, rows }) => {
    const gemeenten: GemeenteFiguresInput[] = rows.map(({ key: gemeente, counts: [gw, gwo, uw, uwo], withTotal }) => ({
      gemeente,
      gemeenteClients: { withProfile: gw, withoutProfile: gwo },
      uwvClients: { withProfile: uw, withoutProfile: uwo },
      ...(withTotal ? { total: gw + gwo + uw + uwo } : {}),
    }));
    const partial = rows.length < region.gemeenten.length ? { partial: true } : {};
    const body: UploadRequest = { period: p, region: key, ...(registerTotal === undefined ? {} : { registerTotal }), gemeenten, ...partial };
    return { body, region, codes: rows.map((r) => r.code) };
  }));

/** One thing wrong with an otherwise valid upload, and the field the answer must name. */
interface Breakage {
  what: string;
  field: string;
  apply(body: Json): void;
}

const notAWholeCount = fc.oneof(
  fc.integer({ min: -MAX_COUNT, max: -1 }),
  fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
  fc.integer({ min: MAX_COUNT + 1, max: Number.MAX_SAFE_INTEGER }),
  fc.double({ min: 1e16, max: 1e300, noNaN: true, noDefaultInfinity: true }),
  fc.string(), fc.integer({ min: 0, max: 999 }).map(String), fc.constant(null), fc.boolean(), fc.constant([]), fc.constant({}),
);
const notARegister = fc.oneof(
  fc.integer({ min: -MAX_COUNT, max: -1 }), fc.integer({ min: MAX_REGISTER + 1, max: Number.MAX_SAFE_INTEGER }),
  fc.double({ min: 0, max: 1e6, noNaN: true }).filter((x) => !Number.isInteger(x)), fc.string(), fc.constant(null), fc.constant([1]),
);
const unknownKey = fc.stringMatching(/^[A-Za-z][A-Za-z0-9_-]{0,15}$/).filter((k) => !['period', 'region', 'registerTotal', 'gemeenten', 'gemeente', 'gemeenteClients', 'uwvClients', 'total', 'withProfile', 'withoutProfile'].includes(k));
const notAPeriod = fc.oneof(
  fc.string().filter((s) => !/^(19|20)\d{2}-(0[1-9]|1[0-2])$/.test(s)),
  fc.constantFrom('2026-13', '2026-00', '1899-12', '2100-01', '2026-6', '26-06', ' 2026-06', '2026-06 ', '2026/06', '202606'),
);
const notARegion = fc.oneof(
  fc.constantFrom('', 'AM00', 'AM04', 'AM16', 'AM31', 'AM39', 'AM99', 'GM0141', ...INHERITED_NAMES),
  fc.string().map((s) => `Nergens ${s}`),
);
const notAString = fc.oneof(fc.integer(), fc.constant(null), fc.boolean(), fc.constant([]), fc.constant({}));

function breakage(c: ValidCase): fc.Arbitrary<Breakage> {
  const n = c.body.gemeenten.length;
  const index = fc.integer({ min: 0, max: n - 1 });
  const otherRegionsGemeente = fc.constantFrom(...ALL_GEMEENTEN.filter((g) => g.regionCode !== c.region.code));
  return fc.oneof(
    fc.tuple(index, fc.constantFrom(...COUNT_FIELDS), notAWholeCount).map(([i, [group, field], value]) => ({
      what: `count ${JSON.stringify(value)}`, field: `gemeenten[${i}].${group}.${field}`, apply: (b: Json) => { b.gemeenten[i][group][field] = value; },
    })),
    fc.tuple(index, fc.constantFrom(...COUNT_FIELDS)).map(([i, [group, field]]) => ({
      what: 'count left out', field: `gemeenten[${i}].${group}.${field}`, apply: (b: Json) => { delete b.gemeenten[i][group][field]; },
    })),
    fc.tuple(index, fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: -1000, max: -1 }))).map(([i, delta]) => ({
      what: `total off by ${delta}`, field: `gemeenten[${i}].total`,
      apply: (b: Json) => {
        const g = b.gemeenten[i];
        const sum = g.gemeenteClients.withProfile + g.gemeenteClients.withoutProfile + g.uwvClients.withProfile + g.uwvClients.withoutProfile;
        g.total = sum + delta;
      },
    })),
    notARegister.map((value) => ({ what: `registerTotal ${JSON.stringify(value)}`, field: 'registerTotal', apply: (b: Json) => { b.registerTotal = value; } })),
    unknownKey.map((key) => ({ what: `unknown field ${key}`, field: key, apply: (b: Json) => { b[key] = 1; } })),
    fc.tuple(index, unknownKey).map(([i, key]) => ({ what: `unknown field ${key}`, field: `gemeenten[${i}].${key}`, apply: (b: Json) => { b.gemeenten[i][key] = 'x'; } })),
    fc.tuple(index, fc.constantFrom('gemeenteClients', 'uwvClients'), unknownKey).map(([i, group, key]) => ({
      what: `unknown field ${key}`, field: `gemeenten[${i}].${group}.${key}`, apply: (b: Json) => { b.gemeenten[i][group][key] = 0; },
    })),
    fc.tuple(index, fc.oneof(fc.string().map((s) => `Nergens ${s}`), fc.constantFrom(...INHERITED_NAMES))).map(([i, name]) => ({
      what: `unknown gemeente ${name}`, field: `gemeenten[${i}].gemeente`, apply: (b: Json) => { b.gemeenten[i].gemeente = name; },
    })),
    fc.tuple(index, otherRegionsGemeente).map(([i, g]) => ({
      what: `gemeente ${g.code} of ${g.regionName}`, field: `gemeenten[${i}].gemeente`, apply: (b: Json) => { b.gemeenten[i].gemeente = g.code; },
    })),
    index.map((i) => ({
      what: `gemeente ${c.codes[i]} twice`, field: `gemeenten[${n}].gemeente`,
      apply: (b: Json) => { b.gemeenten.push({ ...JSON.parse(JSON.stringify(b.gemeenten[i])), gemeente: c.codes[i].toLowerCase() }); },
    })),
    fc.tuple(index, notAString).map(([i, value]) => ({
      what: `gemeente ${JSON.stringify(value)}`, field: `gemeenten[${i}].gemeente`, apply: (b: Json) => { b.gemeenten[i].gemeente = value; },
    })),
    fc.tuple(index, fc.constantFrom('gemeente', 'gemeenteClients', 'uwvClients')).map(([i, key]) => ({
      what: `${key} left out`, field: `gemeenten[${i}].${key}`, apply: (b: Json) => { delete b.gemeenten[i][key]; },
    })),
    fc.tuple(index, fc.constantFrom('gemeenteClients', 'uwvClients'), fc.oneof(notAString, fc.string())).map(([i, group, value]) => ({
      what: `${group} ${JSON.stringify(value)}`, field: `gemeenten[${i}].${group}`, apply: (b: Json) => { b.gemeenten[i][group] = value; },
    })),
    fc.tuple(index, fc.oneof(notAString, fc.string())).filter(([, v]) => v === null || typeof v !== 'object' || Array.isArray(v)).map(([i, value]) => ({
      what: `entry ${JSON.stringify(value)}`, field: `gemeenten[${i}]`, apply: (b: Json) => { b.gemeenten[i] = value; },
    })),
    fc.oneof(fc.constant([]), fc.constant({}), fc.string(), fc.constant(null), fc.integer()).map((value) => ({
      what: `gemeenten ${JSON.stringify(value)}`, field: 'gemeenten', apply: (b: Json) => { b.gemeenten = value; },
    })),
    notARegion.map((value) => ({ what: `region ${JSON.stringify(value)}`, field: 'region', apply: (b: Json) => { b.region = value; } })),
    notAPeriod.map((value) => ({ what: `period ${JSON.stringify(value)}`, field: 'period', apply: (b: Json) => { b.period = value; } })),
    fc.tuple(fc.constantFrom('period', 'region'), notAString).map(([key, value]) => ({
      what: `${key} ${JSON.stringify(value)}`, field: key, apply: (b: Json) => { b[key] = value; },
    })),
    fc.constantFrom('period', 'region', 'gemeenten').map((key) => ({ what: `${key} left out`, field: key, apply: (b: Json) => { delete b[key]; } })),
  );
}

const broken = (c: ValidCase, b: Breakage[]): string => {
  const body = JSON.parse(JSON.stringify(c.body));
  for (const x of b) {
    try {
      x.apply(body);
    } catch {
      // an earlier breakage removed or replaced what this one breaks
    }
  }
  return JSON.stringify(body);
};

/** The real app on a real port (see liveAppUnderTest), and uploads to it. */
function liveApp(): { t: () => TestApp; post: (body: string, contentType?: string) => Promise<JsonAnswer>; base: () => string } {
  const { t, base } = liveAppUnderTest();
  return {
    t,
    base,
    post: (body, contentType = 'application/json') =>
      fetchJson(`${base()}/v1/uploads`, { method: 'POST', headers: { 'Content-Type': contentType, 'X-API-Key': WRITER_KEY }, body }),
  };
}

/** A problem+json 4xx, never a 5xx, never a stack trace. */
function expectProblem(res: JsonAnswer, context: unknown): void {
  expect({ context, status: res.status >= 400 && res.status < 500 ? '4xx' : res.status }).toEqual({ context, status: '4xx' });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(res.body).toEqual(expect.objectContaining({ type: expect.any(String), title: expect.any(String), status: res.status, detail: expect.any(String) }));
  expect(JSON.stringify(res.body)).not.toMatch(/at .*\.(ts|js):\d+/);
}

describe('Valid uploads, property-based', () => {
  const { post, base } = liveApp();

  test('When a random valid upload is sent, then it is stored and reads back exactly: the same figures, totals that are the column sums, coverage total / registerTotal to 4 decimals', async () => {
    await fc.assert(fc.asyncProperty(validUpload, async ({ body, region, codes }) => {
      // Act
      const res = await post(JSON.stringify(body));
      const gemeenten = await fetchJson(`${base()}/v1/regions/${region.code}/gemeenten?period=${body.period}`);
      const totals = await fetchJson(`${base()}/v1/regions/${region.code}/totals?period=${body.period}`);

      // Assert
      expect({ status: res.status, body: res.status === 201 ? 'receipt' : res.body }).toEqual({ status: 201, body: 'receipt' });
      expect(res.body.uploads).toEqual([expect.objectContaining({ region: { code: region.code, name: region.name }, period: body.period, current: true, gemeenteCount: codes.length, uploadedBy: 'writer' })]);
      const sent = body.gemeenten.map((g, i) => {
        const total = g.gemeenteClients.withProfile + g.gemeenteClients.withoutProfile + g.uwvClients.withProfile + g.uwvClients.withoutProfile;
        const name = region.gemeenten.find((r) => r.code === codes[i])?.name;
        return { code: codes[i], name, gemeenteClients: g.gemeenteClients, uwvClients: g.uwvClients, total };
      });
      const byCode = <T extends { code: string }>(rows: T[]) => [...rows].sort((a, b) => a.code.localeCompare(b.code));
      expect(gemeenten.status).toBe(200);
      expect(byCode(gemeenten.body.gemeenten)).toEqual(byCode(sent));
      expect(byCode(gemeenten.body.missing)).toEqual(byCode(region.gemeenten.filter((g) => !codes.includes(g.code)).map((g) => ({ code: g.code, name: g.name }))));

      const column = (f: (g: (typeof sent)[number]) => number) => sent.reduce((s, g) => s + f(g), 0);
      const total = column((g) => g.total);
      const withProfile = column((g) => g.gemeenteClients.withProfile + g.uwvClients.withProfile);
      const registerTotal = body.registerTotal ?? null;
      expect(totals.status).toBe(200);
      expect(totals.body).toEqual({
        region: { code: region.code, name: region.name },
        period: body.period,
        gemeenteClients: { withProfile: column((g) => g.gemeenteClients.withProfile), withoutProfile: column((g) => g.gemeenteClients.withoutProfile) },
        uwvClients: { withProfile: column((g) => g.uwvClients.withProfile), withoutProfile: column((g) => g.uwvClients.withoutProfile) },
        total,
        registerTotal,
        coverage: expectRatio(total, registerTotal),
        coveragePercent: registerTotal ? wholePercent(total, registerTotal) : null,
        profileShare: expectRatio(withProfile, total),
        profileSharePercent: total ? wholePercent(withProfile, total) : null,
      });
      expect(res.body.uploads[0].totals).toEqual(totals.body);
      expect(res.body.uploads[0].warnings).toEqual(registerTotal !== null && registerTotal < total ? [expect.stringContaining('smaller than the Sonar total')] : []);
    }), runs(120));
  });
});

describe('Rejected uploads, property-based', () => {
  const { t, post } = liveApp();
  beforeAll(async () => {
    // Stored data for the rejections to leave alone, in a region and period they may well aim at
    const seeded = await post(JSON.stringify(twenteUpload()));
    expect(seeded.status).toBe(201);
  });

  test('When a valid upload is broken in one place, then the answer is a 400 problem naming that place, and nothing is stored', async () => {
    await fc.assert(fc.asyncProperty(validUpload.chain((c) => breakage(c).map((b) => ({ c, b }))), async ({ c, b }) => {
      // Arrange
      const before = await storedData(t());
      const body = broken(c, [b]);

      // Act
      const res = await post(body);

      // Assert
      expectProblem(res, b.what);
      expect(res.status).toBe(400);
      const fields: string[] = (res.body.errors ?? []).map((e: { field?: string }) => e.field);
      const named = fields.some((f) => f === b.field || f.startsWith(`${b.field}.`)); // {} for gemeenteClients names its two counts
      expect({ what: b.what, named, fields }).toEqual({ what: b.what, named: true, fields });
      expect(await storedData(t())).toBe(before);
    }), runs(200));
  });

  test('When a valid upload is broken in several places at once, then the answer is a 400 problem listing errors, and nothing is stored', async () => {
    const arbitrary = validUpload.chain((c) => fc.array(breakage(c), { minLength: 2, maxLength: 4 }).map((b) => ({ c, b })));
    await fc.assert(fc.asyncProperty(arbitrary, async ({ c, b }) => {
      // Arrange
      const before = await storedData(t());
      const body = broken(c, b);

      // Act
      const res = await post(body);

      // Assert: one breakage can undo another (a key deleted, then set), so a 201 is possible; a 5xx never
      const what = b.map((x) => x.what);
      if (res.status !== 201) {
        expectProblem(res, what);
        expect({ what, errors: Array.isArray(res.body.errors) && res.body.errors.length > 0 }).toEqual({ what, errors: true });
        expect(await storedData(t())).toBe(before);
      }
    }), runs(80));
  });

  test('When the body is arbitrary JSON, then the answer is never a 5xx: a 4xx problem that changed nothing, with an errors list for any object or array', async () => {
    const uploadLike = fc.record({
      period: fc.oneof(period, fc.jsonValue()), region: fc.oneof(fc.constantFrom(...REGIONS.map((r) => r.name), ...INHERITED_NAMES), fc.jsonValue()),
      registerTotal: fc.jsonValue(),
      gemeenten: fc.array(fc.record({
        gemeente: fc.oneof(fc.constantFrom(...ALL_GEMEENTEN.map((g) => g.name)), fc.jsonValue()),
        gemeenteClients: fc.oneof(fc.record({ withProfile: fc.jsonValue(), withoutProfile: fc.jsonValue() }), fc.jsonValue()),
        uwvClients: fc.jsonValue(), total: fc.jsonValue(),
      }, { requiredKeys: [] }), { maxLength: 5 }),
    }, { requiredKeys: [] });
    await fc.assert(fc.asyncProperty(fc.oneof(fc.jsonValue(), fc.dictionary(fc.string(), fc.jsonValue()), uploadLike), async (value) => {
      // Arrange
      const before = await storedData(t());

      // Act
      const res = await post(JSON.stringify(value));

      // Assert
      if (res.status !== 201) {
        expectProblem(res, value);
        if (typeof value === 'object' && value !== null) {
          expect({ value, errors: Array.isArray(res.body.errors) && res.body.errors.length > 0 }).toEqual({ value, errors: true });
        }
        expect(await storedData(t())).toBe(before);
      }
    }), runs(150));
  });

  test('When the body is not JSON at all, or not sent as JSON, then the answer is a 4xx problem and nothing is stored', async () => {
    const contentType = fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'text/csv');
    await fc.assert(fc.asyncProperty(fc.string(), contentType, async (text, type) => {
      // Arrange
      const before = await storedData(t());

      // Act
      const res = await post(text, type);

      // Assert
      expectProblem(res, { text, type });
      expect(await storedData(t())).toBe(before);
    }), runs(80));
  });
});

/** n / d as a whole percentage, rounded half up, in integer arithmetic. */
const wholePercent = (n: number, d: number): number => Number((200n * BigInt(n) + BigInt(d)) / (2n * BigInt(d)));

/**
 * A ratio as the API gives it: null without a denominator, else rounded half up to 4 decimals. The oracle
 * is integer arithmetic (BigInt), so exact halves such as 0.575 or 62000.13125 are judged exactly.
 */
function expectRatio(numerator: number, denominator: number | null): unknown {
  if (!denominator) return null;
  const n = BigInt(numerator);
  const d = BigInt(denominator);
  const tenThousandths = Number((2n * n * 10_000n + d) / (2n * d)); // floor(n / d * 10^4 + 1/2)
  return {
    $$typeof: Symbol.for('jest.asymmetricMatcher'),
    asymmetricMatch: (v: unknown) => typeof v === 'number' && Math.round(v * 10_000) === tenThousandths && Number(v.toFixed(4)) === v,
    toAsymmetricMatcher: () => `${numerator} / ${denominator} rounded half up to 4 decimals (${tenThousandths / 10_000})`,
  };
}

describe('Names that objects inherit', () => {
  // Name lookups must not find what every JavaScript object inherits.
  test('When a gemeente or a region is called "constructor", then the answer is a 400 problem naming it, not a 500', async () => {
    const t = await createTestApp();
    try {
      // Arrange
      const valid = { period: '2026-06', region: 'Twente', gemeenten: [{ gemeente: 'Almelo', gemeenteClients: { withProfile: 1, withoutProfile: 2 }, uwvClients: { withProfile: 3, withoutProfile: 4 } }] };

      // Act
      const gemeente = await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send({ ...valid, gemeenten: [{ ...valid.gemeenten[0], gemeente: 'constructor' }] });
      const region = await t.http().post('/v1/uploads').set('X-API-Key', WRITER_KEY).send({ ...valid, region: 'Constructor' });

      // Assert
      expect([gemeente.status, gemeente.body.errors?.[0]?.field]).toEqual([400, 'gemeenten[0].gemeente']);
      expect([region.status, region.body.errors?.[0]?.field]).toEqual([400, 'region']);
    } finally {
      await t.close();
    }
  });
});
