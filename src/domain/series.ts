/**
 * Progress over time: a region's, a gemeente's and the nation's figures per period, each point exactly the
 * one-period read of its period, with the change from the period before. Each series is read in one query.
 */
import { changeFrom, Selection, selectObservations, withChanges } from './change';
import { DomainError, ProblemItem } from './errors';
import { extended } from './extended';
import { Counts, summarize, sumCounts } from './figures';
import { changeBetween, compositionOf, connected, relatedOn } from './comparable';
import { gemeenteNationally, gemeenteOfAnyYear } from './gemeenten';
import { toInstant } from './instant';
import { PERIOD_NOTATIONS, toPeriod } from './period';
import { nationalTotalsOf, refOf, toFigures } from './read-shapes';
import { GemeenteSeries, NationalSeries, NationalSeriesPoint, RegionPeriodList, RegionSeries } from './series-views';
import { deepFreeze } from './frozen';
import { UseCaseContext } from './use-case';
import { GemeenteRef, ReferenceData, Region } from './reference';
import { Classifications } from './classification';

/** What a caller may ask of a series, as given: SDMX's filters, periods in any notation, and asOf. */
export interface SeriesFilters {
  startPeriod?: string;
  endPeriod?: string;
  lastNObservations?: number;
  asOf?: string;
}

interface CheckedFilters extends Selection {
  asOf?: string;
}

/** The filters in canonical form; one 400 naming every filter that is wrong. */
export function checkFilters(filters: SeriesFilters): CheckedFilters {
  const problems: ProblemItem[] = [];
  const period = (field: 'startPeriod' | 'endPeriod') => {
    const value = filters[field];
    if (value === undefined) return undefined;
    const canonical = toPeriod(value);
    if (canonical === undefined) problems.push({ field, detail: `must be ${PERIOD_NOTATIONS}, e.g. 2026-06 or 2026-Q2`, found: value });
    return canonical;
  };
  const startPeriod = period('startPeriod');
  const endPeriod = period('endPeriod');
  if (startPeriod !== undefined && endPeriod !== undefined && startPeriod > endPeriod) {
    problems.push({ field: 'endPeriod', detail: `must not come before startPeriod (${startPeriod})`, found: filters.endPeriod });
  }
  const { lastNObservations } = filters;
  if (lastNObservations !== undefined && !(Number.isInteger(lastNObservations) && lastNObservations >= 1)) {
    problems.push({ field: 'lastNObservations', detail: 'must be a whole number of at least 1', found: String(lastNObservations) });
  }
  const asOf = filters.asOf === undefined ? undefined : toInstant(filters.asOf);
  if (filters.asOf !== undefined && asOf === undefined) {
    problems.push({ field: 'asOf', detail: 'must be an RFC 3339 instant with a time offset, such as 2026-07-01T12:00:00Z', found: filters.asOf });
  }
  if (problems.length > 0) {
    throw new DomainError('invalid', 'Invalid input', `The series filters have ${problems.length} problem${problems.length === 1 ? '' : 's'}.`, problems);
  }
  return { startPeriod, endPeriod, lastNObservations, asOf };
}

/**
 * A region's totals per period, oldest first: what a dashboard or report of one region draws. As published,
 * a point whose region had other gemeenten than at the point before says what changed; with
 * `classification`, every point is the region of that year (see comparableRegionSeries).
 */
export async function regionSeries(ctx: UseCaseContext, regionKey: string, filters: SeriesFilters = {}, classification?: string): Promise<RegionSeries> {
  const checked = checkFilters(filters);
  if (classification !== undefined) return comparableRegionSeries(ctx, regionKey, checked, Number(classification));
  const region = ctx.classifications.regionOfAnyYear(regionKey, ctx.reference);
  const sums = await ctx.store.uploadSums(region.code, checked.asOf);
  const points = sums.map((u, i) => {
    const changed = i === 0 ? undefined : membershipChange(ctx, region.code, sums[i - 1].period, u.period);
    return { period: u.period, ...summarize([u.counts], u.registerTotal), ...(changed ? { classificationChange: changed } : {}) };
  });
  return { region: refOf(region), series: selectObservations(withChanges(points), checked) };
}

/** What changed in a region's gemeenten (or name) between two periods' classifications; undefined when nothing did. */
function membershipChange(ctx: UseCaseContext, code: string, previous: string, period: string): string | undefined {
  const before = ctx.classifications.forPeriodOr(previous, ctx.reference).findRegion(code);
  const after = ctx.classifications.forPeriodOr(period, ctx.reference).findRegion(code);
  if (!before || !after || before === after) return undefined;
  const had = new Set(before.gemeenten.map((g) => g.code));
  const has = new Set(after.gemeenten.map((g) => g.code));
  const joined = after.gemeenten.filter((g) => !had.has(g.code)).map((g) => `${g.name} (${g.code})`);
  const left = before.gemeenten.filter((g) => !has.has(g.code)).map((g) => `${g.name} (${g.code})`);
  const parts = [
    ...(before.name !== after.name ? [`renamed from ${before.name} to ${after.name}`] : []),
    ...(joined.length ? [`gemeenten since ${previous}: ${joined.join(', ')}`] : []),
    ...(left.length ? [`no longer: ${left.join(', ')}`] : []),
  ];
  return parts.length ? parts.join('; ') : undefined;
}

/**
 * The region of year `year` in every period. Where the period's own region had exactly the gemeenten that
 * make up the region of that year, the point is its published totals; otherwise it is summed from the
 * gemeenten's figures of every region that held them then, without a register (a register belongs to a
 * region as it was). A gemeente split over this and another region, or gemeenten without figures, make the
 * period not comparable: a reason, no number.
 */
async function comparableRegionSeries(ctx: UseCaseContext, regionKey: string, checked: CheckedFilters, year: number): Promise<RegionSeries> {
  const target = ctx.classifications.year(year, 'query.classification').region(regionKey);
  const members = new Set(target.gemeenten.map((g) => g.code));
  const to = `${year}-01-01`;
  const points = [];
  const notComparable: Array<{ period: string; reason: string }> = [];
  const sums = (await Promise.all(contributingRegions(ctx, target, year, members).map((code) => ctx.store.uploadSums(code, checked.asOf)))).flat();
  const byPeriod = new Map<string, typeof sums>();
  for (const u of sums) byPeriod.set(u.period, [...(byPeriod.get(u.period) ?? []), u]);
  for (const [period, uploads] of [...byPeriod].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const then = ctx.classifications.forPeriodOr(period, ctx.reference);
    const { parts, split } = traced(ctx, then, lastDayOf(period), to, target, members);
    let reason = split && `${split.name} (${split.code}) in ${period} is partly in ${target.name} of ${year} and partly elsewhere; its figures cannot be divided without address counts`;
    if (parts.length === 0) continue;
    const own = then.findRegion(target.code);
    const same = own !== undefined && own.gemeenten.length === parts.length && parts.every((p) => p.region === target.code);
    const ownSums = uploads.find((u) => u.regionCode === target.code);
    if (!reason && same) {
      if (ownSums) points.push({ period, ...summarize([ownSums.counts], ownSums.registerTotal) });
      continue;
    }
    const regions = [...new Set(parts.map((p) => p.region))];
    const lacking = regions.filter((r) => !uploads.some((u) => u.regionCode === r));
    if (!reason && lacking.length === regions.length) continue;
    if (!reason && lacking.length > 0) reason = `${lacking.map((r) => then.findRegion(r)?.name ?? r).join(', ')} has no figures for ${period}, so ${target.name} of ${year} cannot be summed`;
    if (reason) {
      if ((checked.startPeriod === undefined || period >= checked.startPeriod) && (checked.endPeriod === undefined || period <= checked.endPeriod)) notComparable.push({ period, reason });
      continue;
    }
    const rows = (await ctx.store.currentUploads(period, { asOf: checked.asOf })).filter((u) => regions.includes(u.regionCode)).flatMap((u) => u.rows);
    const codes = new Set(parts.map((p) => p.code));
    points.push({ period, ...summarize(rows.filter((r) => codes.has(r.code)), null), composedOf: regions });
  }
  points.sort((a, b) => (a.period < b.period ? -1 : 1));
  return { region: refOf(target), classification: year, series: selectObservations(withChanges(points), checked), notComparable };
}

/**
 * The regions that held, in some year loaded or in today's map, a gemeente that herindelingen connect to one
 * of `members`: the only regions whose figures can make up the target, so the only ones read.
 */
function contributingRegions(ctx: UseCaseContext, target: Region, year: number, members: ReadonlySet<string>): string[] {
  // Kept per set of classifications: scanning every year's map costs more than the series itself.
  const kept = contributors.get(ctx.classifications) ?? new Map<string, string[]>();
  contributors.set(ctx.classifications, kept);
  const key = `${year} ${target.code}`;
  const found = kept.get(key);
  if (found) return found;
  const closure = new Set<string>();
  for (const m of members) if (!closure.has(m)) for (const c of connected(ctx.classifications.herindelingen, m)) closure.add(c);
  const maps = [ctx.reference, ...ctx.classifications.years.map((y) => ctx.classifications.year(y.year))];
  const codes = [...new Set(maps.flatMap((map) => map.regions.filter((r) => r.gemeenten.some((g) => closure.has(g.code))).map((r) => r.code)))];
  kept.set(key, codes);
  return codes;
}

const contributors = new WeakMap<Classifications, Map<string, string[]>>();

interface Trace { parts: Array<{ code: string; region: string }>; split?: GemeenteRef }

/** Traces kept per period classification (a new Classifications brings new ones, so a reload forgets them). */
const traces = new WeakMap<ReferenceData, Map<string, Trace>>();

/**
 * Which gemeenten of a period's classification `then` (as on `from`) make up region `target` as on `to`, with
 * the first split over it and elsewhere. It depends only on the classification and the herindelingen between
 * the two days, so every period sharing both (all of a year without mid-year changes) reuses one trace.
 */
function traced(ctx: UseCaseContext, then: ReferenceData, from: string, to: string, target: Region, members: ReadonlySet<string>): Trace {
  const between = ctx.classifications.herindelingen.flatMap((h, i) => ((from < to ? h.date > from && h.date <= to : h.date > to && h.date <= from) ? [i] : []));
  const key = `${to} ${target.code} ${from < to ? '>' : '<'} ${between.join(',')}`;
  const kept = traces.get(then) ?? new Map<string, Trace>();
  traces.set(then, kept);
  const found = kept.get(key);
  if (found) return found;
  const trace: Trace = { parts: [] };
  for (const region of then.regions) {
    for (const g of region.gemeenten) {
      const related = between.length === 0 ? [g.code] : relatedOn(ctx.classifications.herindelingen, g.code, from, to);
      const inside = related.filter((c) => members.has(c));
      if (inside.length === 0) continue;
      if (inside.length < related.length) trace.split ??= g;
      trace.parts.push({ code: g.code, region: region.code });
    }
  }
  kept.set(key, trace);
  return trace;
}

const lastDayOf = (period: string): string => {
  const [y, m] = period.split('-').map(Number);
  return `${period}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
};

/**
 * The national totals per period over the regions with figures in it, oldest first. A point is shaped once
 * per version of its period's kept sums and of the period's before it (its change), and kept, frozen: a
 * write makes a new version of the periods it touched only, so after it a series shapes those points
 * again and takes the others as they were, now or as of an instant. The series now is kept until the
 * figures' version grows; as of an instant, the versions are read first and the sums whole only when some
 * point is not kept.
 */
export async function nationalSeries(ctx: UseCaseContext, filters: SeriesFilters = {}): Promise<NationalSeries> {
  const checked = checkFilters(filters);
  const kept = keptNationalPoints(ctx);
  const points = checked.asOf === undefined ? await kept.now(ctx) : await kept.asOf(ctx, checked.asOf);
  return { series: selectObservations(points, checked) };
}

/**
 * A service's national points, shaped in one set of classifications (they name the missing regions), one per
 * period (the latest asked for), under the versions they were shaped from.
 */
class KeptPoints {
  private readonly byPeriod = new Map<string, { versions: string; point: NationalSeriesPoint }>();
  private current?: { version: number; points: readonly NationalSeriesPoint[] };

  constructor(readonly classifications: Classifications, private readonly reference: ReferenceData) {}

  /**
   * The series now: as kept while the figures' version stands (read before the store, so never older than
   * it). A new version has changed some period, so the sums are read whole at once: one round trip.
   */
  async now(ctx: UseCaseContext): Promise<readonly NationalSeriesPoint[]> {
    const version = ctx.version;
    if (this.current?.version === version) return this.current.points;
    const points = await this.shaped(ctx, undefined);
    if (version > (this.current?.version ?? -1)) this.current = { version, points }; // not over a newer one read meanwhile
    return points;
  }

  /** The series as of an instant: its versions first (one short read), and the sums whole only when a point is not kept. */
  async asOf(ctx: UseCaseContext, asOf: string): Promise<readonly NationalSeriesPoint[]> {
    const versions = await ctx.store.nationalSumVersions(asOf);
    const found = versions.map((v, i) => this.find(v.period, v.version, versions[i - 1]?.version));
    return found.every((p) => p !== undefined) ? found as NationalSeriesPoint[] : this.shaped(ctx, asOf);
  }

  /** Every point from the sums read whole, each taken as kept when its versions are. */
  private async shaped(ctx: UseCaseContext, asOf: string | undefined): Promise<NationalSeriesPoint[]> {
    const sums = await ctx.store.nationalSums({ asOf });
    const points: NationalSeriesPoint[] = [];
    for (const [i, s] of sums.entries()) {
      const before = sums[i - 1]?.version;
      const kept = this.find(s.period, s.version, before);
      if (kept) {
        points.push(kept);
        continue;
      }
      const totals = nationalTotalsOf(s, this.classifications.forPeriodOr(s.period, this.reference));
      points.push(this.keep(extended(totals, { change: changeFrom(points[i - 1], totals) }), s.version, before));
    }
    return points;
  }

  private find(period: string, version: string | undefined, before: string | undefined): NationalSeriesPoint | undefined {
    const found = this.byPeriod.get(period);
    return version !== undefined && found?.versions === versionsOf(before, version) ? found.point : undefined;
  }

  private keep(point: NationalSeriesPoint, version: string | undefined, before: string | undefined): NationalSeriesPoint {
    const frozen = deepFreeze(point);
    if (version !== undefined) this.byPeriod.set(point.period, { versions: versionsOf(before, version), point: frozen });
    return frozen;
  }
}

/** What a point is shaped from: its period's sums and those of the period before it (its change). */
const versionsOf = (before: string | undefined, version: string): string => `${before} ${version}`;

/** Kept per service (its store, its data versions) until it reloads its classifications. */
const nationalPoints = new WeakMap<UseCaseContext, KeptPoints>();

function keptNationalPoints(ctx: UseCaseContext): KeptPoints {
  const found = nationalPoints.get(ctx);
  if (found?.classifications === ctx.classifications) return found;
  const kept = new KeptPoints(ctx.classifications, ctx.reference);
  nationalPoints.set(ctx, kept);
  return kept;
}

/**
 * A gemeente's figures per period in which its region of then lists it, oldest first, wherever they were
 * filed (a point under another region than today's says which): as published, each
 * point where a herindeling touched the gemeente since the point before saying what changed; or, with
 * `classification`, in the gemeenten of that year (see comparable.ts).
 */
export async function gemeenteSeries(ctx: UseCaseContext, gemeenteKey: string, filters: SeriesFilters = {}, classification?: string): Promise<GemeenteSeries> {
  const checked = checkFilters(filters);
  if (classification !== undefined) return comparableGemeenteSeries(ctx, gemeenteKey, checked, Number(classification));
  const { gemeente, region } = gemeenteOfAnyYear(ctx, gemeenteKey);
  const history = await ctx.store.gemeenteHistory(gemeente.code, checked.asOf);
  const points = history.map(({ period, regionCode, row }, i) => {
    const { gemeenteClients, uwvClients, total } = toFigures(row);
    const changed = i === 0 ? undefined : changeBetween(ctx.classifications.herindelingen, [gemeente.code], history[i - 1].period, period);
    const filed = regionCode === region.code ? undefined : ctx.classifications.forPeriodOr(period, ctx.reference).findRegion(regionCode) ?? { code: regionCode, name: regionCode };
    return { period, gemeenteClients, uwvClients, total, coverage: null, profileShare: null,
      ...(changed ? { classificationChange: changed } : {}), ...(filed ? { region: refOf(filed) } : {}) };
  });
  const series = withChanges(points).map(({ coverage, profileShare, ...point }) => point);
  return { gemeente: extended(refOf(gemeente), { region: refOf(region) }), series: selectObservations(series, checked) };
}

/** The gemeente of year `year` in every period: its predecessors' figures summed into it, or why a period is not comparable. */
async function comparableGemeenteSeries(ctx: UseCaseContext, gemeenteKey: string, checked: CheckedFilters, year: number): Promise<GemeenteSeries> {
  const { gemeente, region } = gemeenteNationally(ctx.classifications.year(year, 'query.classification'), gemeenteKey);
  const byPeriod = new Map<string, Map<string, Counts>>();
  for (const code of connected(ctx.classifications.herindelingen, gemeente.code)) {
    for (const { period, row } of await ctx.store.gemeenteHistory(code, checked.asOf)) {
      byPeriod.set(period, (byPeriod.get(period) ?? new Map<string, Counts>()).set(code, row));
    }
  }
  const points = [];
  const notComparable: Array<{ period: string; reason: string }> = [];
  for (const period of [...byPeriod.keys()].sort()) {
    const present = byPeriod.get(period) as Map<string, Counts>;
    const composition = compositionOf(ctx.classifications, gemeente.code, year, period, [...present.keys()]);
    if ('notComparable' in composition) {
      if ((checked.startPeriod === undefined || period >= checked.startPeriod) && (checked.endPeriod === undefined || period <= checked.endPeriod)) {
        notComparable.push({ period, reason: composition.notComparable });
      }
      continue;
    }
    if (composition.codes.length === 0) continue;
    const { gemeenteClients, uwvClients, total } = toFigures(extended(gemeente, sumCounts(composition.codes.map((c) => present.get(c) as Counts))));
    const summed = composition.codes.length > 1 || composition.codes[0] !== gemeente.code ? { composedOf: composition.codes } : {};
    points.push({ period, gemeenteClients, uwvClients, total, coverage: null, profileShare: null, ...summed });
  }
  const series = withChanges(points).map(({ coverage, profileShare, ...point }) => point);
  return { gemeente: extended(refOf(gemeente), { region: refOf(region) }), classification: year, series: selectObservations(series, checked), notComparable };
}

/** The periods in which a region has figures, oldest first; a region of an earlier year (AM99) too. */
export async function regionPeriods(ctx: UseCaseContext, regionKey: string): Promise<RegionPeriodList> {
  const region = ctx.classifications.regionOfAnyYear(regionKey, ctx.reference);
  return { region: refOf(region), periods: await ctx.store.periods(region.code) };
}
