/**
 * Counts as the publication prints them: plain digits ("3", "1218") or digits in groups of three separated
 * by dots ("1.218"). Spreadsheets and csv-parse would read "1.218" as 1.218; here it is 1218, and anything
 * else ("1.2", "1,218", "12a", "") is no count at all.
 */
export const NOT_A_COUNT = -1;

/** The count written in `text` (already trimmed), or NOT_A_COUNT. No allocation: it runs for every cell. */
export function parseDutchInteger(text: string): number {
  const length = text.length;
  if (length === 0 || length > 15) return NOT_A_COUNT; // 15 characters hold any safe integer with dots
  let value = 0;
  let group = 0; // digits since the last dot
  let dotted = false;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      value = value * 10 + (c - 48);
      group++;
    } else if (c === 46 && (dotted ? group === 3 : group >= 1 && group <= 3 && text.charCodeAt(0) !== 48)) {
      // "0.218" is a decimal fraction, not 218
      dotted = true;
      group = 0;
    } else {
      return NOT_A_COUNT;
    }
  }
  return dotted && group !== 3 ? NOT_A_COUNT : value;
}

/** Why `text` is no count, in words a person filling in the table understands. */
export function whyNotACount(text: string): string {
  if (text === '') return 'is empty; a count belongs here';
  if (/^-\s*[\d.,]+$/.test(text)) return 'must not be negative';
  if (/^[\d.]*,[\d.,]*$/.test(text)) return 'has a comma: counts are whole numbers, written 1218 or 1.218';
  if (/^[\d.]+$/.test(text)) return 'is not a whole number: a dot only separates thousands, in groups of three (1.218)';
  return 'is not a count: write a whole number, 1218 or 1.218';
}

/** 1218 as the publication prints it, 1.218. */
export function formatDutchInteger(value: number): string {
  return String(value).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
}
