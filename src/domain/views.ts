/** What the reads answer. These interfaces are the API's response schemas. */
import { ClientCounts, Summary } from './figures';
import { GemeenteRef, RegionRef } from './reference';

export interface RegionSummary extends RegionRef {
  /** Number of gemeenten in the region. */
  gemeenteCount: number;
}

export interface RegionList {
  regions: RegionSummary[];
}

export interface RegionDetail extends RegionRef {
  gemeenten: GemeenteRef[];
}

/** One row of the publication. */
export interface GemeenteFigures extends GemeenteRef {
  gemeenteClients: ClientCounts;
  uwvClients: ClientCounts;
  /** Sum of the four counts: "Totaal doelgroep banenafspraken in Sonar". */
  total: number;
}

export interface RegionGemeenten {
  region: RegionRef;
  /** @example "2026-06" */
  period: string;
  gemeenten: GemeenteFigures[];
  /** Gemeenten of the region without figures in this period. */
  missing: GemeenteRef[];
}

/** The region's TOTAAL AMR row, its doelgroepregister and what follows from both. */
export interface RegionTotals extends Summary {
  region: RegionRef;
  /** @example "2026-06" */
  period: string;
}

/**
 * The sum over every region with figures for the period. `registerTotal` sums the regions that have a
 * register, and coverage is computed over those regions only.
 */
export interface NationalTotals extends Summary {
  /** @example "2026-06" */
  period: string;
  /** How many regions are summed. */
  regions: number;
  /** How many of them have a registerTotal, and so count in the coverage. */
  regionsWithRegister: number;
  /** Regions without figures in this period, left out of the sums. */
  missing: RegionRef[];
}

export interface RegionCoverage {
  region: RegionRef;
  total: number;
  registerTotal: number | null;
  coverage: number | null;
  coveragePercent: number | null;
  profileShare: number | null;
  profileSharePercent: number | null;
}

export interface CoverageReport {
  /** @example "2026-06" */
  period: string;
  regions: RegionCoverage[];
  /** Regions without figures in this period. */
  missing: RegionRef[];
}

export interface PeriodList {
  /** Periods with figures, oldest first. */
  periods: string[];
}

export type UploadSource = 'json' | 'tsv' | 'csv' | 'xlsx';

export interface UploadSummary {
  id: number;
  region: RegionRef;
  /** @example "2026-06" */
  period: string;
  registerTotal: number | null;
  /** Name of the API key that uploaded it. */
  uploadedBy: string;
  /** @format date-time */
  uploadedAt: string;
  /** The form the figures came in. */
  source: UploadSource;
  /** Whether these are the figures the reads serve for the region and period, i.e. no later upload replaced them. */
  current: boolean;
  /** Number of gemeenten in the upload. */
  gemeenteCount: number;
}

export interface UploadList {
  uploads: UploadSummary[];
}

export interface UploadDetail extends UploadSummary {
  gemeenten: GemeenteFigures[];
  totals: RegionTotals;
}

/** The answer to an accepted upload. */
export interface UploadReceipt extends UploadSummary {
  totals: RegionTotals;
  /** Things worth a second look that did not stop the upload. */
  warnings: string[];
}

/** The answer to an accepted table file: one receipt per region table, in the order of the file. */
export interface TableUploadReceipt {
  uploads: UploadReceipt[];
}
