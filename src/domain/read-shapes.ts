/**
 * How the reads shape figures into answers: shared by the one-period reads and the series, so that a point
 * of a series is exactly what the read of its period gives.
 */
import { Counts, rowTotal, summarize, Summary } from './figures';
import { ReferenceData, RegionRef } from './reference';
import { GemeenteCounts } from './upload';
import { CoverageReport, GemeenteFigures, NationalTotals, RegionCoverage } from './views';

export const refOf = (r: { code: string; name: string }): RegionRef => ({ code: r.code, name: r.name });

export function toFigures(row: GemeenteCounts): GemeenteFigures {
  const { code, name, gemeenteClients, uwvClients } = row;
  return { code, name, gemeenteClients, uwvClients, total: rowTotal(row) };
}

/** A region's figures for one period: its gemeenten's counts (or their sum) and its register. */
export interface RegionCounts {
  regionCode: string;
  registerTotal: number | null;
  rows: readonly Counts[];
}

/** The regions without figures among those given, in code order. */
export function missingRegions(present: readonly RegionCounts[], reference: ReferenceData): RegionRef[] {
  const codes = new Set(present.map((u) => u.regionCode));
  return reference.regions.filter((r) => !codes.has(r.code)).map(refOf);
}

/** The national totals of one period over the regions with figures in it. */
/**
 * The sum over regions: `registerTotal` sums the regions that have a register, and coverage is computed
 * over those regions only.
 */
export function nationalSummary(uploads: readonly RegionCounts[]): { summary: Summary; regionsWithRegister: number } {
  const withRegister = uploads.filter((u) => u.registerTotal !== null);
  const registerTotal = withRegister.length ? withRegister.reduce((sum, u) => sum + (u.registerTotal ?? 0), 0) : null;
  const coveredTotal = summarize(withRegister.flatMap((u) => u.rows), null).total;
  return { summary: summarize(uploads.flatMap((u) => u.rows), registerTotal, coveredTotal), regionsWithRegister: withRegister.length };
}

export function nationalTotalsOf(period: string, uploads: readonly RegionCounts[], reference: ReferenceData): NationalTotals {
  const { summary, regionsWithRegister } = nationalSummary(uploads);
  return { period, regions: uploads.length, regionsWithRegister, ...summary, missing: missingRegions(uploads, reference) };
}

export function coverageReportOf(period: string, uploads: readonly RegionCounts[], reference: ReferenceData): CoverageReport {
  return {
    period,
    regions: uploads.map((u): RegionCoverage => {
      const { total, registerTotal, coverage, coveragePercent, profileShare, profileSharePercent } = summarize(u.rows, u.registerTotal);
      return { region: refOf(reference.region(u.regionCode)), total, registerTotal, coverage, coveragePercent, profileShare, profileSharePercent };
    }),
    missing: missingRegions(uploads, reference),
  };
}
