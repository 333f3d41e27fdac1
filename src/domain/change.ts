/** The arithmetic of a series: changes between periods, and the SDMX selection of observations. Pure. */
import { extended, Extended } from './extended';
import { Change } from './series-views';

/** What a change is computed from: a period's total and its ratios (4 decimals, as the reads give them). */
export interface Observation {
  period: string;
  total: number;
  coverage: number | null;
  profileShare: number | null;
}

const SCALE = 10_000;

/**
 * `to - from` for ratios of 4 decimals, computed on the integers they stand for (0.7615 → 7615), so that
 * the difference is exact: 0.7615 - 0.7314 is 0.030099999999999905 in floating point, 0.0301 here.
 */
export function ratioDifference(from: number | null, to: number | null): number | null {
  if (from === null || to === null) return null;
  return (Math.round(to * SCALE) - Math.round(from * SCALE)) / SCALE;
}

export function changeBetween(from: Observation, to: Observation): Change {
  return {
    total: to.total - from.total,
    coverage: ratioDifference(from.coverage, to.coverage),
    profileShare: ratioDifference(from.profileShare, to.profileShare),
    fromPeriod: from.period,
  };
}

/** A point's change from the point before it; none for the first point. */
export const changeFrom = (before: Observation | undefined, point: Observation): Change | null => (before === undefined ? null : changeBetween(before, point));

/** Each point with its change from the point before it (the points are the periods with figures, oldest first). */
export function withChanges<T extends Observation>(points: readonly T[]): Array<Extended<T, { change: Change | null }>> {
  return points.map((point, i) => extended(point, { change: changeFrom(points[i - 1], point) }));
}

/** The filters of an SDMX data query, periods in their canonical form. */
export interface Selection {
  startPeriod?: string;
  endPeriod?: string;
  lastNObservations?: number;
}

/** As SDMX selects: periods from startPeriod to endPeriod, both inclusive, then the last N of those. */
export function selectObservations<T extends { period: string }>(points: readonly T[], selection: Selection): T[] {
  const { startPeriod, endPeriod, lastNObservations } = selection;
  const inRange = points.filter((p) => (startPeriod === undefined || p.period >= startPeriod) && (endPeriod === undefined || p.period <= endPeriod));
  return lastNObservations === undefined ? inRange : inRange.slice(Math.max(0, inRange.length - lastNObservations));
}
