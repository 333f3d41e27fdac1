/**
 * Series that stay comparable across herindelingen: which gemeenten of a period make up a gemeente of
 * another year's classification. Merged gemeenten are summed into their successor; a gemeente that was
 * split, or a period's gemeente that is several of the target year's together, cannot be divided without
 * address counts, so such a period is not comparable: it gets a reason and no number, never a guess.
 */
import { Classifications, Herindeling } from './classification';

const lastDayOf = (period: string): string => {
  const [year, month] = period.split('-').map(Number);
  return `${period}-${String(new Date(Date.UTC(year, month, 0)).getUTCDate()).padStart(2, '0')}`;
};

/** The gemeenten connected to `code` by herindelingen, itself included. */
export function connected(herindelingen: readonly Herindeling[], code: string): string[] {
  const found = new Set([code]);
  for (let grew = true; grew;) {
    grew = false;
    for (const h of herindelingen) {
      if (found.has(h.oldCode) !== found.has(h.newCode)) {
        found.add(h.oldCode);
        found.add(h.newCode);
        grew = true;
      }
    }
  }
  return [...found];
}

/**
 * What gemeente `code`, as it was on `from`, is on `to`: its successors when `to` is later, the gemeenten
 * that went into it when `to` is earlier.
 */
export function relatedOn(herindelingen: readonly Herindeling[], code: string, from: string, to: string): string[] {
  let codes = [code];
  const forward = from < to;
  const steps = herindelingen.filter((h) => (forward ? h.date > from && h.date <= to : h.date > to && h.date <= from));
  const dates = [...new Set(steps.map((h) => h.date))].sort();
  for (const date of forward ? dates : dates.reverse()) {
    const on = steps.filter((h) => h.date === date);
    codes = [...new Set(codes.flatMap((c) => {
      const next = forward ? on.filter((h) => h.oldCode === c).map((h) => h.newCode) : on.filter((h) => h.newCode === c).map((h) => h.oldCode);
      return next.length ? next : [c];
    }))];
  }
  return codes;
}

export type Composition = { codes: string[] } | { notComparable: string };

/**
 * Which of `candidates` (with figures in `period`) make up `target` of year `year`: their figures sum to
 * the target's; or why the period is not comparable.
 */
export function compositionOf(classifications: Classifications, target: string, year: number, period: string, candidates: readonly string[]): Composition {
  const from = lastDayOf(period);
  const to = `${year}-01-01`;
  const codes: string[] = [];
  const name = (code: string) => `${classifications.life(code)?.name ?? code} (${code})`;
  for (const code of candidates) {
    const related = relatedOn(classifications.herindelingen, code, from, to);
    if (!related.includes(target)) continue;
    if (related.length > 1) {
      const others = related.map(name).join(', ');
      return {
        notComparable: from < to
          ? `${name(code)} in ${period} was split over ${others} by ${year}; its figures cannot be divided without address counts`
          : `${name(code)} in ${period} is ${others} of ${year} together; its figures cannot be divided without address counts`,
      };
    }
    codes.push(code);
  }
  return { codes };
}

/** What changed for the gemeenten `codes` between two periods: the herindelingen between their last days. */
export function changeBetween(herindelingen: readonly Herindeling[], codes: readonly string[], previous: string, period: string): string | undefined {
  const from = lastDayOf(previous);
  const to = lastDayOf(period);
  const rows = herindelingen.filter((h) => h.date > from && h.date <= to && h.oldCode !== h.newCode && (codes.includes(h.oldCode) || codes.includes(h.newCode)));
  if (rows.length === 0) return undefined;
  const byNew = new Map<string, Herindeling[]>();
  for (const h of rows) byNew.set(`${h.date} ${h.newCode}`, [...(byNew.get(`${h.date} ${h.newCode}`) ?? []), h]);
  return [...byNew.values()].map((hs) => `${hs.map((h) => `${h.oldName} (${h.oldCode})`).join(', ')} went into ${hs[0].newName} (${hs[0].newCode}) on ${hs[0].date}`).join('; ');
}
