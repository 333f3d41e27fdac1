/** What the series, gemeenten and region-period reads answer. These interfaces are the API's response schemas. */
import { ClientCounts, Summary } from './figures';
import { GemeenteRef, RegionRef } from './reference';
import type { ClassificationYear } from './classification-views';
import { NationalTotals } from './views';

/**
 * A point's change from the previous period that has figures (which may lie before a gap, or before the
 * periods a filter selects); null for the first period with figures. Written inline rather than as a
 * schema of its own, so that the document can say "this object, or null" in OpenAPI 3.0.
 */
export interface WithChange {
  /** The change from the previous period with figures; null for the first period with figures. */
  change: {
    /**
     * The Sonar total minus that of `fromPeriod`.
     * @isInt
     * @example 312
     */
    total: number;
    /**
     * Coverage minus that of `fromPeriod`, a ratio difference with 4 decimals; null when either has no coverage.
     * @example 0.03
     */
    coverage: number | null;
    /**
     * Profile share minus that of `fromPeriod`, a ratio difference with 4 decimals; null when either has none.
     * @example 0.0024
     */
    profileShare: number | null;
    /**
     * The period compared with: the previous one with figures.
     * @example "2026-03"
     */
    fromPeriod: string;
  } | null;
}

export type Change = NonNullable<WithChange['change']>;

/**
 * A region's totals in one period, exactly as `/regions/{region}/totals?period=` gives them, and the change.
 * @example { "period": "2026-06", "gemeenteClients": { "withProfile": 38, "withoutProfile": 1216 }, "uwvClients": { "withProfile": 3476, "withoutProfile": 3168 }, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44, "change": null }
 */
export interface RegionSeriesPoint extends Summary, WithChange {
  /** As published: what changed in the region's gemeenten or name since the point before; absent when nothing did. */
  classificationChange?: string;
  /** With `classification`: the regions (as they were then) whose gemeenten's figures were summed into this point, when not its own published totals; such a point has no register. */
  composedOf?: string[];
  /**
   * The period of the point.
   * @example "2026-06"
   */
  period: string;
}

/**
 * A region's totals per period with figures, oldest first, each with its change.
 * @example { "region": { "code": "AM05", "name": "Twente" }, "series": [ { "period": "2026-06", "gemeenteClients": { "withProfile": 38, "withoutProfile": 1216 }, "uwvClients": { "withProfile": 3476, "withoutProfile": 3168 }, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44, "change": null } ] }
 */
export interface RegionSeries {
  /** The region the series is of. */
  region: RegionRef;
  /** With `classification`: the year whose region every point is given as. */
  classification?: ClassificationYear;
  /** With `classification`: the periods that cannot be given as that year's region, with the reason and no number. */
  notComparable?: NotComparable[];
  /** The periods with figures, oldest first. */
  series: RegionSeriesPoint[];
}

/**
 * The national totals of one period, exactly as `/totals?period=` gives them, and the change.
 * @example { "period": "2026-06", "regions": 1, "regionsWithRegister": 1, "missing": [ { "code": "AM01", "name": "Groningen" }, { "code": "AM02", "name": "Friesland" } ], "gemeenteClients": { "withProfile": 38, "withoutProfile": 1216 }, "uwvClients": { "withProfile": 3476, "withoutProfile": 3168 }, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44, "change": null }
 */
export interface NationalSeriesPoint extends NationalTotals, WithChange {}

/**
 * The national totals per period with figures, oldest first, each with its change.
 * @example { "series": [ { "period": "2026-06", "regions": 1, "regionsWithRegister": 1, "missing": [ { "code": "AM01", "name": "Groningen" }, { "code": "AM02", "name": "Friesland" } ], "gemeenteClients": { "withProfile": 38, "withoutProfile": 1216 }, "uwvClients": { "withProfile": 3476, "withoutProfile": 3168 }, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44, "change": null } ] }
 */
export interface NationalSeries {
  /** The periods in which any region has figures, oldest first; `regions` and `missing` show gaps. */
  series: NationalSeriesPoint[];
}

/** A gemeente's figures in one period, exactly as its row in `/regions/{region}/gemeenten?period=`. */
export interface GemeentePeriodFigures {
  /**
   * The period of the figures.
   * @example "2026-06"
   */
  period: string;
  /** Gemeenteklanten in Sonar. */
  gemeenteClients: ClientCounts;
  /** UWV-klanten in Sonar. */
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
 * A gemeente's figures in one period, and the change; a gemeente has no register, so its ratio changes are null.
 * @example { "period": "2026-06", "gemeenteClients": { "withProfile": 3, "withoutProfile": 222 }, "uwvClients": { "withProfile": 491, "withoutProfile": 502 }, "total": 1218, "change": null }
 */
export interface GemeenteSeriesPoint extends GemeentePeriodFigures, WithChange {
  /**
   * As published: what a herindeling changed for this gemeente since the point before, e.g.
   * `Weesp (GM0457) went into Amsterdam (GM0363) on 2022-03-24`; absent when nothing changed.
   */
  classificationChange?: string;
  /**
   * As published: the region whose upload holds this point, named as in its period, when it is not the
   * gemeente's region above (Vijfheerenlanden in 2020: AM99 "Niet in te delen"); absent otherwise.
   */
  region?: RegionRef;
  /** With `classification`: the CBS codes of the period's gemeenten summed into this point, when not the gemeente alone. */
  composedOf?: string[];
}

/**
 * A period of a series in another year's classification that cannot be given: the reason, and no number.
 * @example { "period": "2020-12", "reason": "Haaren (GM0788) in 2020-12 was split over Boxtel (GM0757), Oisterwijk (GM0824), Tilburg (GM0855), Vught (GM0865) by 2021; its figures cannot be divided without address counts" }
 */
export interface NotComparable {
  /**
   * The period.
   * @example "2020-12"
   */
  period: string;
  /** Why its figures cannot be given in the classification asked for. */
  reason: string;
}

/**
 * A gemeente with the arbeidsmarktregio it belongs to.
 * @example { "code": "GM0141", "name": "Almelo", "region": { "code": "AM05", "name": "Twente" } }
 */
export interface GemeenteSummary extends GemeenteRef {
  /** The arbeidsmarktregio the gemeente belongs to. */
  region: RegionRef;
}

/**
 * A gemeente's figures per period in which its region's upload lists it, oldest first, each with its change.
 * @example { "gemeente": { "code": "GM0141", "name": "Almelo", "region": { "code": "AM05", "name": "Twente" } }, "series": [ { "period": "2026-06", "gemeenteClients": { "withProfile": 3, "withoutProfile": 222 }, "uwvClients": { "withProfile": 491, "withoutProfile": 502 }, "total": 1218, "change": null } ] }
 */
export interface GemeenteSeries {
  /** The gemeente the series is of, with its region. */
  gemeente: GemeenteSummary;
  /** With `classification`: the year whose gemeenten every point is given in. */
  classification?: ClassificationYear;
  /** With `classification`: the periods that cannot be given in it, with the reason and no number. */
  notComparable?: NotComparable[];
  /** The periods in which the region's upload lists the gemeente, oldest first. */
  series: GemeenteSeriesPoint[];
}

/**
 * All gemeenten, each with its region.
 * @example { "gemeenten": [ { "code": "GM0141", "name": "Almelo", "region": { "code": "AM05", "name": "Twente" } }, { "code": "GM0164", "name": "Hengelo (O.)", "region": { "code": "AM05", "name": "Twente" } } ] }
 */
export interface GemeenteList {
  /** The 342 gemeenten of 2026, by name. */
  gemeenten: GemeenteSummary[];
}

/**
 * A gemeente or a gemeente's part in a herindeling, with its date.
 * @example { "code": "GM0363", "name": "Amsterdam", "date": "2022-03-24" }
 */
export interface LinkedGemeente {
  /**
   * CBS code of the gemeente.
   * @example "GM0363"
   */
  code: string;
  /**
   * Its CBS name.
   * @example "Amsterdam"
   */
  name: string;
  /**
   * The day the herindeling took effect, `YYYY-MM-DD`.
   * @format date
   * @example "2022-03-24"
   */
  date: string;
}

/**
 * One gemeente with its region and its latest figures.
 * @example { "code": "GM0141", "name": "Almelo", "region": { "code": "AM05", "name": "Twente" }, "latest": { "period": "2026-06", "gemeenteClients": { "withProfile": 3, "withoutProfile": 222 }, "uwvClients": { "withProfile": 491, "withoutProfile": 502 }, "total": 1218 } }
 */
export interface GemeenteDetail extends GemeenteSummary {
  /**
   * The years whose classification lists the gemeente; given when a herindeling touched it or it is not a
   * gemeente of every year loaded (Weesp: 2019-2022).
   */
  years?: ClassificationYear[];
  /** The gemeenten that went into it, with the date; given with `years`. */
  predecessors?: LinkedGemeente[];
  /** Where it went when it was merged or split (`Weesp` went into Amsterdam on 2022-03-24); given with `years`. */
  successors?: LinkedGemeente[];
  /** Its figures in the latest period that has them; null when no upload lists it. */
  latest: {
    /**
     * The latest period in which the gemeente has figures.
     * @example "2026-06"
     */
    period: string;
    /** Gemeenteklanten in Sonar. */
    gemeenteClients: ClientCounts;
    /** UWV-klanten in Sonar. */
    uwvClients: ClientCounts;
    /**
     * Sum of the four counts: "Totaal doelgroep banenafspraken in Sonar".
     * @isInt
     * @minimum 0
     * @example 1218
     */
    total: number;
  } | null;
}

/**
 * The periods in which one region has figures.
 * @example { "region": { "code": "AM05", "name": "Twente" }, "periods": ["2026-03", "2026-06"] }
 */
export interface RegionPeriodList {
  /** The region. */
  region: RegionRef;
  /**
   * The region's periods with figures, oldest first.
   * @example ["2026-03", "2026-06"]
   */
  periods: string[];
}
