import { invalid } from './errors';

/**
 * A period is the month of a count's reference date, `YYYY-MM`: general enough for quarters, and sortable.
 * Callers may also write a quarter, as SDMX (`2026-Q2`) or CBS (`2026KW02`) do; a quarter means its last
 * month (`2026-06`), since UWV publishes per quarter with the quarter's end as reference date.
 */
export const PERIOD_PATTERN = /^(19|20)[0-9]{2}-(0[1-9]|1[0-2])$/;

/** Every notation a period may be written in; the source of the `@pattern` of periods in the document. */
export const PERIOD_NOTATION_PATTERN = /^(19|20)[0-9]{2}(-(0[1-9]|1[0-2])|-Q[1-4]|KW0[1-4])$/;

export const PERIOD_NOTATIONS = 'a month written YYYY-MM, or a quarter written YYYY-Qn or YYYYKWnn';

/** Whether the value is a period in its canonical form, `YYYY-MM`. */
export function isPeriod(value: string): boolean {
  return PERIOD_PATTERN.test(value);
}

/** The canonical `YYYY-MM` of a period in any accepted notation, or undefined when it is none. */
export function toPeriod(value: string): string | undefined {
  if (!PERIOD_NOTATION_PATTERN.test(value)) return undefined;
  if (isPeriod(value)) return value;
  const quarter = Number(value.slice(-1));
  return `${value.slice(0, 4)}-${String(quarter * 3).padStart(2, '0')}`;
}

/** The canonical `YYYY-MM` of a period a request gives; a 400 naming `field` when it is no period. */
export function periodOf(value: string, field = 'query.period'): string {
  const canonical = toPeriod(value);
  if (canonical === undefined) throw invalid(`The period must be ${PERIOD_NOTATIONS}.`, [{ field, detail: `must be ${PERIOD_NOTATIONS}, e.g. 2026-06 or 2026-Q2`, found: value }]);
  return canonical;
}
