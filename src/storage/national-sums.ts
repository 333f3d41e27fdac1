/**
 * The national sums of each period, kept as each write commits (migration 9): a row per period and write,
 * valid from the write's instant, so that a national total, now or as of an instant, is one indexed lookup
 * per period instead of a sum over every region's upload. `n` numbers a period's rows in commit order (it
 * breaks ties between writes of one instant); `valid_until` is the next row's instant, null while current.
 * Instants follow commit order (the writes take them under the write lock), so the row valid at an instant
 * holds the sums of the uploads that counted then (as-of.ts): the property tests check it.
 */
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { NationalSums, NationalSumsVersion } from '../domain/ports';
import { unspaced } from './events-store';
import { type Executor, prepare, type Statement } from './prepared';
import type { NationalSumsTable, Schema } from './schema';

/** The columns a national row's sums fill, in the order of `nationalAggregates`. */
export const NATIONAL_COLUMNS = ['regions', 'regions_with_register', 'register_total', 'gw', 'gwo', 'uw', 'uwo', 'covered_total', 'region_codes'] as const;

/**
 * The sums over the regions' uploads that count, `c` (region_code, upload_id; left-joined, so that none
 * gives zeros), with their uploads `u` and sums `s`: regions, those with a register, the register, the four
 * counts, the total of the regions with a register (what coverage divides), and the regions' codes.
 */
export const nationalAggregates = sql`count(c.upload_id), count(u.register_total), sum(u.register_total),
  coalesce(sum(s.gemeente_with_profile), 0), coalesce(sum(s.gemeente_without_profile), 0),
  coalesce(sum(s.uwv_with_profile), 0), coalesce(sum(s.uwv_without_profile), 0),
  coalesce(sum(case when u.register_total is not null
    then s.gemeente_with_profile + s.gemeente_without_profile + s.uwv_with_profile + s.uwv_without_profile end), 0),
  coalesce(string_agg(c.region_code, ' ' order by c.region_code), '')`;

const columnList = sql.join(NATIONAL_COLUMNS.map((c) => sql.ref(c)));

/** The row of `period` valid at `asOf` (a value or a column): its latest row from at or before then. */
const validAt = (period: RawBuilder<string> | string, asOf: string, column: 'n' | 'regions') => sql<number>`(select ${sql.ref(`x.${column}`)} from national_sums x
  where x.period = ${period} and x.valid_from <= ${asOf} order by x.valid_from desc, x.n desc limit 1)`;

/** A row's version: its period and number, which no other row of the table has, so that it names the sums it holds. */
const versionOf = sql<string>`h.period || ':' || h.n`;

type Row = Pick<NationalSumsTable, 'period' | typeof NATIONAL_COLUMNS[number]> & { version: string };
const rowColumns = ['h.period', ...NATIONAL_COLUMNS.map((c) => `h.${c}` as const), versionOf.as('version')] as const;
/** The versions of the rows a read selects, in one text, oldest period first. */
const versionList = sql<string | null>`string_agg(${versionOf}, ' ' order by h.period)`.as('versions');

const allNow = (d: Kysely<Schema>) => d.selectFrom('national_sums as h').where('h.valid_until', 'is', null).where('h.regions', '>', 0);

// Every period has a current row (a period whose uploads were all withdrawn keeps one with no regions): it leads to the period's row then.
const allAsOf = (d: Kysely<Schema>, asOf: string) => d.selectFrom('national_sums as cur')
  .innerJoin('national_sums as h', (j) => j.onRef('h.period', '=', 'cur.period').on('h.n', '=', validAt(sql.ref('cur.period'), asOf, 'n')))
  .where('cur.valid_until', 'is', null).where('h.regions', '>', 0);

/** The latest period with figures now (the kept rows say which): what a read naming no period reads. */
const latestNow = (d: Kysely<Schema>) => d.selectFrom('national_sums').select((eb) => eb.fn.max('period').as('period'))
  .where('valid_until', 'is', null).where('regions', '>', 0);

/** The latest period that had figures at `asOf`: of every period's current row, the latest whose row then had regions. */
const latestAsOf = (d: Kysely<Schema>, asOf: string) => d.selectFrom('national_sums as cur').select('cur.period')
  .where('cur.valid_until', 'is', null).where(validAt(sql.ref('cur.period'), asOf, 'regions'), '>', 0)
  .orderBy('cur.period', 'desc').limit(1);

/**
 * The period given (a value or a parameter), or when it is null the latest with figures, now or as of an
 * instant: a read naming no period resolves it in its own statement, not in a round trip before it.
 */
export const periodOrLatest = (d: Kysely<Schema>, period: string | null, asOf: string | undefined) =>
  sql<string>`coalesce(${period}, (${asOf === undefined ? latestNow(d) : latestAsOf(d, asOf)}))`;

export function nationalQueries(db: Kysely<Schema>) {
  const q = {
    /** Ends the current rows of the periods of uploads first … last (those a write made or withdrew). */
    supersede: prepare(db, (d, a: { first: number; last: number; at: string }) => d.updateTable('national_sums').set({ valid_until: a.at })
      .where('valid_until', 'is', null)
      .where('period', 'in', d.selectFrom('uploads').select('period').where('id', '>=', a.first).where('id', '<=', a.last))),
    /** Their new rows, from the current uploads as the write left them. */
    record: prepare(db, (_d, a: { first: number; last: number; at: string }) => sql`insert into national_sums (period, n, valid_from, valid_until, ${columnList})
      select p.period, (select coalesce(max(x.n), 0) + 1 from national_sums x where x.period = p.period), cast(${a.at} as text), null, ${nationalAggregates}
      from (select distinct period from uploads where id >= cast(${a.first} as integer) and id <= cast(${a.last} as integer)) p
        left join current_uploads c on c.period = p.period
        left join uploads u on u.id = c.upload_id
        left join upload_sums s on s.upload_id = c.upload_id
      group by p.period`),
    now: prepare(db, (d, a: { period: string | null }) => d.selectFrom('national_sums as h').select(rowColumns)
      .where('h.period', '=', periodOrLatest(d, a.period, undefined)).where('h.valid_until', 'is', null).where('h.regions', '>', 0)),
    asOf: prepare(db, (d, a: { period: string | null; asOf: string }) => d.selectFrom('national_sums as h').select(rowColumns)
      .where('h.period', '=', periodOrLatest(d, a.period, a.asOf)).where('h.valid_from', '<=', a.asOf)
      .orderBy('h.valid_from', 'desc').orderBy('h.n', 'desc').limit(1)),
    allNow: prepare(db, (d) => allNow(d).select(rowColumns).orderBy('h.period')),
    allAsOf: prepare(db, (d, a: { asOf: string }) => allAsOf(d, a.asOf).select(rowColumns).orderBy('h.period')),
    versionsNow: prepare(db, (d) => allNow(d).select(versionList)),
    versionsAsOf: prepare(db, (d, a: { asOf: string }) => allAsOf(d, a.asOf).select(versionList)),
    latestNow: prepare(db, latestNow),
    latestAsOf: prepare(db, (d, a: { asOf: string }) => latestAsOf(d, a.asOf)),
  };
  return {
    /** A write's closing statements when it made or withdrew uploads first … last, run after current_uploads took it in. */
    keeping: (first: number, last: number, at: string): Array<Statement<unknown>> => [q.supersede.with({ first, last, at }), q.record.with({ first, last, at })],
    /** Every period's that had figures (oldest first), now or as of an instant. */
    all: async (db: Executor, asOf: string | undefined): Promise<NationalSums[]> =>
      (await (asOf === undefined ? q.allNow.rows(db, {}) : q.allAsOf.rows(db, { asOf }))).map(toNational),
    /** One period's, or the latest's with figures when none is given, now or as of an instant; none without figures. */
    period: async (db: Executor, period: string | undefined, asOf: string | undefined): Promise<NationalSums | undefined> => {
      const given = period ?? null;
      const [row] = await (asOf === undefined ? q.now.rows(db, { period: given }) : q.asOf.rows(db, { period: given, asOf }));
      return row && Number(row.regions) > 0 ? toNational(row) : undefined;
    },
    /** The versions of what `all` gives for every period, in one row (about a dozen bytes per period): no row objects to build. */
    versions: async (db: Executor, asOf: string | undefined): Promise<NationalSumsVersion[]> => {
      const [row] = await (asOf === undefined ? q.versionsNow.rows(db, {}) : q.versionsAsOf.rows(db, { asOf }));
      return unspaced(row?.versions ?? '').map((version) => ({ period: version.slice(0, version.indexOf(':')), version }));
    },
    latestPeriod: async (db: Executor, asOf: string | undefined): Promise<string | undefined> => {
      const [row] = await (asOf === undefined ? q.latestNow.rows(db, {}) : q.latestAsOf.rows(db, { asOf }));
      return row?.period ?? undefined;
    },
  };
}

const toNational = (r: Row): NationalSums => ({
  period: r.period,
  version: r.version,
  regionCodes: unspaced(r.region_codes),
  regionsWithRegister: Number(r.regions_with_register),
  registerTotal: r.register_total === null ? null : Number(r.register_total),
  counts: { gemeenteClients: { withProfile: Number(r.gw), withoutProfile: Number(r.gwo) }, uwvClients: { withProfile: Number(r.uw), withoutProfile: Number(r.uwo) } },
  coveredTotal: Number(r.covered_total),
});
