/**
 * The classifications per year, read and written once for both engines. A year is written whole in one
 * transaction: its regions and gemeenten, and the herindelingen dated in it, replacing what the year held;
 * codes no year had before join the codes uploads refer to (regions, gemeenten).
 */
import { CompiledQuery, type Kysely, sql } from 'kysely';
import type { Herindeling, YearClassification } from '../domain/classification';
import { type Executor, prepare } from './prepared';
import type { Schema } from './schema';

export type ClassificationQueries = ReturnType<typeof classificationQueries>;

export function classificationQueries(db: Kysely<Schema>) {
  return {
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
    insertRegion: prepare(db, (d, a: { year: number; code: string; name: string }) => d.insertInto('classification_regions').values({ year: a.year, code: a.code, name: a.name })),
    insertGemeente: prepare(db, (d, a: { year: number; code: string; name: string; region: string }) => d.insertInto('classification_gemeenten')
      .values({ year: a.year, code: a.code, name: a.name, region_code: a.region })),
    insertHerindeling: prepare(db, (d, a: Schema['herindelingen']) => d.insertInto('herindelingen')
      .values({ date: a.date, old_code: a.old_code, old_name: a.old_name, new_code: a.new_code, new_name: a.new_name })),
    registerRegion: prepare(db, (d, a: { code: string; name: string }) => d.insertInto('regions').values({ code: a.code, name: a.name })
      .onConflict((oc) => oc.doNothing())),
    registerGemeente: prepare(db, (d, a: { code: string; name: string; region: string }) => d.insertInto('gemeenten')
      .values({ code: a.code, name: a.name, region_code: a.region }).onConflict((oc) => oc.column('code').doNothing())),
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
  for (const region of year.regions) {
    await q.registerRegion.run(x, { code: region.code, name: region.name });
    await q.insertRegion.run(x, { year: y, code: region.code, name: region.name });
    for (const g of region.gemeenten) {
      await q.registerGemeente.run(x, { code: g.code, name: g.name, region: region.code });
      await q.insertGemeente.run(x, { year: y, code: g.code, name: g.name, region: region.code });
    }
  }
  for (const h of herindelingen) {
    await q.insertHerindeling.run(x, { date: h.date, old_code: h.oldCode, old_name: h.oldName, new_code: h.newCode, new_name: h.newName });
  }
}

/** A Kysely connection (the migrator's transaction) as an Executor, so that it runs the same prepared queries. */
export function executorOn(db: Kysely<Schema>): Executor {
  return {
    async query<R>(text: string, parameters: readonly unknown[]) {
      const result = await db.executeQuery<R>(CompiledQuery.raw(text, [...parameters]));
      return { rows: result.rows, affected: Number(result.numAffectedRows ?? 0) };
    },
  };
}
