import { GemeenteSeries, NationalSeries, RegionSeries } from '../domain/series-views';
import { CoverageReport, NationalTotals, RegionGemeenten, RegionTotals } from '../domain/views';
import { MEDIA_TYPES, Rendering, slug } from './rendering';
import { csvChunks, CsvOptions, csvTableOf } from './csv';

/**
 * Each read as CSV: which of its fields are the rows, which are repeated on every row, and the file name.
 * A new read (such as a series) needs one small function like these.
 */
export function csvRendering(fileName: string, context: object, rows: readonly object[], options: CsvOptions): Rendering {
  const { columns, rows: cells, count } = csvTableOf(context, rows);
  return { contentType: `${MEDIA_TYPES.csv}; charset=utf-8; header=present`, fileName: `${fileName}.csv`, form: `csv ${options.delimiter}`, rowCount: count, chunks: csvChunks(columns, cells, options) };
}

export const gemeentenCsv = (v: RegionGemeenten, o: CsvOptions): Rendering =>
  csvRendering(`${slug(v.region.name)}-${v.period}-gemeenten`, { region: v.region, period: v.period }, v.gemeenten, o);

export const regionTotalsCsv = (v: RegionTotals, o: CsvOptions): Rendering =>
  csvRendering(`${slug(v.region.name)}-${v.period}-totalen`, {}, [v], o);

export const nationalTotalsCsv = (v: NationalTotals, o: CsvOptions): Rendering =>
  csvRendering(`nederland-${v.period}-totalen`, {}, [v], o);

export const coverageCsv = (v: CoverageReport, o: CsvOptions): Rendering =>
  csvRendering(`nederland-${v.period}-dekking`, { period: v.period }, v.regions, o);

/** `twente-2025-06-2026-06-reeks`: whose series, from which period to which. */
function seriesName(who: string, points: ReadonlyArray<{ period: string }>): string {
  return points.length ? `${slug(who)}-${points[0].period}-${points[points.length - 1].period}-reeks` : `${slug(who)}-reeks`;
}

export const regionSeriesCsv = (v: RegionSeries, o: CsvOptions): Rendering =>
  csvRendering(seriesName(v.region.name, v.series), { region: v.region }, v.series, o);

export const gemeenteSeriesCsv = (v: GemeenteSeries, o: CsvOptions): Rendering =>
  csvRendering(seriesName(v.gemeente.name, v.series), { gemeente: { code: v.gemeente.code, name: v.gemeente.name }, region: v.gemeente.region }, v.series, o);

export const nationalSeriesCsv = (v: NationalSeries, o: CsvOptions): Rendering =>
  csvRendering(seriesName('nederland', v.series), {}, v.series, o);
