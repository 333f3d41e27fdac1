import { DomainError, ProblemItem, shown } from './errors';
import { extended } from './extended';
import { Counts, rowTotal, summarize, Summary } from './figures';
import { PERIOD_NOTATIONS, toPeriod } from './period';
import { GemeenteRef, ReferenceData, Region } from './reference';
import { Classifications } from './classification';

/** The classifications, and today's for input whose period says nothing (a malformed one). */
export interface Classified {
  readonly reference: ReferenceData;
  readonly classifications: Classifications;
}

/**
 * The whole doelgroep banenafspraken is about 250,000 people nationally, so no count, total or register of
 * one region can be larger: a larger number is a typing error (or Swagger UI's placeholder), never stored.
 */
export const MAX_COUNT = 250_000;

/** The largest region has 18 gemeenten; the upload schema says @maxItems 100. */
export const MAX_GEMEENTEN = 100;

/**
 * Clients of one kind with and without a klantprofiel.
 * @example { "withProfile": 491, "withoutProfile": 502 }
 */
export interface ClientCountsInput {
  /**
   * Clients with a klantprofiel ("Profiel in Sonar").
   * @isInt must be a whole number
   * @minimum 0 must not be negative
   * @maximum 250000 is more than the whole doelgroep banenafspraken (about 250,000 people)
   * @example 491
   */
  withProfile: number;
  /**
   * Clients without a klantprofiel ("Geen profiel in Sonar").
   * @isInt must be a whole number
   * @minimum 0 must not be negative
   * @maximum 250000 is more than the whole doelgroep banenafspraken (about 250,000 people)
   * @example 502
   */
  withoutProfile: number;
}

/**
 * The figures of one gemeente, as a row of the publication.
 * @example { "gemeente": "Almelo", "gemeenteClients": { "withProfile": 3, "withoutProfile": 222 }, "uwvClients": { "withProfile": 491, "withoutProfile": 502 }, "total": 1218 }
 */
export interface GemeenteFiguresInput {
  /**
   * CBS code (`GM0141`) or name as publications write it (`Hengelo` finds `Hengelo (O.)`).
   * @minLength 1
   * @maxLength 100
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
   * @maximum 250000 is more than the whole doelgroep banenafspraken (about 250,000 people)
   * @example 1218
   */
  total?: number;
}

/**
 * The figures of one arbeidsmarktregio for one period.
 * @example { "period": "2026-06", "region": "Twente", "registerTotal": 10371, "partial": true, "gemeenten": [ { "gemeente": "Almelo", "gemeenteClients": { "withProfile": 3, "withoutProfile": 222 }, "uwvClients": { "withProfile": 491, "withoutProfile": 502 }, "total": 1218 } ] }
 */
export interface UploadRequest {
  /**
   * Month of the count's reference date, `YYYY-MM`; a quarter (`2026-Q2`, `2026KW02`) means its last month.
   * @pattern ^(19|20)[0-9]{2}(-(0[1-9]|1[0-2])|-Q[1-4]|KW0[1-4])$ must be a month written YYYY-MM, or a quarter written YYYY-Qn or YYYYKWnn
   * @example "2026-06"
   */
  period: string;
  /**
   * CBS code (`AM05`), name (`Twente`) or the publication's label (`28 Twente`).
   * @minLength 1
   * @maxLength 100
   * @example "Twente"
   */
  region: string;
  /**
   * Size of the region's doelgroepregister banenafspraken; without it coverage is null.
   * @isInt must be a whole number
   * @minimum 0 must not be negative
   * @maximum 250000 is more than the whole doelgroep banenafspraken (about 250,000 people)
   * @example 10371
   */
  registerTotal?: number;
  /**
   * One entry per gemeente; gemeenten left out are reported as missing.
   * @minItems 1 must list at least one gemeente
   * @maxItems 100 no region has that many gemeenten
   */
  gemeenten: GemeenteFiguresInput[];
  /**
   * True when the upload leaves out gemeenten of the region on purpose; without it such an upload is
   * refused, since it replaces the region's whole table for the period.
   * @example false
   */
  partial?: boolean;
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
  /** How the upload wrote the region and each gemeente (`rows` order), for the table written back. */
  printed: Printed;
}

/**
 * The region's label and the gemeenten's names as the upload wrote them ("28 Twente", "Hengelo"). A CBS code
 * is no printed name: where the upload gave one, the CBS name is printed instead.
 */
export interface Printed {
  regionLabel: string;
  names: string[];
}

const CBS_CODE = /^\s*(GM|AM)[0-9]{2,4}\s*$/i;
const printedAs = (written: string, official: string): string => (CBS_CODE.test(written) ? official : written.trim());

const COUNT_FIELDS = [
  ['gemeenteClients', 'withProfile'],
  ['gemeenteClients', 'withoutProfile'],
  ['uwvClients', 'withProfile'],
  ['uwvClients', 'withoutProfile'],
] as const;

function countProblem(value: unknown, max: number): string | undefined {
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be a whole number';
  if (value < 0) return 'must not be negative';
  if (value > max) return `is more than the whole doelgroep banenafspraken (about 250,000 people); at most ${max}`;
  return undefined;
}

interface Examined {
  problems: ProblemItem[];
  region?: Region;
  /** In its canonical form, `YYYY-MM`. */
  period?: string;
  rows: GemeenteCounts[];
  names: string[];
}

const asObject = (value: unknown): Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};

/**
 * Checks an upload against itself and the reference data and lists every problem at once. It takes any
 * value, so that content problems can be reported beside shape problems found at the edge.
 */
function examine(raw: unknown, classified: Classified, at: Locator): Examined {
  const input = asObject(raw);
  const problems: ProblemItem[] = [];
  const report = (location: Omit<ProblemItem, 'detail'>, detail: string, found?: unknown, suggestions?: string[]) =>
    problems.push(extended(location, { detail, ...(found === undefined ? {} : { found: shown(found) }), ...(suggestions?.length ? { suggestions } : {}) }));

  const period = typeof input.period === 'string' ? toPeriod(input.period) : undefined;
  if (period === undefined) report(at.upload('period'), `must be ${PERIOD_NOTATIONS}, e.g. 2026-06 or 2026-Q2`, input.period);
  // Figures are checked in the classification in force on the period's last day.
  let reference = classified.reference;
  if (period !== undefined) {
    try {
      reference = classified.classifications.forPeriod(period);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      report(at.upload('period'), `${error.errors[0]?.detail ?? 'has no classification'}. ${error.detail}`, input.period);
      return { problems, period, rows: [], names: [] };
    }
  }
  const region = typeof input.region === 'string' ? reference.findRegion(input.region) : undefined;
  if (!region) {
    report(at.upload('region'), 'is not an arbeidsmarktregio: use a CBS code (AM05) or a name (Twente)', input.region,
      typeof input.region === 'string' ? reference.suggestRegions(input.region) : undefined);
  }
  if (input.registerTotal !== undefined && input.registerTotal !== null) {
    const problem = countProblem(input.registerTotal, MAX_COUNT);
    if (problem) report(at.upload('registerTotal'), problem, input.registerTotal);
  }
  const entries = Array.isArray(input.gemeenten) ? input.gemeenten : [];
  if (entries.length === 0) report(at.upload('gemeenten'), 'must list at least one gemeente');

  const rows: GemeenteCounts[] = [];
  const names: string[] = [];
  const seen = new Map<string, number>();
  entries.forEach((rawEntry, index) => {
    const entry = asObject(rawEntry);
    const name = entry.gemeente;
    let gemeente: GemeenteRef | undefined;
    if (typeof name !== 'string' || name.trim() === '') {
      report(at.row(index, 'gemeente'), 'must name a gemeente or give its CBS code', name);
    } else if (region) {
      gemeente = reference.findGemeente(region, name);
      if (!gemeente) {
        const elsewhere = reference.regions.find((r) => r !== region && reference.findGemeente(r, name));
        const then = elsewhere || period === undefined ? undefined : classified.classifications.whyNotIn(period, name);
        const detail = elsewhere
          ? `is a gemeente of ${elsewhere.name} (${elsewhere.code}), not of ${region.name}`
          : then ? `is not a gemeente of ${region.name} (${region.code}) in ${period}: ${then}`
            : `is not a gemeente of ${region.name} (${region.code})`;
        report(at.row(index, 'gemeente'), detail, name, elsewhere || then ? undefined : reference.suggestGemeenten(region, name));
      } else if (seen.has(gemeente.code)) {
        const first = at.row(seen.get(gemeente.code) ?? 0, 'gemeente');
        report(at.row(index, 'gemeente'), `lists ${gemeente.name} a second time (first at ${first.row ? `row ${first.row}` : first.field})`, name);
        gemeente = undefined;
      } else {
        seen.set(gemeente.code, index);
      }
    }

    const values: number[] = [];
    for (const [group, field] of COUNT_FIELDS) {
      const value = asObject(entry[group])[field];
      const problem = countProblem(value, MAX_COUNT);
      if (problem) report(at.row(index, `${group}.${field}`), problem, value);
      else values.push(value as number);
    }
    if (values.length < COUNT_FIELDS.length) return;
    const [gw, gwo, uw, uwo] = values;
    const counts: Counts = { gemeenteClients: { withProfile: gw, withoutProfile: gwo }, uwvClients: { withProfile: uw, withoutProfile: uwo } };
    const sum = rowTotal(counts);
    if (entry.total !== undefined && entry.total !== sum) {
      report(at.row(index, 'total'), `must equal the sum of the four counts, ${sum}`, entry.total);
    } else if (sum > MAX_COUNT) {
      report(at.row(index, 'total'), `is ${sum}, more than the whole doelgroep banenafspraken (at most ${MAX_COUNT})`, sum);
    }
    if (gemeente) {
      rows.push(extended(gemeente, counts));
      names.push(printedAs(name as string, gemeente.name));
    }
  });
  const regionTotal = rows.reduce((sum, row) => sum + rowTotal(row), 0);
  if (problems.length === 0 && regionTotal > MAX_COUNT) {
    report(at.upload('gemeenten'), `add up to ${regionTotal}, more than the whole doelgroep banenafspraken (at most ${MAX_COUNT})`, regionTotal);
  }
  if (region && problems.length === 0 && input.partial !== true) {
    const present = new Set(rows.map((r) => r.code));
    const left = region.gemeenten.filter((g) => !present.has(g.code));
    if (left.length > 0) {
      report(at.upload('gemeenten'), `leave out ${left.length} of the ${region.gemeenten.length} gemeenten of ${region.name}: ${left.map((g) => `${g.name} (${g.code})`).join(', ')}; `
        + 'an upload replaces the whole table, so send every gemeente, or say partial: true (?partial=true with a table)');
    }
  }
  return { problems, region, period, rows, names };
}

/** Every content problem of an upload, whatever its shape; empty when it would be accepted. */
export function uploadProblems(input: unknown, classified: Classified, at: Locator = jsonLocator()): ProblemItem[] {
  return examine(input, classified, at).problems;
}

/** The upload, checked and resolved; throws one DomainError listing every problem. */
export function validateUpload(input: UploadRequest, classified: Classified, at: Locator = jsonLocator()): ValidUpload {
  const { problems, region, period, rows, names } = examine(input, classified, at);
  if (problems.length > 0 || !region || period === undefined) {
    throw new DomainError('invalid', 'Invalid upload', `The upload has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was stored.`, problems);
  }
  const registerTotal = input.registerTotal ?? null;
  const warnings: string[] = [];
  const total = rows.reduce((sum, row) => sum + rowTotal(row), 0);
  if (registerTotal !== null && registerTotal < total) {
    warnings.push(`registerTotal ${registerTotal} is smaller than the Sonar total ${total}; Sonar should hold a subset of the register.`);
  }
  return { period, region, registerTotal, rows, warnings, printed: { regionLabel: printedAs(input.region, region.name), names } };
}

/** The region's TOTAAL row for an upload, as the reads will show it. */
export function uploadSummary(upload: Pick<ValidUpload, 'rows' | 'registerTotal'>): Summary {
  return summarize(upload.rows, upload.registerTotal);
}
