/**
 * How the reads shape figures into answers: shared by the one-period reads and the series, so that a point
 * of a series is exactly what the read of its period gives.
 */
import { Counts, rowTotal, sumCounts, summarize, Summary } from './figures';
import { NationalSums } from './ports';
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

/** The regions of the reference without figures, of those whose codes are given, in code order. */
export function missingRegions(present: readonly string[], reference: ReferenceData): RegionRef[] {
  const codes = new Set(present);
  return reference.regions.filter((r) => !codes.has(r.code)).map(refOf);
}

/**
 * The regions' figures of one period summed (the stores keep this per period as each write commits):
 * `registerTotal` sums the regions that have a register, and `coveredTotal` the totals of those regions.
 */
export function nationalSumsOf(period: string, uploads: readonly RegionCounts[]): NationalSums {
  const withRegister = uploads.filter((u) => u.registerTotal !== null);
  return {
    period,
    regionCodes: uploads.map((u) => u.regionCode).sort(),
    regionsWithRegister: withRegister.length,
    registerTotal: withRegister.length ? withRegister.reduce((sum, u) => sum + (u.registerTotal ?? 0), 0) : null,
    counts: sumCounts(uploads.flatMap((u) => u.rows)),
    coveredTotal: rowTotal(sumCounts(withRegister.flatMap((u) => u.rows))),
  };
}

/** The sum over regions, with coverage computed over the regions that have a register only. */
export const nationalSummary = (sums: NationalSums): Summary => summarize([sums.counts], sums.registerTotal, sums.coveredTotal);

/** The national totals of one period over the regions with figures in it. */
export function nationalTotalsOf(sums: NationalSums, reference: ReferenceData): NationalTotals {
  const { period, regionCodes, regionsWithRegister } = sums;
  return { period, regions: regionCodes.length, regionsWithRegister, ...nationalSummary(sums), missing: missingRegions(regionCodes, reference) };
}

export function coverageReportOf(period: string, uploads: readonly RegionCounts[], reference: ReferenceData): CoverageReport {
  return {
    period,
    regions: uploads.map((u): RegionCoverage => {
      const { total, registerTotal, coverage, coveragePercent, profileShare, profileSharePercent } = summarize(u.rows, u.registerTotal);
      return { region: refOf(reference.region(u.regionCode)), total, registerTotal, coverage, coveragePercent, profileShare, profileSharePercent };
    }),
    missing: missingRegions(uploads.map((u) => u.regionCode), reference),
  };
}
