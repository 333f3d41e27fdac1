/**
 * The classifications per year, read and written once for both engines. A year is written whole in one
 * transaction: its regions and gemeenten, and the herindelingen dated in it, replacing what the year held;
 * codes no year had before join the codes uploads refer to (regions, gemeenten).
 */
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Herindeling, YearClassification } from '../domain/classification';
import { type Executor, oneByOne, prepare } from './prepared';
import type { Schema } from './schema';

export type ClassificationQueries = ReturnType<typeof classificationQueries>;

export function classificationQueries(db: Kysely<Schema>) {
  return {
    /** A year's rows in one statement each (a round trip per row would make a first start on PostgreSQL slow). */
    many: {
      registerRegions: (rows: Array<{ code: string; name: string }>) => db.insertInto('regions').values(rows).onConflict((oc) => oc.doNothing()).compile(),
      registerGemeenten: (rows: Array<{ code: string; name: string; region_code: string }>) => db.insertInto('gemeenten').values(rows)
        .onConflict((oc) => oc.column('code').doNothing()).compile(),
      regions: (rows: Schema['classification_regions'][]) => db.insertInto('classification_regions').values(rows).compile(),
      gemeenten: (rows: Schema['classification_gemeenten'][]) => db.insertInto('classification_gemeenten').values(rows).compile(),
      herindelingen: (rows: Schema['herindelingen'][]) => db.insertInto('herindelingen').values(rows).compile(),
    },
    years: prepare(db, (d) => d.selectFrom('classification_years').selectAll().orderBy('year')),
    regions: prepare(db, (d) => d.selectFrom('classification_regions').select(['year', 'code', 'name']).orderBy('year').orderBy('code')),
    gemeenten: prepare(db, (d) => d.selectFrom('classification_gemeenten').select(['year', 'code', 'name', 'region_code']).orderBy('year').orderBy('name')),
    herindelingen: prepare(db, (d) => d.selectFrom('herindelingen').selectAll().orderBy('date').orderBy('new_code').orderBy('old_code')),
    forgetGemeenten: prepare(db, (d, a: { year: number }) => d.deleteFrom('classification_gemeenten').where('year', '=', a.year)),
    forgetRegions: prepare(db, (d, a: { year: number }) => d.deleteFrom('classification_regions').where('year', '=', a.year)),
    forgetYear: prepare(db, (d, a: { year: number }) => d.deleteFrom('classification_years').where('year', '=', a.year)),
    forgetHerindelingen: prepare(db, (d, a: { from: string; to: string }) => d.deleteFrom('herindelingen').where('date', '>=', a.from).where('date', '<=', a.to)),
    insertYear: prepare(db, (d, a: Schema['classification_years']) => d.insertInto('classification_years').values({
      year: a.year, gemeenten_source: a.gemeenten_source, membership: a.membership, membership_source: a.membership_source, loaded_at: a.loaded_at, loaded_by: a.loaded_by })),
    count: prepare(db, (d) => d.selectFrom('classification_years').select(sql<number>`count(*)`.as('n'))),
  };
}

/** Every year loaded, with the herindelingen; for the service's Classifications. */
export async function readClassifications(x: Executor, q: ClassificationQueries): Promise<{ years: YearClassification[]; herindelingen: Herindeling[] }> {
  const [years, regions, gemeenten, herindelingen] = [await q.years.rows(x, {}), await q.regions.rows(x, {}), await q.gemeenten.rows(x, {}), await q.herindelingen.rows(x, {})];
  // Grouped once by year and region: a database may hold many years.
  const byRegion = new Map<string, Array<{ code: string; name: string }>>();
  for (const g of gemeenten) {
    const key = `${Number(g.year)} ${g.region_code}`;
    const list = byRegion.get(key) ?? [];
    list.push({ code: g.code, name: g.name });
    byRegion.set(key, list);
  }
  const regionsByYear = new Map<number, typeof regions>();
  for (const r of regions) regionsByYear.set(Number(r.year), [...(regionsByYear.get(Number(r.year)) ?? []), r]);
  return {
    years: years.map((y) => ({
      year: Number(y.year),
      gemeentenSource: y.gemeenten_source,
      membership: y.membership,
      membershipSource: y.membership_source,
      loadedAt: y.loaded_at,
      loadedBy: y.loaded_by,
      regions: (regionsByYear.get(Number(y.year)) ?? []).map((r) => ({ code: r.code, name: r.name, gemeenten: byRegion.get(`${Number(y.year)} ${r.code}`) ?? [] })),
    })),
    herindelingen: herindelingen.map((h) => ({ date: h.date, oldCode: h.old_code, oldName: h.old_name, newCode: h.new_code, newName: h.new_name })),
  };
}

/** Writes one year whole, replacing what it held; to be run inside one write transaction. */
export async function writeClassification(x: Executor, q: ClassificationQueries, year: YearClassification, herindelingen: readonly Herindeling[]): Promise<void> {
  const y = year.year;
  await q.forgetGemeenten.run(x, { year: y });
  await q.forgetRegions.run(x, { year: y });
  await q.forgetYear.run(x, { year: y });
  await q.forgetHerindelingen.run(x, { from: `${y}-01-01`, to: `${y}-12-31` });
  await q.insertYear.run(x, {
    year: y, gemeenten_source: year.gemeentenSource, membership: year.membership, membership_source: year.membershipSource, loaded_at: year.loadedAt, loaded_by: year.loadedBy,
  });
  const run = (query: { sql: string; parameters: readonly unknown[] }) => x.query(query.sql, query.parameters);
  const regions = year.regions.map((r) => ({ code: r.code, name: r.name }));
  const gemeenten = year.regions.flatMap((r) => r.gemeenten.map((g) => ({ code: g.code, name: g.name, region_code: r.code })));
  if (regions.length > 0) {
    await run(q.many.registerRegions(regions));
    await run(q.many.regions(regions.map((r) => ({ year: y, ...r }))));
  }
  if (gemeenten.length > 0) {
    await run(q.many.registerGemeenten(gemeenten));
    await run(q.many.gemeenten(gemeenten.map((g) => ({ year: y, ...g }))));
  }
  if (herindelingen.length > 0) {
    await run(q.many.herindelingen(herindelingen.map((h) => ({ date: h.date, old_code: h.oldCode, old_name: h.oldName, new_code: h.newCode, new_name: h.newName }))));
  }
}

/** A Kysely connection (the migrator's transaction) as an Executor, so that it runs the same prepared queries. */
export function executorOn(db: Kysely<Schema>): Executor {
  return oneByOne(async <R>(text: string, parameters: readonly unknown[]) => {
    const result = await db.executeQuery<R>(CompiledQuery.raw(text, [...parameters]));
    return { rows: result.rows, affected: Number(result.numAffectedRows ?? 0) };
  });
}
