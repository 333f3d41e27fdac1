/**
 * Every year as it was: the gemeenten and regions of each year loaded, the herindelingen between them, and
 * which year's map a period uses. A period uses the classification in force on its last day: that of its
 * year (gemeenten on 1 January), with the herindelingen of that year dated on or before the period's last
 * day applied (Weesp is a gemeente in 2022-02 and part of Amsterdam from 2022-03, since it joined on
 * 24 March 2022).
 */
import { DomainError } from './errors';
import { extended } from './extended';
import { GemeenteRef, labelOf, ReferenceData, Region } from './reference';

/** Where a year's classification comes from. Region membership is CBS's own table or derived from another year. */
export type Membership = 'cbs' | 'derived';

export interface YearSource {
  year: number;
  /** Where the year's gemeenten (codes, names) come from. */
  gemeentenSource: string;
  membership: Membership;
  /** Where the year's region membership comes from; derived: how. */
  membershipSource: string;
  loadedAt: string;
  loadedBy: string;
}

export interface YearClassification extends YearSource {
  /** The year's regions, by code, each with its gemeenten by name. */
  regions: Region[];
}

/** One gemeente's part in a herindeling: `oldCode` went (wholly or partly) into `newCode` on `date`. */
export interface Herindeling {
  /** `YYYY-MM-DD`. */
  date: string;
  oldCode: string;
  oldName: string;
  newCode: string;
  newName: string;
}

/** A gemeente or region code with its name and the date of the change that links it. */
export interface Linked {
  code: string;
  name: string;
  /** `YYYY-MM-DD`. */
  date: string;
}

/** What the years say of one gemeente code. */
export interface GemeenteLife {
  code: string;
  /** Its latest name. */
  name: string;
  /** The years whose classification lists it, in order. */
  years: number[];
  /** The region it belonged to in its latest year. */
  region: { code: string; name: string };
  /** Every region that held it in a year loaded, oldest first (Vijfheerenlanden: AM99, then AM35). */
  regions: string[];
  /** The gemeenten that went into it, with the date (not itself when it continued). */
  predecessors: Linked[];
  /** Where it went when it was abolished or split; empty while it exists. */
  successors: Linked[];
}

/** The years loaded and when: equal stamps, equal classifications (a year is only ever written whole, with its time). */
export const classificationStamp = (years: ReadonlyArray<Pick<YearSource, 'year' | 'loadedAt'>>): string => years.map((y) => `${y.year}@${y.loadedAt}`).join(' ');

const lastDayOf = (period: string): string => {
  const [year, month] = period.split('-').map(Number);
  const day = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${period}-${String(day).padStart(2, '0')}`;
};

/** All years loaded, immutable once built; the service builds a new one when an operator loads a year. */
export class Classifications {
  private readonly byYear = new Map<number, { source: YearSource; reference: ReferenceData }>();
  private readonly byPeriod = new Map<string, ReferenceData>();
  private readonly lives = new Map<string, GemeenteLife>();

  /** One map for every period: for a service given reference data alone (tests of other concerns). */
  static only(reference: ReferenceData, year: number): Classifications {
    const source = { year, gemeentenSource: 'given', membership: 'cbs' as const, membershipSource: 'given', loadedAt: '', loadedBy: '' };
    const one = new Classifications([extended(source, { regions: [...reference.regions] })], []);
    one.everyYear = reference;
    return one;
  }

  private everyYear: ReferenceData | undefined;

  constructor(years: readonly YearClassification[], readonly herindelingen: readonly Herindeling[]) {
    for (const { regions, ...source } of [...years].sort((a, b) => a.year - b.year)) {
      this.byYear.set(source.year, { source, reference: new ReferenceData(regions) });
    }
    for (const [year, { reference }] of this.byYear) {
      for (const region of reference.regions) {
        for (const g of region.gemeenten) {
          const life = this.lives.get(g.code) ?? { code: g.code, name: g.name, years: [], region: { code: region.code, name: region.name }, regions: [], predecessors: [], successors: [] };
          life.years.push(year);
          if (!life.regions.includes(region.code)) life.regions.push(region.code);
          life.name = g.name;
          life.region = { code: region.code, name: region.name };
          this.lives.set(g.code, life);
        }
      }
    }
    for (const h of herindelingen) {
      if (h.oldCode === h.newCode) continue;
      this.lives.get(h.newCode)?.predecessors.push({ code: h.oldCode, name: h.oldName, date: h.date });
      this.lives.get(h.oldCode)?.successors.push({ code: h.newCode, name: h.newName, date: h.date });
    }
  }

  get years(): YearSource[] {
    return [...this.byYear.values()].map((y) => y.source);
  }

  /** The year's classification (gemeenten on 1 January); a 400 naming the years loaded when it has none. */
  year(year: number, field = 'query.year'): ReferenceData {
    const found = this.byYear.get(year)?.reference;
    if (!found) throw this.noClassification(year, field);
    return found;
  }

  has(year: number): boolean {
    return this.everyYear !== undefined || this.byYear.has(year);
  }

  /** The latest year loaded at or before `year`, else the first: what reads without a period or year use. */
  current(year: number): ReferenceData {
    const loaded = [...this.byYear.keys()];
    const chosen = loaded.filter((y) => y <= year).at(-1) ?? loaded[0];
    return this.year(chosen);
  }

  /** The classification in force on the period's (`YYYY-MM`) last day; a 400 when its year has none. */
  forPeriod(period: string, field = 'period'): ReferenceData {
    if (this.everyYear) return this.everyYear;
    const known = this.byPeriod.get(period);
    if (known) return known;
    const year = Number(period.slice(0, 4));
    const base = this.year(year, field);
    const last = lastDayOf(period);
    const within = this.herindelingen.filter((h) => h.date.startsWith(`${year}-`) && h.date !== `${year}-01-01` && h.date <= last);
    const reference = within.length === 0 ? base : new ReferenceData(applied(base, within, this.byYear.get(year + 1)?.reference));
    this.byPeriod.set(period, reference);
    return reference;
  }

  /** The period's classification, or `fallback` (today's) when its year has none. */
  forPeriodOr(period: string, fallback: ReferenceData): ReferenceData {
    return this.has(Number(period.slice(0, 4))) ? this.forPeriod(period) : fallback;
  }

  /**
   * A region as today's map names it, else as the latest year that had it (AM99 "Niet in te delen" of
   * 2019-2020): its figures stay readable after the region is gone. Today's 404 when no year knows it.
   */
  regionOfAnyYear(key: string, today: ReferenceData): Region {
    const found = today.findRegion(key) ?? [...this.byYear.values()].reverse().map((y) => y.reference.findRegion(key)).find((r) => r !== undefined);
    return found ?? today.region(key);
  }

  /** A gemeente code as all years know it. */
  life(code: string): GemeenteLife | undefined {
    return this.lives.get(code);
  }

  /** Every gemeente of any year that a key names by CBS code or name (latest name or any year's). */
  livesNamed(key: string): GemeenteLife[] {
    const found = new Map<string, GemeenteLife>();
    for (const { reference } of this.byYear.values()) {
      for (const { gemeente } of reference.gemeentenNamed(key)) {
        const life = this.lives.get(gemeente.code);
        if (life) found.set(life.code, life);
      }
    }
    return [...found.values()];
  }

  /**
   * Why a gemeente named `key` is no gemeente in `period`, when another year knows it: it was merged or
   * split away before, or formed after. Undefined otherwise.
   */
  whyNotIn(period: string, key: string): string | undefined {
    const last = lastDayOf(period);
    for (const life of this.livesNamed(key)) {
      const label = labelOf(life);
      const gone = life.successors.filter((s) => s.date <= last);
      if (gone.length > 0) {
        const into = gone.map(labelOf).join(', ');
        return gone.length === 1 ? `${label} merged into ${into} on ${gone[0].date}; use ${gone[0].name} for ${period}`
          : `${label} was split over ${into} on ${gone[0].date}; use those gemeenten for ${period}`;
      }
      const formed = life.predecessors.filter((p) => p.date > last);
      const from = formed[0]?.date ?? (life.years[0] > Number(period.slice(0, 4)) ? `${life.years[0]}-01-01` : undefined);
      if (from) {
        const of = formed.length ? ` (formed from ${formed.map(labelOf).join(', ')})` : '';
        return `${label} exists from ${from}${of}; in ${period} use ${formed.length ? formed.map((p) => p.name).join(', ') : 'the gemeenten of then'}`;
      }
    }
    return undefined;
  }

  private noClassification(year: number, field: string): DomainError {
    const years = [...this.byYear.keys()];
    const range = years.length ? `${years[0]}–${years.at(-1)}` : 'none';
    const detail = `No classification of gemeenten and regions is loaded for ${year}; loaded: ${range}. `
      + `An operator loads a year with: npm run classification -- load --year ${year} --gemeenten gemeenten-${year}.csv --herindelingen herindelingen-${year}.csv`;
    return new DomainError('invalid', 'Invalid input', detail, [{ field, detail: `has no classification loaded; years loaded: ${range}`, found: String(year) }]);
  }
}

/**
 * The regions of a year's classification after herindelingen dated within the year: the old gemeenten go,
 * a new one comes in the region the next year gives it (else its first predecessor's).
 */
function applied(base: ReferenceData, changes: readonly Herindeling[], next: ReferenceData | undefined): Region[] {
  const gone = new Set(changes.filter((h) => h.oldCode !== h.newCode).map((h) => h.oldCode));
  const present = new Set(base.regions.flatMap((r) => r.gemeenten.map((g) => g.code)));
  const added = new Map<string, GemeenteRef[]>();
  for (const h of changes) {
    if (present.has(h.newCode) || [...added.values()].some((l) => l.some((g) => g.code === h.newCode))) continue;
    const home = next?.gemeentenNamed(h.newCode)[0]?.region.code ?? base.gemeentenNamed(h.oldCode)[0]?.region.code;
    if (home) added.set(home, [...(added.get(home) ?? []), { code: h.newCode, name: h.newName }]);
  }
  return base.regions.map((r) => ({
    code: r.code,
    name: r.name,
    gemeenten: [...r.gemeenten.filter((g) => !gone.has(g.code)), ...(added.get(r.code) ?? [])].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  }));
}
