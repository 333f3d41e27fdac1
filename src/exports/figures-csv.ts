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
