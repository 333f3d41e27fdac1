import { GemeenteSeries, NationalSeries, RegionSeries } from '../domain/series-views';
import { CoverageReport, NationalTotals, RegionGemeenten, RegionTotals } from '../domain/views';
import { csvTableOf } from './csv';
import { Sheet, slug } from './formats';

/**
 * Each read as a sheet: which of its fields are the rows, which are repeated on every row, and the file name.
 * A new read (such as a series) needs one small function like these.
 */
export function figureSheet(name: string, context: object, rows: readonly object[]): Sheet {
  const { columns, rows: cells, count } = csvTableOf(context, rows);
  return { name, title: name, head: [columns], rows: cells, count };
}

export const gemeentenSheet = (v: RegionGemeenten): Sheet =>
  figureSheet(`${slug(v.region.name)}-${v.period}-gemeenten`, { region: v.region, period: v.period }, v.gemeenten);

export const regionTotalsSheet = (v: RegionTotals): Sheet =>
  figureSheet(`${slug(v.region.name)}-${v.period}-totalen`, {}, [v]);

export const nationalTotalsSheet = (v: NationalTotals): Sheet =>
  figureSheet(`nederland-${v.period}-totalen`, {}, [v]);

export const coverageSheet = (v: CoverageReport): Sheet =>
  figureSheet(`nederland-${v.period}-dekking`, { period: v.period }, v.regions);

/** `twente-2025-06-2026-06-reeks`: whose series, from which period to which. */
function seriesName(who: string, points: ReadonlyArray<{ period: string }>): string {
  return points.length ? `${slug(who)}-${points[0].period}-${points[points.length - 1].period}-reeks` : `${slug(who)}-reeks`;
}

export const regionSeriesSheet = (v: RegionSeries): Sheet =>
  figureSheet(seriesName(v.region.name, v.series), { region: v.region }, v.series);

export const gemeenteSeriesSheet = (v: GemeenteSeries): Sheet =>
  figureSheet(seriesName(v.gemeente.name, v.series), { gemeente: { code: v.gemeente.code, name: v.gemeente.name }, region: v.gemeente.region }, v.series);

export const nationalSeriesSheet = (v: NationalSeries): Sheet =>
  figureSheet(seriesName('nederland', v.series), {}, v.series);
