/**
 * Month of the count's reference date, `YYYY-MM`.
 * @pattern ^(19|20)\d{2}-(0[1-9]|1[0-2])$ must be a month written YYYY-MM
 * @example "2026-06"
 */
export type Period = string;
