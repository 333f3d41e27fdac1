/** What the series, gemeenten and region-period reads answer. These interfaces are the API's response schemas. */
import { ClientCounts, Summary } from './figures';
import { GemeenteRef, RegionRef } from './reference';
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

/** A region's totals in one period, exactly as `/regions/{region}/totals?period=` gives them, and the change. */
export interface RegionSeriesPoint extends Summary, WithChange {
  /**
   * The period of the point.
   * @example "2026-06"
   */
  period: string;
}

/** A region's totals per period with figures, oldest first, each with its change. */
export interface RegionSeries {
  /** The region the series is of. */
  region: RegionRef;
  /** The periods with figures, oldest first. */
  series: RegionSeriesPoint[];
}

/** The national totals of one period, exactly as `/totals?period=` gives them, and the change. */
export interface NationalSeriesPoint extends NationalTotals, WithChange {}

/** The national totals per period with figures, oldest first, each with its change. */
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

/** A gemeente's figures in one period, and the change; a gemeente has no register, so its ratio changes are null. */
export interface GemeenteSeriesPoint extends GemeentePeriodFigures, WithChange {}

/** A gemeente with the arbeidsmarktregio it belongs to. */
export interface GemeenteSummary extends GemeenteRef {
  /** The arbeidsmarktregio the gemeente belongs to. */
  region: RegionRef;
}

/** A gemeente's figures per period in which its region's upload lists it, oldest first, each with its change. */
export interface GemeenteSeries {
  /** The gemeente the series is of, with its region. */
  gemeente: GemeenteSummary;
  /** The periods in which the region's upload lists the gemeente, oldest first. */
  series: GemeenteSeriesPoint[];
}

/** All gemeenten, each with its region. */
export interface GemeenteList {
  /** The 342 gemeenten of 2026, by name. */
  gemeenten: GemeenteSummary[];
}

/** One gemeente with its region and its latest figures. */
export interface GemeenteDetail extends GemeenteSummary {
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

/** The periods in which one region has figures. */
export interface RegionPeriodList {
  /** The region. */
  region: RegionRef;
  /**
   * The region's periods with figures, oldest first.
   * @example ["2026-03", "2026-06"]
   */
  periods: string[];
}
