// The four counts the publication gives per gemeente, and the arithmetic derived from them.

/**
 * Clients of one kind in Sonar, with and without a klantprofiel.
 * @example { "withProfile": 491, "withoutProfile": 502 }
 */
export interface ClientCounts {
  /**
   * Clients with a klantprofiel ("Profiel in Sonar"): findable in the kandidatenverkenner.
   * @isInt
   * @minimum 0
   * @example 491
   */
  withProfile: number;
  /**
   * Clients without a klantprofiel ("Geen profiel in Sonar").
   * @isInt
   * @minimum 0
   * @example 502
   */
  withoutProfile: number;
}

/** The four counts of a row of the publication. */
export interface Counts {
  /** Gemeenteklanten: clients supported by the gemeente. */
  gemeenteClients: ClientCounts;
  /** UWV-klanten: clients supported by UWV. */
  uwvClients: ClientCounts;
}

export interface Ratio {
  /** Between 0 and 1, 4 decimals; null when the denominator is missing or zero. */
  value: number | null;
  /** The whole percentage the publication prints. */
  percent: number | null;
}

export const ZERO_COUNTS: Counts = Object.freeze({
  gemeenteClients: Object.freeze({ withProfile: 0, withoutProfile: 0 }),
  uwvClients: Object.freeze({ withProfile: 0, withoutProfile: 0 }),
});

/** "Totaal doelgroep banenafspraken in Sonar": never stored, always derived. */
export function rowTotal(c: Counts): number {
  return c.gemeenteClients.withProfile + c.gemeenteClients.withoutProfile + c.uwvClients.withProfile + c.uwvClients.withoutProfile;
}

export function withProfile(c: Counts): number {
  return c.gemeenteClients.withProfile + c.uwvClients.withProfile;
}

export function sumCounts(rows: readonly Counts[]): Counts {
  let gw = 0, gwo = 0, uw = 0, uwo = 0;
  for (const r of rows) {
    gw += r.gemeenteClients.withProfile;
    gwo += r.gemeenteClients.withoutProfile;
    uw += r.uwvClients.withProfile;
    uwo += r.uwvClients.withoutProfile;
  }
  return { gemeenteClients: { withProfile: gw, withoutProfile: gwo }, uwvClients: { withProfile: uw, withoutProfile: uwo } };
}

export function ratio(numerator: number, denominator: number | null): Ratio {
  if (denominator === null || denominator === 0) return { value: null, percent: null };
  // Scale before dividing: 23/40 is 0.575 exactly, but 0.575 * 100 is 57.49999… in floating point.
  return { value: Math.round((numerator * 10_000) / denominator) / 10_000, percent: Math.round((numerator * 100) / denominator) };
}

/**
 * What a TOTAAL row says about a set of gemeenten, with the register it is measured against.
 * @example {"gemeenteClients": {"withProfile": 38, "withoutProfile": 1216}, "uwvClients": {"withProfile": 3476, "withoutProfile": 3168}, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44}
 */
export interface Summary extends Counts {
  /**
   * "Totaal doelgroep banenafspraken in Sonar": the sum of the four counts.
   * @isInt
   * @minimum 0
   * @example 7898
   */
  total: number;
  /**
   * Size of the doelgroepregister banenafspraken the total is measured against; null when no register was uploaded.
   * @isInt
   * @minimum 0
   * @example 10371
   */
  registerTotal: number | null;
  /**
   * Coverage: total / registerTotal, between 0 and 1 with 4 decimals; null without a register (or with a register of 0).
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
   * Profile share: clients with a klantprofiel (gemeente and UWV) / total, between 0 and 1 with 4 decimals; null when the total is 0.
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
 * Totals of some gemeenten against a register. `coveredTotal` is the part of the Sonar total that the
 * register covers: all of it for a region, only the regions with a register for the country.
 */
export function summarize(rows: readonly Counts[], registerTotal: number | null, coveredTotal?: number): Summary {
  const counts = sumCounts(rows);
  const total = rowTotal(counts);
  const coverage = ratio(coveredTotal ?? total, registerTotal);
  const profileShare = ratio(withProfile(counts), total);
  return {
    gemeenteClients: counts.gemeenteClients,
    uwvClients: counts.uwvClients,
    total,
    registerTotal,
    coverage: coverage.value,
    coveragePercent: coverage.percent,
    profileShare: profileShare.value,
    profileSharePercent: profileShare.percent,
  };
}
