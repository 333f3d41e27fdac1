/** What the reads answer. These interfaces are the API's response schemas. */
import type { ClassificationYear } from './classification-views';
import { ClientCounts, Summary } from './figures';
import { GemeenteRef, RegionRef } from './reference';

/**
 * An arbeidsmarktregio with the number of its gemeenten.
 * @example { "code": "AM05", "name": "Twente", "gemeenteCount": 14 }
 */
export interface RegionSummary extends RegionRef {
  /**
   * Number of gemeenten in the region.
   * @isInt
   * @minimum 0
   * @example 14
   */
  gemeenteCount: number;
}

/**
 * The 35 arbeidsmarktregio's.
 * @example { "regions": [ { "code": "AM01", "name": "Groningen", "gemeenteCount": 10 }, { "code": "AM05", "name": "Twente", "gemeenteCount": 14 } ] }
 */
export interface RegionList {
  /** The year asked for (`year`); absent for today's classification. */
  year?: ClassificationYear;
  /** With `year`: `cbs` when the region membership is CBS's own table, `derived` when it was derived (not CBS-verified). */
  membership?: 'cbs' | 'derived';
  /** Every region, by CBS code. */
  regions: RegionSummary[];
}

/**
 * One arbeidsmarktregio with its gemeenten.
 * @example { "code": "AM05", "name": "Twente", "gemeenten": [ { "code": "GM0141", "name": "Almelo" }, { "code": "GM0164", "name": "Hengelo (O.)" } ] }
 */
export interface RegionDetail extends RegionRef {
  /** The gemeenten of the region, with their CBS codes and names. */
  gemeenten: GemeenteRef[];
}

/**
 * One row of the publication: a gemeente's four counts and their total.
 * @example { "code": "GM0141", "name": "Almelo", "gemeenteClients": { "withProfile": 3, "withoutProfile": 222 }, "uwvClients": { "withProfile": 491, "withoutProfile": 502 }, "total": 1218 }
 */
export interface GemeenteFigures extends GemeenteRef {
  /** Gemeenteklanten: clients supported by the gemeente. */
  gemeenteClients: ClientCounts;
  /** UWV-klanten: clients supported by UWV. */
  uwvClients: ClientCounts;
  /**
   * Sum of the four counts: "Totaal doelgroep banenafspraken in Sonar".
   * @isInt
   * @minimum 0
   * @example 1218
   */
  total: number;
}

/**
 * The figures of each gemeente of a region for one period, and the gemeenten without figures.
 * @example { "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "gemeenten": [ { "code": "GM0141", "name": "Almelo", "gemeenteClients": { "withProfile": 3, "withoutProfile": 222 }, "uwvClients": { "withProfile": 491, "withoutProfile": 502 }, "total": 1218 } ], "missing": [ { "code": "GM0164", "name": "Hengelo (O.)" } ] }
 */
export interface RegionGemeenten {
  /** The region. */
  region: RegionRef;
  /**
   * The period of the figures, YYYY-MM.
   * @example "2026-06"
   */
  period: string;
  /** Each gemeente with figures, as the rows of the publication. */
  gemeenten: GemeenteFigures[];
  /** Gemeenten of the region without figures in this period. */
  missing: GemeenteRef[];
}

/**
 * The region's TOTAAL AMR row, its doelgroepregister and what follows from both.
 * @example { "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "gemeenteClients": { "withProfile": 38, "withoutProfile": 1216 }, "uwvClients": { "withProfile": 3476, "withoutProfile": 3168 }, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44 }
 */
export interface RegionTotals extends Summary {
  /** The region. */
  region: RegionRef;
  /**
   * The period of the figures, YYYY-MM.
   * @example "2026-06"
   */
  period: string;
}

/**
 * The sum over every region with figures for the period. `registerTotal` sums the regions that have a
 * register, and coverage is computed over those regions only.
 * @example { "period": "2026-06", "regions": 1, "regionsWithRegister": 1, "missing": [ { "code": "AM01", "name": "Groningen" }, { "code": "AM02", "name": "Friesland" } ], "gemeenteClients": { "withProfile": 38, "withoutProfile": 1216 }, "uwvClients": { "withProfile": 3476, "withoutProfile": 3168 }, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44 }
 */
export interface NationalTotals extends Summary {
  /**
   * The period of the figures, YYYY-MM.
   * @example "2026-06"
   */
  period: string;
  /**
   * How many regions are summed.
   * @isInt
   * @minimum 0
   * @example 1
   */
  regions: number;
  /**
   * How many of them have a registerTotal, and so count in the coverage.
   * @isInt
   * @minimum 0
   * @example 1
   */
  regionsWithRegister: number;
  /** Regions without figures in this period, left out of the sums. */
  missing: RegionRef[];
}

/**
 * A region's total, register, coverage and profile share in one period.
 * @example { "region": { "code": "AM05", "name": "Twente" }, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44 }
 */
export interface RegionCoverage {
  /** The region. */
  region: RegionRef;
  /**
   * "Totaal doelgroep banenafspraken in Sonar" of the region: its TOTAAL AMR.
   * @isInt
   * @minimum 0
   * @example 7898
   */
  total: number;
  /**
   * Size of the region's doelgroepregister banenafspraken; null when none was uploaded.
   * @isInt
   * @minimum 0
   * @example 10371
   */
  registerTotal: number | null;
  /**
   * Coverage: total / registerTotal, between 0 and 1 with 4 decimals; null without a register.
   * @minimum 0
   * @example 0.7615
   */
  coverage: number | null;
  /**
   * Coverage as the whole percentage the publication prints.
   * @isInt
   * @minimum 0
   * @example 76
   */
  coveragePercent: number | null;
  /**
   * Profile share: clients with a klantprofiel / total, between 0 and 1 with 4 decimals; null when the total is 0.
   * @minimum 0
   * @maximum 1
   * @example 0.4449
   */
  profileShare: number | null;
  /**
   * Profile share as the whole percentage the publication prints.
   * @isInt
   * @minimum 0
   * @maximum 100
   * @example 44
   */
  profileSharePercent: number | null;
}

/**
 * Coverage and profile share of each region with figures in one period.
 * @example { "period": "2026-06", "regions": [ { "region": { "code": "AM05", "name": "Twente" }, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44 } ], "missing": [ { "code": "AM01", "name": "Groningen" }, { "code": "AM02", "name": "Friesland" } ] }
 */
export interface CoverageReport {
  /**
   * The period of the figures, YYYY-MM.
   * @example "2026-06"
   */
  period: string;
  /** Each region with figures in the period, by CBS code. */
  regions: RegionCoverage[];
  /** Regions without figures in this period. */
  missing: RegionRef[];
}

/**
 * The periods that have figures.
 * @example { "periods": ["2026-03", "2026-06"] }
 */
export interface PeriodList {
  /**
   * Periods with figures, oldest first, YYYY-MM.
   * @example ["2026-03", "2026-06"]
   */
  periods: string[];
}

/** The form an upload came in: a JSON body, or the publication table as TSV, CSV or Excel (xlsx). */
export type UploadSource = 'json' | 'tsv' | 'csv' | 'xlsx';

/**
 * One upload of the history.
 * @example { "id": 1, "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "registerTotal": 10371, "uploadedBy": "uwv-twente", "uploadedAt": "2026-07-01T09:30:00.000Z", "source": "tsv", "current": true, "gemeenteCount": 14, "withdrawnAt": null, "withdrawnBy": null }
 */
export interface UploadSummary {
  /**
   * The upload's number: /v1/uploads/{id}.
   * @isInt
   * @minimum 1
   * @example 1
   */
  id: number;
  /** The region the figures are of. */
  region: RegionRef;
  /**
   * The period of the figures, YYYY-MM.
   * @example "2026-06"
   */
  period: string;
  /**
   * The doelgroepregister banenafspraken uploaded with the figures; null when none was.
   * @isInt
   * @minimum 0
   * @example 10371
   */
  registerTotal: number | null;
  /**
   * Name of the API key that uploaded it.
   * @example "uwv-twente"
   */
  uploadedBy: string;
  /**
   * When the upload was stored (UTC).
   * @format date-time
   * @example "2026-07-01T09:30:00.000Z"
   */
  uploadedAt: string;
  /**
   * The form the figures came in: a JSON body, or the publication table as TSV, CSV or Excel.
   * @example "tsv"
   */
  source: UploadSource;
  /**
   * Whether these are the figures the reads serve for the region and period, i.e. no later upload replaced them.
   * @example true
   */
  current: boolean;
  /**
   * Number of gemeenten in the upload.
   * @isInt
   * @minimum 0
   * @example 14
   */
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

/**
 * A page of the upload history, newest first.
 * @example { "uploads": [ { "id": 1, "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "registerTotal": 10371, "uploadedBy": "uwv-twente", "uploadedAt": "2026-07-01T09:30:00.000Z", "source": "tsv", "current": true, "gemeenteCount": 14, "withdrawnAt": null, "withdrawnBy": null } ], "total": 1 }
 */
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

/**
 * One upload with its figures as they were uploaded, and the totals they give.
 * @example { "id": 1, "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "registerTotal": 10371, "uploadedBy": "uwv-twente", "uploadedAt": "2026-07-01T09:30:00.000Z", "source": "tsv", "current": true, "gemeenteCount": 14, "withdrawnAt": null, "withdrawnBy": null, "gemeenten": [ { "code": "GM0141", "name": "Almelo", "gemeenteClients": { "withProfile": 3, "withoutProfile": 222 }, "uwvClients": { "withProfile": 491, "withoutProfile": 502 }, "total": 1218 } ], "totals": { "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "gemeenteClients": { "withProfile": 38, "withoutProfile": 1216 }, "uwvClients": { "withProfile": 3476, "withoutProfile": 3168 }, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44 } }
 */
export interface UploadDetail extends UploadSummary {
  /** The figures of each gemeente, as uploaded. */
  gemeenten: GemeenteFigures[];
  /** The region totals these figures give. */
  totals: RegionTotals;
}

/**
 * The answer to an accepted upload.
 * @example { "id": 1, "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "registerTotal": 10371, "uploadedBy": "uwv-twente", "uploadedAt": "2026-07-01T09:30:00.000Z", "source": "tsv", "current": true, "gemeenteCount": 14, "withdrawnAt": null, "withdrawnBy": null, "totals": { "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "gemeenteClients": { "withProfile": 38, "withoutProfile": 1216 }, "uwvClients": { "withProfile": 3476, "withoutProfile": 3168 }, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44 }, "warnings": [] }
 */
export interface UploadReceipt extends UploadSummary {
  /** The region totals the reads will give for this region and period. */
  totals: RegionTotals;
  /**
   * Things worth a second look that did not stop the upload.
   * @example []
   */
  warnings: string[];
}

/**
/**
 * The answer to an accepted upload, whatever its content type: one receipt per region, in the order of the
 * file (a JSON upload has one).
 * @example { "uploads": [ { "id": 1, "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "registerTotal": 10371, "uploadedBy": "uwv-twente", "uploadedAt": "2026-07-01T09:30:00.000Z", "source": "tsv", "current": true, "gemeenteCount": 14, "withdrawnAt": null, "withdrawnBy": null, "totals": { "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "gemeenteClients": { "withProfile": 38, "withoutProfile": 1216 }, "uwvClients": { "withProfile": 3476, "withoutProfile": 3168 }, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44 }, "warnings": [] } ] }
 */
export interface CreatedUploads {
  /** One receipt per region table, in the order of the file; a JSON upload has exactly one. */
  uploads: UploadReceipt[];
}

/**
 * The answer to a withdrawal: the upload as it now stands, and what the reads now serve in its place.
 * @example { "withdrawn": { "id": 2, "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "registerTotal": 10371, "uploadedBy": "twente", "uploadedAt": "2026-07-01T09:30:00.000Z", "source": "json", "current": false, "gemeenteCount": 14, "withdrawnAt": "2026-07-02T09:30:00.000Z", "withdrawnBy": "twente" }, "current": { "id": 1, "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "registerTotal": 10371, "uploadedBy": "twente", "uploadedAt": "2026-06-30T09:30:00.000Z", "source": "tsv", "current": true, "gemeenteCount": 14, "withdrawnAt": null, "withdrawnBy": null } }
 */
export interface WithdrawalReceipt {
  /** The upload, now with withdrawnAt and withdrawnBy. */
  withdrawn: UploadSummary;
  /**
   * The upload the reads now serve for the same region and period (the one before it); absent when the
   * region has no figures left for that period.
   */
  current?: UploadSummary;
}
