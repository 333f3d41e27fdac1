/**
 * A year's classification as an operator hands it in, in the layout of the shipped files
 * (db/classifications): gemeenten-YYYY.csv, the herindelingen that took effect in the year, and optionally
 * arbeidsmarktregios-YYYY.csv. Checked completely against itself and the year before (when loaded); every
 * problem is named by file and row, and a file with any problem is refused whole.
 */
import { ProblemItem } from './errors';
import { Herindeling, Membership, YearClassification } from './classification';
import { ReferenceData, Region } from './reference';

export type CsvRow = Record<string, string | undefined>;

/** A file as read: its name (for problems) and its rows by header; row 1 is the header, data from row 2. */
export interface CsvFile {
  name: string;
  columns: string[];
  rows: CsvRow[];
}

export interface YearFiles {
  year: number;
  gemeenten: CsvFile;
  herindelingen?: CsvFile;
  regions?: CsvFile;
  gemeentenSource: string;
  membership: Membership;
  membershipSource: string;
}

export interface Context {
  /** The classification of the year before, when loaded: abolished and new codes are checked against it. */
  previous?: ReferenceData;
  /** Herindelingen stored already (those dated after 1 January of the year before count for it). */
  stored: readonly Herindeling[];
}

const GEMEENTE_CODE = /^GM[0-9]{4}$/;
const REGION_CODE = /^AM[0-9]{2}$/;
const DATE = /^([12][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/;
// eslint-disable-next-line no-control-regex
const NAME = /^[^\u0000-\u001f\u007f]{1,100}$/;

const GEMEENTE_COLUMNS = ['gemeentecode', 'gemeentenaam', 'arbeidsmarktregiocode', 'arbeidsmarktregionaam'];
const HERINDELING_COLUMNS = ['date', 'old_code', 'old_name', 'new_code', 'new_name'];
const REGION_COLUMNS = ['arbeidsmarktregiocode', 'arbeidsmarktregionaam', 'aantal_gemeenten'];

const validDate = (text: string): boolean => {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(text);
};

/** The year's classification and herindelingen, or every problem of the files. */
export function checkYearFiles(files: YearFiles, context: Context): { problems: ProblemItem[]; year?: Omit<YearClassification, 'loadedAt' | 'loadedBy'>; herindelingen: Herindeling[] } {
  const problems: ProblemItem[] = [];
  const { year } = files;
  const report = (file: CsvFile, row: number | undefined, column: string | undefined, detail: string, found?: string) => {
    const col = column === undefined ? -1 : file.columns.indexOf(column);
    problems.push({ field: column === undefined ? file.name : `${file.name}:${column}`, ...(row ? { row } : {}), ...(col >= 0 ? { column: col + 1 } : {}), detail, ...(found !== undefined ? { found } : {}) });
  };
  const columnsOf = (file: CsvFile, wanted: string[]): boolean => {
    const absent = wanted.filter((c) => !file.columns.includes(c));
    if (absent.length) report(file, 1, undefined, `lacks the column${absent.length > 1 ? 's' : ''} ${absent.join(', ')}; the header must be ${wanted.join(',')}`, file.columns.join(','));
    return absent.length === 0;
  };
  const cell = (row: CsvRow, column: string) => (row[column] ?? '').trim();

  // The gemeenten: one row each, in one region, codes and names well formed, each region with one name.
  const regions = new Map<string, { name: string; row: number; gemeenten: Region['gemeenten'] }>();
  const seen = new Map<string, { row: number; region: string }>();
  if (columnsOf(files.gemeenten, GEMEENTE_COLUMNS)) {
    files.gemeenten.rows.forEach((r, i) => {
      const row = i + 2;
      const [code, name, regionCode, regionName] = GEMEENTE_COLUMNS.map((c) => cell(r, c));
      let ok = true;
      if (!GEMEENTE_CODE.test(code)) { report(files.gemeenten, row, 'gemeentecode', 'must be a CBS gemeente code: GM and four digits (GM0141)', code); ok = false; }
      if (!NAME.test(name)) { report(files.gemeenten, row, 'gemeentenaam', 'must be a name of 1 to 100 characters', name); ok = false; }
      if (!REGION_CODE.test(regionCode)) { report(files.gemeenten, row, 'arbeidsmarktregiocode', 'must be a CBS arbeidsmarktregio code: AM and two digits (AM05)', regionCode); ok = false; }
      if (!NAME.test(regionName)) { report(files.gemeenten, row, 'arbeidsmarktregionaam', 'must be a name of 1 to 100 characters', regionName); ok = false; }
      if (!ok) return;
      const before = seen.get(code);
      if (before) {
        report(files.gemeenten, row, 'gemeentecode', before.region === regionCode
          ? `lists ${code} a second time (first at row ${before.row})`
          : `puts ${code} in a second region: ${regionCode} here, ${before.region} at row ${before.row}; a gemeente belongs to one region`, code);
        return;
      }
      seen.set(code, { row, region: regionCode });
      const region = regions.get(regionCode);
      if (region && region.name !== regionName) {
        report(files.gemeenten, row, 'arbeidsmarktregionaam', `names ${regionCode} "${regionName}", but row ${region.row} names it "${region.name}"`, regionName);
        return;
      }
      const target = region ?? { name: regionName, row, gemeenten: [] };
      target.gemeenten.push({ code, name });
      regions.set(regionCode, target);
    });
    if (files.gemeenten.rows.length === 0) report(files.gemeenten, undefined, undefined, 'has no gemeenten');
  }

  // The regions file, when given: the same regions with the same names and numbers of gemeenten.
  if (files.regions && columnsOf(files.regions, REGION_COLUMNS)) {
    const listed = new Set<string>();
    files.regions.rows.forEach((r, i) => {
      const row = i + 2;
      const [code, name, count] = REGION_COLUMNS.map((c) => cell(r, c));
      listed.add(code);
      const region = regions.get(code);
      if (!region) { report(files.regions as CsvFile, row, 'arbeidsmarktregiocode', `has no gemeenten in ${files.gemeenten.name}`, code); return; }
      if (region.name !== name) report(files.regions as CsvFile, row, 'arbeidsmarktregionaam', `differs from ${files.gemeenten.name}, which names ${code} "${region.name}"`, name);
      if (String(region.gemeenten.length) !== count) report(files.regions as CsvFile, row, 'aantal_gemeenten', `must be ${region.gemeenten.length}, the gemeenten ${files.gemeenten.name} puts in ${code}`, count);
    });
    for (const [code, region] of regions) {
      if (!listed.has(code)) report(files.gemeenten, region.row, 'arbeidsmarktregiocode', `is not a region of ${files.regions.name}`, code);
    }
  }

  // The herindelingen of the year: dated in it, from gemeenten of the year before (or of this year, mid-year)
  // into gemeenten of this year (or, mid-year, new ones); or a new gemeente with a reason.
  const herindelingen: Herindeling[] = [];
  const reasons = new Set<string>();
  const previousCodes = new Set(context.previous?.regions.flatMap((r) => r.gemeenten.map((g) => g.code)) ?? []);
  const file = files.herindelingen;
  if (file && columnsOf(file, HERINDELING_COLUMNS)) {
    file.rows.forEach((r, i) => {
      const row = i + 2;
      const [date, oldCode, oldName, newCode, newName] = HERINDELING_COLUMNS.map((c) => cell(r, c));
      const reason = cell(r, 'reason');
      let ok = true;
      if (!validDate(date)) { report(file, row, 'date', 'must be a date written YYYY-MM-DD', date); ok = false; } else if (!date.startsWith(`${year}-`)) {
        report(file, row, 'date', `is not in ${year}: the herindelingen of ${year} take effect in ${year}`, date); ok = false;
      }
      if (!GEMEENTE_CODE.test(newCode)) { report(file, row, 'new_code', 'must be a CBS gemeente code: GM and four digits', newCode); ok = false; }
      if (!NAME.test(newName)) { report(file, row, 'new_name', 'must be a name of 1 to 100 characters', newName); ok = false; }
      if (oldCode === '' && reason !== '') {
        if (ok) reasons.add(newCode);
        return;
      }
      if (!GEMEENTE_CODE.test(oldCode)) { report(file, row, 'old_code', 'must be a CBS gemeente code: GM and four digits (or empty, with a reason, for a gemeente formed of none)', oldCode); ok = false; }
      if (!NAME.test(oldName)) { report(file, row, 'old_name', 'must be a name of 1 to 100 characters', oldName); ok = false; }
      if (!ok) return;
      const midYear = date !== `${year}-01-01`;
      if (!seen.has(newCode) && !midYear) report(file, row, 'new_code', `is not a gemeente of ${files.gemeenten.name}`, newCode);
      if (context.previous && !previousCodes.has(oldCode) && !(midYear && seen.has(oldCode))) {
        report(file, row, 'old_code', `was not a gemeente in ${year - 1}`, oldCode);
      }
      if (seen.has(oldCode) && oldCode !== newCode && !midYear) report(file, row, 'old_code', `still is a gemeente of ${files.gemeenten.name} on ${date}; only a gemeente that continues may be its own successor`, oldCode);
      herindelingen.push({ date, oldCode, oldName, newCode, newName });
    });
  }

  // Against the year before: every abolished code has a successor, every new code predecessors or a reason.
  if (context.previous) {
    const after = (h: Herindeling) => h.date > `${year - 1}-01-01` && h.date < `${year}-01-01`;
    const all = [...herindelingen, ...context.stored.filter(after)];
    for (const region of context.previous.regions) {
      for (const g of region.gemeenten) {
        if (seen.has(g.code) || all.some((h) => h.oldCode === g.code)) continue;
        report(file ?? files.gemeenten, undefined, undefined, `leaves out ${g.name} (${g.code}), a gemeente in ${year - 1}, without a herindeling saying where it went`, g.code);
      }
    }
    for (const [code, { row }] of seen) {
      if (previousCodes.has(code) || reasons.has(code) || all.some((h) => h.newCode === code && h.oldCode !== code)) continue;
      report(files.gemeenten, row, 'gemeentecode', `is new in ${year} (not a gemeente in ${year - 1}) but no herindeling names its predecessors, nor a reason`, code);
    }
  }

  if (problems.length > 0) return { problems, herindelingen: [] };
  const sortedRegions = [...regions].sort(([a], [b]) => (a < b ? -1 : 1)).map(([code, r]) => ({
    code,
    name: r.name,
    gemeenten: [...r.gemeenten].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  }));
  return {
    problems,
    year: { year, gemeentenSource: files.gemeentenSource, membership: files.membership, membershipSource: files.membershipSource, regions: sortedRegions },
    herindelingen,
  };
}
