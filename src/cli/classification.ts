/**
 * `npm run classification -- …`: an operator loads a year's gemeenten and regions (and the herindelingen
 * that took effect in it) into the service's database, without a release; or lists the years loaded.
 * The files are checked completely first; one problem refuses them whole and nothing is stored.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { loadConfig } from '../config';
import { Classifications, Membership } from '../domain/classification';
import { checkYearFiles, YearFiles } from '../domain/classification-file';
import { extended } from '../domain/extended';
import { FiguresStore } from '../domain/ports';
import { problemLines, readCsvFile } from '../storage/classification-files';
import { openStore } from '../storage/open-store';

const USAGE = `Usage:
  npm run classification -- list
  npm run classification -- load --year YYYY --gemeenten gemeenten-YYYY.csv [--herindelingen herindelingen-YYYY.csv]
      [--regions arbeidsmarktregios-YYYY.csv] [--source TEXT] [--membership cbs|derived] [--membership-source TEXT]
      [--by NAME] [--replace]
  Files in the layout of db/classifications. --replace replaces a year already loaded (e.g. derived membership by
  CBS's own table). The database is DATABASE_URL's or DATABASE_PATH's, as for the service.`;

export interface Output {
  log(line: string): void;
  error(line: string): void;
}

export interface LoadOptions {
  year: number;
  gemeenten: string;
  herindelingen?: string;
  regions?: string;
  source?: string;
  membership?: Membership;
  membershipSource?: string;
  by?: string;
  replace?: boolean;
}

/** Checks the year's files against the year before and stores them in one transaction; true when stored. */
export async function loadClassification(store: FiguresStore, options: LoadOptions, output: Output, now = new Date()): Promise<boolean> {
  const { years, herindelingen } = await store.classifications();
  const known = new Classifications(years, herindelingen);
  if (known.has(options.year) && !options.replace) {
    output.error(`${options.year} is loaded already (${years.find((y) => y.year === options.year)?.loadedAt}); say --replace to replace it. Nothing was stored.`);
    return false;
  }
  const membership = options.membership ?? 'cbs';
  const files: YearFiles = {
    year: options.year,
    gemeenten: readCsvFile(options.gemeenten),
    ...(options.herindelingen ? { herindelingen: readCsvFile(options.herindelingen) } : {}),
    ...(options.regions ? { regions: readCsvFile(options.regions) } : {}),
    gemeentenSource: options.source ?? path.basename(options.gemeenten),
    membership,
    membershipSource: options.membershipSource ?? (membership === 'cbs' ? options.source ?? path.basename(options.gemeenten) : 'derived'),
  };
  const previous = known.has(options.year - 1) ? known.year(options.year - 1) : undefined;
  const checked = checkYearFiles(files, { previous, stored: herindelingen });
  if (!checked.year) {
    output.error(`The classification of ${options.year} is refused with ${checked.problems.length} problem${checked.problems.length === 1 ? '' : 's'}; nothing was stored:`);
    for (const line of problemLines(checked.problems)) output.error(`  ${line}`);
    return false;
  }
  await store.storeClassification(extended(checked.year, { loadedAt: now.toISOString(), loadedBy: options.by ?? 'operator' }), checked.herindelingen);
  const gemeenten = checked.year.regions.reduce((n, r) => n + r.gemeenten.length, 0);
  output.log(`Loaded ${options.year}: ${gemeenten} gemeenten in ${checked.year.regions.length} regions, ${checked.herindelingen.length} herindeling rows, membership ${membership}. `
    + 'Running service instances take it up without a restart, at their next request.');
  return true;
}

export async function listClassifications(store: FiguresStore, output: Output): Promise<void> {
  const { years } = await store.classifications();
  for (const y of years) output.log(`${y.year}  ${y.membership.padEnd(7)}  loaded ${y.loadedAt} by ${y.loadedBy}  ${y.membershipSource}`);
}

export async function run(argv: string[], output: Output): Promise<number> {
  const [command, ...rest] = argv;
  let values;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        year: { type: 'string' }, gemeenten: { type: 'string' }, herindelingen: { type: 'string' }, regions: { type: 'string' },
        source: { type: 'string' }, membership: { type: 'string' }, 'membership-source': { type: 'string' }, by: { type: 'string' }, replace: { type: 'boolean' },
      },
    }));
  } catch (error) {
    output.error(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
    return 2;
  }
  const year = Number(values.year);
  const loadArgsOk = command === 'load' && /^(19|20)[0-9]{2}$/.test(values.year ?? '') && values.gemeenten !== undefined
    && (values.membership === undefined || values.membership === 'cbs' || values.membership === 'derived');
  if (command !== 'list' && !loadArgsOk) {
    output.error(USAGE);
    return 2;
  }
  const config = loadConfig();
  const store = await openStore(config, pino({ level: 'silent' }));
  try {
    if (command === 'list') {
      await listClassifications(store, output);
      return 0;
    }
    // npm runs scripts in the project folder; INIT_CWD is where the caller ran `npm run classification`.
    const at = (file: string | undefined) => (file === undefined ? undefined : path.resolve(process.env.INIT_CWD ?? process.cwd(), file));
    const stored = await loadClassification(store, {
      year, gemeenten: at(values.gemeenten) as string, herindelingen: at(values.herindelingen), regions: at(values.regions), source: values.source,
      membership: values.membership as Membership | undefined, membershipSource: values['membership-source'], by: values.by, replace: values.replace,
    }, output);
    return stored ? 0 : 1;
  } finally {
    await store.close();
  }
}

if (require.main === module) {
  run(process.argv.slice(2), { log: (line) => process.stdout.write(`${line}\n`), error: (line) => process.stderr.write(`${line}\n`) }).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`Loading the classification failed: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
