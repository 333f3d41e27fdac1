import { DomainError, ProblemItem } from './errors';
import { Counts, rowTotal, summarize, Summary } from './figures';
import { isPeriod } from './period';
import { GemeenteRef, ReferenceData, Region } from './reference';

/** No gemeente or region comes near this; a larger count is a typing error (or an attack). */
export const MAX_COUNT = 10_000_000;

/**
 * Clients of one kind with and without a klantprofiel.
 */
export interface ClientCountsInput {
  /**
   * @isInt must be a whole number
   * @minimum 0 must not be negative
   * @maximum 10000000 is larger than any real count
   */
  withProfile: number;
  /**
   * @isInt must be a whole number
   * @minimum 0 must not be negative
   * @maximum 10000000 is larger than any real count
   */
  withoutProfile: number;
}

/** The figures of one gemeente, as a row of the publication. */
export interface GemeenteFiguresInput {
  /**
   * CBS code (`GM0141`) or name as publications write it (`Hengelo` finds `Hengelo (O.)`).
   * @minLength 1
   * @example "Almelo"
   */
  gemeente: string;
  /** Gemeenteklanten in Sonar. */
  gemeenteClients: ClientCountsInput;
  /** UWV-klanten in Sonar. */
  uwvClients: ClientCountsInput;
  /**
   * "Totaal doelgroep banenafspraken in Sonar". Optional; when given it must equal the sum of the four counts.
   * @isInt must be a whole number
   * @minimum 0 must not be negative
   * @maximum 40000000 is larger than any real count
   */
  total?: number;
}

/** The figures of one arbeidsmarktregio for one period. */
export interface UploadRequest {
  /**
   * Month of the count's reference date.
   * @pattern ^(19|20)\d{2}-(0[1-9]|1[0-2])$ must be a month written YYYY-MM
   * @example "2026-06"
   */
  period: string;
  /**
   * CBS code (`AM05`), name (`Twente`) or the publication's label (`28 Twente`).
   * @minLength 1
   * @example "Twente"
   */
  region: string;
  /**
   * Size of the region's doelgroepregister banenafspraken; without it coverage is null.
   * @isInt must be a whole number
   * @minimum 0 must not be negative
   * @maximum 40000000 is larger than any real register
   */
  registerTotal?: number;
  /**
   * One entry per gemeente; gemeenten left out are reported as missing.
   * @minItems 1 must list at least one gemeente
   * @maxItems 100 no region has that many gemeenten
   */
  gemeenten: GemeenteFiguresInput[];
}

export type FigureField =
  | 'gemeente'
  | 'gemeenteClients.withProfile'
  | 'gemeenteClients.withoutProfile'
  | 'uwvClients.withProfile'
  | 'uwvClients.withoutProfile'
  | 'total';

/** Where a problem sits in the caller's input: a JSON path by default, a table cell for file uploads. */
export interface Locator {
  upload(field: 'period' | 'region' | 'registerTotal' | 'gemeenten'): Omit<ProblemItem, 'detail'>;
  row(index: number, field: FigureField): Omit<ProblemItem, 'detail'>;
}

export const jsonLocator = (prefix = ''): Locator => ({
  upload: (field) => ({ field: prefix + field }),
  row: (index, field) => ({ field: `${prefix}gemeenten[${index}].${field}` }),
});

export interface GemeenteCounts extends GemeenteRef, Counts {}

/** An upload whose every figure checked out, with its gemeenten resolved to CBS codes. */
export interface ValidUpload {
  period: string;
  region: Region;
  registerTotal: number | null;
  rows: GemeenteCounts[];
  warnings: string[];
}

const COUNT_FIELDS = [
  ['gemeenteClients', 'withProfile'],
  ['gemeenteClients', 'withoutProfile'],
  ['uwvClients', 'withProfile'],
  ['uwvClients', 'withoutProfile'],
] as const;

function countProblem(value: unknown, max: number): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be a whole number';
  if (value < 0) return 'must not be negative';
  if (value > max) return `is larger than any real count (at most ${max})`;
  return undefined;
}

/**
 * Checks an upload against itself and the reference data and lists every problem at once.
 * Shapes are checked at the edge already; the counts are checked again here because the domain may be
 * called with input that never passed that edge (tables, scripts).
 */
export function validateUpload(input: UploadRequest, reference: ReferenceData, at: Locator = jsonLocator()): ValidUpload {
  const problems: ProblemItem[] = [];
  const report = (location: Omit<ProblemItem, 'detail'>, detail: string, found?: unknown, suggestions?: string[]) =>
    problems.push({ ...location, detail, ...(found === undefined ? {} : { found: String(found) }), ...(suggestions?.length ? { suggestions } : {}) });

  if (typeof input.period !== 'string' || !isPeriod(input.period)) {
    report(at.upload('period'), 'must be a month written YYYY-MM, e.g. 2026-06', input.period);
  }
  const region = typeof input.region === 'string' ? reference.findRegion(input.region) : undefined;
  if (!region) {
    report(at.upload('region'), 'is not an arbeidsmarktregio: use a CBS code (AM05) or a name (Twente)', input.region,
      typeof input.region === 'string' ? reference.suggestRegions(input.region) : undefined);
  }
  const registerTotal = input.registerTotal ?? null;
  if (registerTotal !== null) {
    const problem = countProblem(registerTotal, 4 * MAX_COUNT);
    if (problem) report(at.upload('registerTotal'), problem, registerTotal);
  }
  if (!Array.isArray(input.gemeenten) || input.gemeenten.length === 0) {
    report(at.upload('gemeenten'), 'must list at least one gemeente');
  }

  const rows: GemeenteCounts[] = [];
  const seen = new Map<string, number>();
  (Array.isArray(input.gemeenten) ? input.gemeenten : []).forEach((entry, index) => {
    let gemeente: GemeenteRef | undefined;
    if (region) {
      gemeente = reference.findGemeente(region, entry.gemeente);
      if (!gemeente) {
        const elsewhere = reference.regions.find((r) => r !== region && reference.findGemeente(r, entry.gemeente));
        const detail = elsewhere
          ? `is a gemeente of ${elsewhere.name} (${elsewhere.code}), not of ${region.name}`
          : `is not a gemeente of ${region.name} (${region.code})`;
        report(at.row(index, 'gemeente'), detail, entry.gemeente, elsewhere ? undefined : reference.suggestGemeenten(region, entry.gemeente));
      } else if (seen.has(gemeente.code)) {
        report(at.row(index, 'gemeente'), `lists ${gemeente.name} a second time (first at entry ${(seen.get(gemeente.code) ?? 0) + 1})`, entry.gemeente);
        gemeente = undefined;
      } else {
        seen.set(gemeente.code, index);
      }
    }

    let countsOk = true;
    for (const [group, field] of COUNT_FIELDS) {
      const value = entry[group]?.[field];
      const problem = countProblem(value, MAX_COUNT);
      if (problem) {
        countsOk = false;
        report(at.row(index, `${group}.${field}`), problem, value);
      }
    }
    if (!countsOk) return;
    const counts: Counts = {
      gemeenteClients: { withProfile: entry.gemeenteClients.withProfile, withoutProfile: entry.gemeenteClients.withoutProfile },
      uwvClients: { withProfile: entry.uwvClients.withProfile, withoutProfile: entry.uwvClients.withoutProfile },
    };
    const sum = rowTotal(counts);
    if (entry.total !== undefined && entry.total !== sum) {
      report(at.row(index, 'total'), `must equal the sum of the four counts, ${sum}`, entry.total);
    }
    if (gemeente) rows.push({ ...gemeente, ...counts });
  });

  if (problems.length > 0 || !region) {
    throw new DomainError('invalid', 'Invalid upload', `The upload has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was stored.`, problems);
  }

  const warnings: string[] = [];
  const total = rows.reduce((sum, row) => sum + rowTotal(row), 0);
  if (registerTotal !== null && registerTotal < total) {
    warnings.push(`registerTotal ${registerTotal} is smaller than the Sonar total ${total}; Sonar should hold a subset of the register.`);
  }
  return { period: input.period, region, registerTotal, rows, warnings };
}

/** The region's TOTAAL row for an upload, as the reads will show it. */
export function uploadSummary(upload: Pick<ValidUpload, 'rows' | 'registerTotal'>): Summary {
  return summarize(upload.rows, upload.registerTotal);
}
