/**
 * What the service says of its classifications: the years loaded, where each comes from, and the
 * herindelingen between them.
 */
import { Classifications, Membership } from './classification';

/**
 * A year of a classification: its gemeenten are those of 1 January.
 * @isInt
 * @minimum 1900
 * @example 2022
 */
export type ClassificationYear = number;

/**
 * One year's classification and where it comes from.
 * @example { "year": 2024, "gemeenten": 342, "regions": 35, "gemeentenSource": "CBS gemeentelijst 2024", "membership": "derived", "membershipSource": "derived: 2026 region of the gemeente (CBS 86247NED)", "loadedAt": "2026-12-06T04:00:00.000Z", "loadedBy": "shipped (db/classifications)" }
 */
export interface ClassificationSummary {
  /** The year: its gemeenten are those of 1 January. */
  year: ClassificationYear;
  /**
   * How many gemeenten it has.
   * @isInt
   * @minimum 0
   * @example 342
   */
  gemeenten: number;
  /**
   * How many arbeidsmarktregio's it has.
   * @isInt
   * @minimum 0
   * @example 35
   */
  regions: number;
  /** Where the gemeenten (codes, names) come from. */
  gemeentenSource: string;
  /** `cbs`: which region each gemeente belongs to is CBS's own table; `derived`: it is derived from another year and not CBS-verified. */
  membership: Membership;
  /** Where the region membership comes from, or how it was derived. */
  membershipSource: string;
  /** When the year was loaded (RFC 3339). */
  loadedAt: string;
  /** Who loaded it: `shipped (db/classifications)` or the operator's name. */
  loadedBy: string;
}

/**
 * A gemeente's part in a herindeling.
 * @example { "date": "2021-01-01", "oldCode": "GM0003", "oldName": "Appingedam", "newCode": "GM1979", "newName": "Eemsdelta" }
 */
export interface HerindelingView {
  /**
   * `YYYY-MM-DD`, the day it took effect.
   * @format date
   */
  date: string;
  /** CBS code of the gemeente before: abolished, or continuing when it equals `newCode`. */
  oldCode: string;
  /** Its CBS name. */
  oldName: string;
  /** CBS code of the gemeente it went into (one row per successor of a gemeente that was split). */
  newCode: string;
  /** Its CBS name. */
  newName: string;
}

/**
 * The years loaded, oldest first, and every herindeling between them.
 * @example { "classifications": [ { "year": 2026, "gemeenten": 342, "regions": 35, "gemeentenSource": "CBS 86247NED (Gebieden in Nederland 2026), CC BY 4.0, Bron: CBS", "membership": "cbs", "membershipSource": "CBS 86247NED (Gebieden in Nederland 2026), CC BY 4.0, Bron: CBS", "loadedAt": "2026-12-06T04:00:00.000Z", "loadedBy": "shipped (db/classifications)" } ], "herindelingen": [ { "date": "2022-03-24", "oldCode": "GM0457", "oldName": "Weesp", "newCode": "GM0363", "newName": "Amsterdam" } ] }
 */
export interface ClassificationList {
  /** Each year loaded, oldest first. */
  classifications: ClassificationSummary[];
  /** Every herindeling between the years, by date. */
  herindelingen: HerindelingView[];
}

export function listClassifications(classifications: Classifications): ClassificationList {
  return {
    classifications: classifications.years.map((y) => {
      const reference = classifications.year(y.year);
      return {
        year: y.year,
        gemeenten: reference.regions.reduce((n, r) => n + r.gemeenten.length, 0),
        regions: reference.regions.length,
        gemeentenSource: y.gemeentenSource,
        membership: y.membership,
        membershipSource: y.membershipSource,
        loadedAt: y.loadedAt,
        loadedBy: y.loadedBy,
      };
    }),
    herindelingen: classifications.herindelingen.map((h) => ({ ...h })),
  };
}
