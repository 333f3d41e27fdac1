/**
 * A batch inside a PostgreSQL transaction is one simple query with its arguments written in as literals
 * (src/storage/postgres/inlined.ts). On a real server, whatever the text: each argument written in reads
 * back exactly as the same argument sent as a parameter.
 */
import fc from 'fast-check';
import { Client } from 'pg';
import { inlined } from '../../src/storage/postgres/inlined';
import { freshDatabase, TestDatabase } from '../support/postgres-database';

let database: TestDatabase;
let client: Client;

beforeAll(async () => {
  database = await freshDatabase();
  client = new Client({ connectionString: database.url });
  await client.connect();
});

afterAll(async () => {
  await client?.end();
  await database?.drop();
});

/** Characters that quoting and array literals treat specially, among ordinary ones. */
const tricky = fc.constantFrom("'", '"', '\\', '{', '}', ',', ' ', '\n', '$1', 'NULL', "E'", 'a', 'é', '€', '😀');
/** Any text PostgreSQL stores (it refuses the NUL character either way). */
const text = fc.oneof(fc.string({ unit: tricky }), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }))
  .filter((s) => !s.includes('\u0000'));
const int = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

/**
 * Typed by casts, and untyped (typed by their place, as in our statements: compared with a column or a number,
 * or not at all), with a placeholder past $9 and a `$1` inside quotes that is no placeholder.
 */
const SELECT = `select $1::text as t, $2::int as i, $3::text as n, $4::text[] as ts, $5::int[] as "is", $6::bigint as b,
  $7 as untyped, $8 - 0 as counted, coalesce($9, 'none') as fallback, ($10 = 'x') as compared, $11 as last, '$1' as "$2"`;

const writtenAsSent = (client: Client) => async (t: string, i: number, n: string | null, ts: Array<string | null>, is: Array<number | null>, b: number | null) => {
  const parameters = [t, i, n, ts, is, b, t, i, n, t, ts];
  const sent = await client.query(SELECT, parameters);
  const written = await client.query(inlined({ sql: SELECT, parameters }));
  expect(written.rows).toEqual(sent.rows);
  expect(sent.rows[0]).toMatchObject({ t, i, n, ts, is, untyped: t, $2: '$1' });
};

const argumentsOfEveryKind = [text, int, fc.option(text), fc.array(fc.option(text)), fc.array(fc.option(int)), fc.option(int)] as const;

test('When any arguments are written into a statement, then it reads them back as it does parameters', async () => {
  await fc.assert(fc.asyncProperty(...argumentsOfEveryKind, writtenAsSent(client)), { numRuns: 300 });
});

test('When the server reads backslashes in quotes as escapes (standard_conforming_strings off), then the arguments still read back as parameters do', async () => {
  const old = new Client({ connectionString: database.url });
  await old.connect();
  try {
    await old.query('SET standard_conforming_strings = off');
    await fc.assert(fc.asyncProperty(...argumentsOfEveryKind, writtenAsSent(old)), { numRuns: 100 });
  } finally {
    await old.end();
  }
});

test('When a batch holds several statements with arguments, then each gets its own', async () => {
  const statements = [{ sql: 'select $1::text as a, $2::int as b', parameters: ["it's", 2] }, { sql: 'select $2::text as a, $1::int as b', parameters: [10, 'x\\y'] }];
  const results = await client.query(statements.map(inlined).join(';\n')) as unknown as Array<{ rows: unknown[] }>;
  expect(results.map((r) => r.rows)).toEqual([[{ a: "it's", b: 2 }], [{ a: 'x\\y', b: 10 }]]);
});

test('When an argument is of a type no literal is written for, or placeholders and arguments do not match, then it is refused, not sent as something else', () => {
  expect(() => inlined({ sql: 'select $1', parameters: [new Date(0)] })).toThrow(TypeError);
  expect(() => inlined({ sql: 'select $1', parameters: [[{ a: 1 }]] })).toThrow(TypeError);
  expect(() => inlined({ sql: 'select $1, $2', parameters: [1] })).toThrow(TypeError);
  expect(() => inlined({ sql: 'select $1', parameters: [1, 2] })).toThrow(TypeError);
  expect(() => inlined({ sql: "select '$1'", parameters: [1] })).toThrow(TypeError);
});
