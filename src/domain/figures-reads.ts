import { notFound } from './errors';
import { summarize } from './figures';
import { asOfInstant } from './instant';
import { periodOf, toPeriod } from './period';
import { StoredUpload } from './ports';
import { coverageReportOf, nationalTotalsOf, RegionCounts, refOf, toFigures } from './read-shapes';
import { Region } from './reference';
import { UseCaseContext } from './use-case';
import { CoverageReport, NationalTotals, RegionGemeenten, RegionTotals } from './views';

/** Each gemeente's figures in a region's upload that counts, and the gemeenten of its period it leaves out. */
export async function regionGemeenten(ctx: UseCaseContext, regionKey: string, period?: string, asOf?: string): Promise<RegionGemeenten> {
  const { region, upload } = await countingUpload(ctx, regionKey, period, asOf);
  const then = regionThen(ctx, region, upload.period);
  const present = new Set(upload.rows.map((r) => r.code));
  return { region: refOf(then), period: upload.period, gemeenten: upload.rows.map(toFigures), missing: then.gemeenten.filter((g) => !present.has(g.code)) };
}

/** From the sums kept with the upload that counts: one row, whatever the number of gemeenten. */
export async function regionTotals(ctx: UseCaseContext, regionKey: string, period?: string, asOfText?: string): Promise<RegionTotals> {
  const region = regionNamed(ctx, regionKey, period);
  const asOf = asOfInstant(asOfText);
  const p = periodAsked(period);
  const [sums] = await ctx.store.periodSums(p, { regionCode: region.code, asOf });
  if (!sums) throw noFigures(region, p, asOf);
  return { region: refOf(regionThen(ctx, region, sums.period)), period: sums.period, ...summarize([sums.counts], sums.registerTotal) };
}

/** From the national sums kept per period: one row, whatever the number of regions. */
export async function nationalTotals(ctx: UseCaseContext, period?: string, asOfText?: string): Promise<NationalTotals> {
  const asOf = asOfInstant(asOfText);
  const p = periodAsked(period);
  const sums = await ctx.store.periodNationalSums(p, asOf);
  if (!sums) throw noNationalFigures(p, asOf);
  return nationalTotalsOf(sums, ctx.classifications.forPeriodOr(sums.period, ctx.reference));
}

export async function coverage(ctx: UseCaseContext, period?: string, asOf?: string): Promise<CoverageReport> {
  const { period: p, uploads } = await nationalPeriod(ctx, period, asOf);
  return coverageReportOf(p, uploads, ctx.classifications.forPeriodOr(p, ctx.reference));
}

/**
 * A region as a read names it: in the classification of the period asked for (AM99 in 2020, AM06's name of
 * then), else in today's.
 */
export function regionNamed(ctx: UseCaseContext, regionKey: string, period?: string): Region {
  const p = period === undefined ? undefined : toPeriod(period);
  return (p === undefined ? ctx.reference : ctx.classifications.forPeriodOr(p, ctx.reference)).region(regionKey);
}

/** The region as the period's classification has it: its name and gemeenten of then. */
export function regionThen(ctx: UseCaseContext, region: Region, period: string): Region {
  return ctx.classifications.forPeriodOr(period, ctx.reference).findRegion(region.code) ?? region;
}

export function totalsOf(region: Region, upload: StoredUpload): RegionTotals {
  return { region: refOf(region), period: upload.period, ...summarize(upload.rows, upload.registerTotal) };
}

/** The region's upload that counts in the period (its latest with figures when none is given), now or as of an instant. */
async function countingUpload(ctx: UseCaseContext, regionKey: string, period?: string, asOfText?: string): Promise<{ region: Region; upload: StoredUpload }> {
  const region = regionNamed(ctx, regionKey, period);
  const asOf = asOfInstant(asOfText);
  const p = periodAsked(period);
  const [upload] = await ctx.store.currentUploads(p, { regionCode: region.code, asOf });
  if (!upload) throw noFigures(region, p, asOf);
  return { region, upload };
}

function noFigures(region: Region, period: string | undefined, asOf: string | undefined): Error {
  const then = asOf === undefined ? '' : ` as of ${asOf}`;
  return notFound(period === undefined ? `${region.name} has no figures yet${then}.` : `${region.name} has no figures for ${period}${then}.`);
}

/**
 * Every region's upload that counts in the period (the latest with figures when none is given), as the sums
 * kept with each upload: one row per region, whatever the number of gemeenten.
 */
async function nationalPeriod(ctx: UseCaseContext, period?: string, asOfText?: string): Promise<{ period: string; uploads: RegionCounts[] }> {
  const asOf = asOfInstant(asOfText);
  const p = periodAsked(period);
  const sums = await ctx.store.periodSums(p, { asOf });
  if (sums.length === 0) throw noNationalFigures(p, asOf);
  return { period: sums[0].period, uploads: sums.map((u) => ({ regionCode: u.regionCode, registerTotal: u.registerTotal, rows: [u.counts] })) };
}

/** The period asked for, canonical; none for the latest with figures, which the store finds in the same read. */
const periodAsked = (period: string | undefined): string | undefined => (period === undefined ? undefined : periodOf(period));

function noNationalFigures(period: string | undefined, asOf: string | undefined): Error {
  const then = asOf === undefined ? '' : ` as of ${asOf}`;
  return notFound(period === undefined ? `No figures have been uploaded yet${then}.` : `No region has figures for ${period}${then}.`);
}
