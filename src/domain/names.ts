/**
 * Forgiving name matching. Publications write "Hengelo" for CBS's "Hengelo (O.)", "Den Haag" for
 * "'s-Gravenhage", drop diacritics and vary case and spacing; matching is only ever done within one
 * region (or among the 35 regions), where these simplifications never make two names collide.
 */

/** Everyday names that differ from the CBS name by more than spelling. Keys and values are normalized. */
const ALIASES: ReadonlyMap<string, string> = new Map([
  ['den haag', 'gravenhage'],
  ['den bosch', 'hertogenbosch'],
]);

export function normalizeName(name: string): string {
  const plain = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .trim()
    .replace(/[\u2018\u2019\u0060\u00b4]/g, "'")
    .replace(/\(\s*[a-z]{1,3}\s*\.?\s*\)/g, ' ') // CBS province suffix: (O.), (NH.), (L.), (ZH.)
    .replace(/^'?s[- ]/, '') // 's-Gravenhage, s-Hertogenbosch
    .replace(/[-_/.,]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return ALIASES.get(plain) ?? plain;
}

/** Edit distance, for suggestions only. */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return prev[b.length];
}

/** Looks names up the way a person reading the publication would. */
export class NameIndex<T extends { name: string }> {
  private readonly byName = new Map<string, T>();

  constructor(private readonly items: readonly T[]) {
    for (const item of items) this.byName.set(normalizeName(item.name), item);
  }

  find(name: string): T | undefined {
    return this.byName.get(normalizeName(name));
  }

  /** The closest names, best first; at most `limit`. None for text too long to be a name. */
  suggest(name: string, limit = 3): string[] {
    if (name.length > 100) return [];
    const wanted = normalizeName(name);
    return this.items
      .map((item) => {
        const candidate = normalizeName(item.name);
        // A prefix is the closest; a whole word of the name ("Zwolle" in "Regio Zwolle") comes next.
        const score = candidate.startsWith(wanted) || wanted.startsWith(candidate) ? 0
          : wanted.length >= 3 && ` ${candidate} `.includes(` ${wanted} `) ? 1
            : distance(wanted, candidate);
        return { name: item.name, score };
      })
      .filter((s) => s.score <= Math.max(3, Math.floor(wanted.length / 2)))
      .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
      .slice(0, limit)
      .map((s) => s.name);
  }
}
