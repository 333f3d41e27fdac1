import { FiguresStore } from './ports';
import { ReferenceData } from './reference';
import { Touched } from './staleness';
import { Classifications } from './classification';

/**
 * What a use case needs, and nothing of HTTP: the store, the reference data, the clock, and a way to say
 * that the figures changed (so that cached answers are derived again). Each use case is a small module of
 * functions taking this context; `SonarService` is one.
 */
export interface UseCaseContext {
  readonly store: FiguresStore;
  /** The classification of today (the latest year loaded at or before the clock's year). */
  readonly reference: ReferenceData;
  /** Every year's classification: a period's figures are read and checked in the one in force then. */
  readonly classifications: Classifications;
  readonly clock: () => Date;
  /**
   * The figures' version, as the kept answers see it: grows at once with every commit this process makes,
   * and with another process's commit once noticed (its notification, or the version check). What was read
   * from the store at one version is kept under it, and read again when it grows.
   */
  readonly version: number;
  /** Call after every committed write, before its answer is sent, with the regions and periods it wrote. */
  figuresChanged(touched: readonly Touched[]): void;
}
