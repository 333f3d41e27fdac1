import { invalid } from './errors';

/** RFC 3339 date-time; the time-offset may arrive with a space for its `+` (an unencoded `+` in a URL). */
const RFC_3339 = /^([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?([Zz]|[+ -][0-9]{2}:[0-9]{2})$/;

const daysIn = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/**
 * The instant in the form uploads store theirs (`Date#toISOString`, UTC, milliseconds), so that it compares
 * with them as text; undefined for anything that is not an RFC 3339 instant (`2026-02-30`, no offset).
 */
export function toInstant(value: string): string | undefined {
  const m = RFC_3339.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = m[8].toUpperCase() === 'Z' ? 'Z' : `${m[8][0] === '-' ? '-' : '+'}${m[8].slice(1)}`;
  const [oh, om] = offset === 'Z' ? [0, 0] : offset.slice(1).split(':').map(Number);
  if (oh > 23 || om > 59) return undefined;
  // Digits beyond milliseconds are cut, not rounded: an upload at .123 was made at or before .1239.
  const fraction = (m[7] ?? '.000').slice(1, 4).padEnd(3, '0');
  const time = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${fraction}${offset}`);
  if (Number.isNaN(time)) return undefined;
  // An offset can push 9999-12-31 past year 9999, which toISOString writes `+010000-…`: it would sort
  // below every stored instant as text.
  const instant = new Date(time).toISOString();
  return /^[0-9]{4}-/.test(instant) ? instant : undefined;
}

/** `asOf` of a read, normalized; a 400 naming it when it is no RFC 3339 instant. */
export function asOfInstant(asOf: string | undefined): string | undefined {
  if (asOf === undefined) return undefined;
  const instant = toInstant(asOf);
  if (instant === undefined) {
    throw invalid('asOf must be an RFC 3339 instant, such as 2026-07-01T12:00:00Z.', [
      { field: 'asOf', detail: 'must be an RFC 3339 instant with a time offset, such as 2026-07-01T12:00:00Z or 2026-07-01T14:00:00+02:00', found: asOf },
    ]);
  }
  return instant;
}
