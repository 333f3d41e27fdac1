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
  /**
   * When the upload was withdrawn (DELETE /v1/uploads/{id}); null while it stands. A withdrawn upload stays
   * in the history, but is never current again.
   * @format date-time
   * @example "2026-07-02T09:30:00.000Z"
   */
  withdrawnAt: string | null;
  /**
   * Name of the API key that withdrew it; null while it stands.
   * @example "twente"
   */
  withdrawnBy: string | null;
}

/** A page of the upload history, newest first. */
export interface UploadList {
  /** The uploads of this page, newest first. */
  uploads: UploadSummary[];
  /**
   * How many uploads match the filter in all, over every page.
   * @isInt
   * @minimum 0
   * @example 3
   */
  total: number;
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

/**
 * The answer to an accepted upload, whatever its content type: one receipt per region, in the order of the
 * file (a JSON upload has one).
 */
export interface CreatedUploads {
  /** One receipt per region table, in the order of the file; a JSON upload has exactly one. */
  uploads: UploadReceipt[];
}

/** The answer to a withdrawal: the upload as it now stands, and what the reads now serve in its place. */
export interface WithdrawalReceipt {
  /** The upload, now with withdrawnAt and withdrawnBy. */
  withdrawn: UploadSummary;
  /**
   * The upload the reads now serve for the same region and period (the one before it); absent when the
   * region has no figures left for that period.
   */
  current?: UploadSummary;
}
