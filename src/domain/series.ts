/**
 * Progress over time: a region's, a gemeente's and the nation's figures per period, each point exactly the
 * one-period read of its period, with the change from the period before. Each series is read in one query.
 */
import { Selection, selectObservations, withChanges } from './change';
import { DomainError, ProblemItem } from './errors';
import { Counts, summarize, sumCounts } from './figures';
import { changeBetween, compositionOf, connected } from './comparable';
import { gemeenteNationally, gemeenteOfAnyYear } from './gemeenten';
import { toInstant } from './instant';
import { PERIOD_NOTATIONS, toPeriod } from './period';
import { nationalTotalsOf, RegionCounts, refOf, toFigures } from './read-shapes';
import { GemeenteSeries, NationalSeries, RegionPeriodList, RegionSeries } from './series-views';
import { UseCaseContext } from './use-case';

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

/** A region's totals per period, oldest first: what a dashboard or report of one region draws. */
export async function regionSeries(ctx: UseCaseContext, regionKey: string, filters: SeriesFilters = {}): Promise<RegionSeries> {
  const region = ctx.reference.region(regionKey);
  const checked = checkFilters(filters);
  const points = (await ctx.store.uploadSums(region.code, checked.asOf)).map((u) => ({ period: u.period, ...summarize([u.counts], u.registerTotal) }));
  return { region: refOf(region), series: selectObservations(withChanges(points), checked) };
}

/** The national totals per period over the regions with figures in it, oldest first. */
export async function nationalSeries(ctx: UseCaseContext, filters: SeriesFilters = {}): Promise<NationalSeries> {
  const checked = checkFilters(filters);
  const byPeriod = new Map<string, RegionCounts[]>();
  for (const u of await ctx.store.uploadSums(undefined, checked.asOf)) {
    const regions = byPeriod.get(u.period) ?? [];
    regions.push({ regionCode: u.regionCode, registerTotal: u.registerTotal, rows: [u.counts] });
    byPeriod.set(u.period, regions);
  }
  const points = [...byPeriod].map(([period, regions]) => nationalTotalsOf(period, regions, ctx.classifications.forPeriodOr(period, ctx.reference)));
  return { series: selectObservations(withChanges(points), checked) };
}

/**
 * A gemeente's figures per period in which its region's upload lists it, oldest first: as published, each
 * point where a herindeling touched the gemeente since the point before saying what changed; or, with
 * `classification`, in the gemeenten of that year (see comparable.ts).
 */
export async function gemeenteSeries(ctx: UseCaseContext, gemeenteKey: string, filters: SeriesFilters = {}, classification?: string): Promise<GemeenteSeries> {
  const checked = checkFilters(filters);
  if (classification !== undefined) return comparableGemeenteSeries(ctx, gemeenteKey, checked, Number(classification));
  const { gemeente, region } = gemeenteOfAnyYear(ctx, gemeenteKey);
  const history = await ctx.store.gemeenteHistory(gemeente.code, checked.asOf);
  const points = history.map(({ period, row }, i) => {
    const { gemeenteClients, uwvClients, total } = toFigures(row);
    const changed = i === 0 ? undefined : changeBetween(ctx.classifications.herindelingen, [gemeente.code], history[i - 1].period, period);
    return { period, gemeenteClients, uwvClients, total, coverage: null, profileShare: null, ...(changed ? { classificationChange: changed } : {}) };
  });
  const series = withChanges(points).map(({ coverage, profileShare, ...point }) => point);
  return { gemeente: { ...refOf(gemeente), region: refOf(region) }, series: selectObservations(series, checked) };
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
    const { gemeenteClients, uwvClients, total } = toFigures({ ...gemeente, ...sumCounts(composition.codes.map((c) => present.get(c) as Counts)) });
    const summed = composition.codes.length > 1 || composition.codes[0] !== gemeente.code ? { composedOf: composition.codes } : {};
    points.push({ period, gemeenteClients, uwvClients, total, coverage: null, profileShare: null, ...summed });
  }
  const series = withChanges(points).map(({ coverage, profileShare, ...point }) => point);
  return { gemeente: { ...refOf(gemeente), region: refOf(region) }, classification: year, series: selectObservations(series, checked), notComparable };
}

/** The periods in which a region has figures, oldest first. */
export async function regionPeriods(ctx: UseCaseContext, regionKey: string): Promise<RegionPeriodList> {
  const region = ctx.reference.region(regionKey);
  return { region: refOf(region), periods: await ctx.store.periods(region.code) };
}
