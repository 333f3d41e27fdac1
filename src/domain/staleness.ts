/**
 * Which answers a committed write makes stale: a write touches regions in periods; an answer depends on
 * scopes. A write to one region leaves every answer that does not depend on that region and period alone.
 */

import { extended } from './extended';

/** A region's figures in one period, as a write changed them (an upload, or a withdrawal). */
export interface Touched {
  regionCode: string;
  period: string;
  /** The instant the write stored (its `uploadedAt` or `withdrawnAt`, as toInstant writes it); unknown when left out. */
  at?: string;
}

/**
 * What an answer may depend on: a region (any when left out) in a period (any when left out); `orLater`:
 * that period or any later one, for an answer about "the latest period", which a later period replaces.
 */
export interface Scope {
  regionCode?: string;
  period?: string;
  orLater?: boolean;
  /**
   * An answer as of this instant (as toInstant writes it) counts only what was stored at or before it, so a
   * write stored after it cannot change the answer, whenever it commits.
   */
  asOf?: string;
}

/** The scopes an answer depends on; a write touching none of them cannot change it. */
export type Dependency = readonly Scope[];

export const EVERYTHING: Dependency = [{}];
/** Reference data and documents: no write changes them. */
export const NOTHING: Dependency = [];

const within = (t: Touched, s: Scope): boolean =>
  (s.regionCode === undefined || s.regionCode === t.regionCode) &&
  (s.period === undefined || (s.orLater ? t.period >= s.period : t.period === s.period)) && // YYYY-MM orders as text
  (s.asOf === undefined || t.at === undefined || t.at <= s.asOf); // instants of one form order as text

export const affects = (touched: readonly Touched[], dependency: Dependency): boolean =>
  touched.some((t) => dependency.some((s) => within(t, s)));

/**
 * An answer for one period, of one region or (without a region) of all: the period answered, or that
 * period and any later one when the request named none (so it answered the latest).
 */
export const periodScope = (regionCode: string | undefined, answered: string, asked: string | undefined): Dependency =>
  [{ regionCode, period: answered, orLater: asked === undefined }];

/**
 * What the answer to the same request may depend on at a later version, from what it depended on once: an
 * answer for the latest period may come to be for an earlier one (a withdrawal moves it back), so its scope
 * covers every period of its region.
 */
export const forAnyLatest = (dependency: Dependency): Dependency =>
  dependency.map((scope) => (scope.orLater ? { regionCode: scope.regionCode, asOf: scope.asOf } : scope));

/** An answer over every period of a region (its series, its periods), or of several (a gemeente's, from each region that held it). */
export const regionScope = (...regionCodes: string[]): Dependency => regionCodes.map((regionCode) => ({ regionCode }));

/** The dependency of an answer as of an instant (none: as of now), which no write stored after it changes. */
export const asOfThen = (dependency: Dependency, asOf: string | undefined): Dependency =>
  (asOf === undefined ? dependency : dependency.map((scope) => extended(scope, { asOf })));

/** How many changes a change log remembers; a reader further behind counts everything as changed. */
const REMEMBERED = 1000;

/**
 * The changes made since a version: each raises the version and says what it touched, or (undefined)
 * that anything may have changed (another process's commit whose scope is unknown).
 */
export class ChangeLog {
  version = 0;
  private readonly changes: Array<readonly Touched[] | undefined> = [];
  /** The version before the oldest change remembered. */
  private base = 0;

  record(touched?: readonly Touched[]): void {
    this.changes.push(touched);
    this.version++;
    if (this.changes.length > REMEMBERED) {
      this.changes.shift();
      this.base++;
    }
  }

  /** What the changes after `version` touched; undefined when that is unknown. */
  since(version: number): Touched[] | undefined {
    if (version < this.base) return undefined;
    const touched: Touched[] = [];
    for (let i = version - this.base; i < this.changes.length; i++) {
      const change = this.changes[i];
      if (change === undefined) return undefined;
      touched.push(...change);
    }
    return touched;
  }
}
