/** A period is the month of a count's reference date, `YYYY-MM`: general enough for quarters, and sortable. */
export const PERIOD_PATTERN = /^(19|20)\d{2}-(0[1-9]|1[0-2])$/;

export function isPeriod(value: string): boolean {
  return PERIOD_PATTERN.test(value);
}
