/**
 * Uploads a publication table from a file: `npm run upload -- FILE --period YYYY-MM [--register-total N]`.
 * Streams the file to POST /v1/uploads with the typed client (packages/client), prints the stored totals and coverage per region, or the service's
 * problems one per line. Exit codes: 0 stored, 1 refused or failed, 2 wrong use of the command.
 */
import { createReadStream, statSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createSonarClient, type Schemas } from '@sonar-transparency/client';
import { formatDutchInteger } from '../tables/dutch-integer';

export interface Output {
  log(line: string): void;
  error(line: string): void;
}

export const DEFAULT_URL = 'http://127.0.0.1:3000';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.tsv': 'text/tab-separated-values',
  '.txt': 'text/tab-separated-values',
  '.csv': 'text/csv',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

export const USAGE = `Usage: npm run upload -- FILE --period YYYY-MM [--register-total N] [--region REGION] [--partial] [--url URL] [--key KEY]

Uploads the publication table in FILE (.tsv or .txt, .csv, .xlsx) to the Sonar transparency service.
  --period          the month of the figures, YYYY-MM, or a quarter YYYY-Qn or YYYYKWnn (required)
  --register-total  the region's doelgroepregister banenafspraken; only for a file of one region
  --region          the region (CBS code or name), where the table has no label, or as a check on it
  --partial         the tables leave out gemeenten on purpose (without it such a file is refused)
  --url             the service; default $SONAR_URL, else ${DEFAULT_URL}
  --key             the API key; default $SONAR_API_KEY`;

type ProblemItem = Schemas['ProblemItem'];
type ProblemAnswer = Partial<Schemas['ProblemDetails']>;
type UploadReceipt = Schemas['UploadReceipt'];

/** A spreadsheet's name for a 1-based column: 1 → A, 27 → AA. */
export function columnLetter(column: number): string {
  let name = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) name = String.fromCharCode(65 + ((n - 1) % 26)) + name;
  return name;
}

const percent = (value: number | null, percentage: number | null): string =>
  value === null ? 'unknown' : `${percentage} % (${value})`;

function printReceipts(out: Output, file: string, uploads: UploadReceipt[]): void {
  const periods = [...new Set(uploads.map((u) => u.period))].join(', ');
  out.log(`Stored ${uploads.length} region${uploads.length === 1 ? '' : 's'} for ${periods} from ${path.basename(file)}:`);
  for (const u of uploads) {
    const t = u.totals;
    out.log(`  ${u.region.name} (${u.region.code}): upload ${u.id}, ${u.gemeenteCount} gemeenten`);
    out.log(`    gemeenteklanten  ${formatDutchInteger(t.gemeenteClients.withProfile)} with profile, ${formatDutchInteger(t.gemeenteClients.withoutProfile)} without`);
    out.log(`    UWV-klanten      ${formatDutchInteger(t.uwvClients.withProfile)} with profile, ${formatDutchInteger(t.uwvClients.withoutProfile)} without`);
    out.log(`    total ${formatDutchInteger(t.total)}, register ${t.registerTotal === null ? 'not given' : formatDutchInteger(t.registerTotal)}, `
      + `coverage ${percent(t.coverage, t.coveragePercent)}, with profile ${percent(t.profileShare, t.profileSharePercent)}`);
    for (const warning of u.warnings) out.log(`    warning: ${warning}`);
  }
}

/** Where a problem is, as a person finds it: a cell of the sheet, or a parameter. */
function placeOf(p: ProblemItem): string {
  const cell = p.row === undefined ? undefined
    : p.column === undefined ? `row ${p.row}` : `row ${p.row}, column ${p.column} (${columnLetter(p.column)})`;
  return [cell, p.field].filter(Boolean).join(', ') || 'the file';
}

function printProblem(out: Output, status: number, body: unknown): void {
  const problem = (body !== null && typeof body === 'object' ? body : {}) as ProblemAnswer;
  if (problem.title === undefined && problem.detail === undefined) {
    out.error(`The service answered ${status}: ${(typeof body === 'string' ? body : JSON.stringify(body) ?? '').slice(0, 500)}`);
    return;
  }
  out.error(`Refused (${status} ${problem.title ?? ''}): ${problem.detail ?? ''}`);
  for (const p of problem.errors ?? []) {
    const found = p.found === undefined ? '' : ` found "${p.found}":`;
    const suggestions = p.suggestions?.length ? `; did you mean ${p.suggestions.join(', ')}?` : '';
    out.error(`  ${placeOf(p)}:${found} ${p.detail}${suggestions}`);
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      period: { type: 'string' },
      'register-total': { type: 'string' },
      region: { type: 'string' },
      partial: { type: 'boolean' },
      url: { type: 'string' },
      key: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export async function run(argv: string[], env: NodeJS.ProcessEnv = process.env, out: Output = console): Promise<number> {
  const usage = (message: string): number => {
    out.error(`${message}\n\n${USAGE}`);
    return 2;
  };
  let args: ReturnType<typeof parse>;
  try {
    args = parse(argv);
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = args;
  if (values.help) {
    out.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) return usage('Give exactly one FILE.');
  // npm runs scripts in the project folder; INIT_CWD is where the caller ran `npm run upload`.
  const file = path.resolve(env.INIT_CWD ?? process.cwd(), positionals[0]);
  const type = CONTENT_TYPES[path.extname(file).toLowerCase()];
  if (!type) return usage(`Cannot tell what ${file} holds: name it .tsv, .txt, .csv or .xlsx.`);
  if (values.period === undefined) return usage('Give --period YYYY-MM, the month of the figures.');
  const key = values.key ?? env.SONAR_API_KEY;
  if (!key) return usage('Give --key KEY or set SONAR_API_KEY.');
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    return usage(`Cannot read ${file}.`);
  }

  const base = (values.url ?? env.SONAR_URL ?? DEFAULT_URL).replace(/\/+$/, '');
  const registerTotal = values['register-total'];
  if (registerTotal !== undefined && !/^[0-9]{1,10}$/.test(registerTotal)) return usage('Give --register-total as a whole number in plain digits, e.g. 10371.');
  const query = { period: values.period, registerTotal: registerTotal === undefined ? undefined : Number(registerTotal), region: values.region, partial: values.partial ? true : undefined };

  const sonar = createSonarClient({ baseUrl: base, apiKey: key });
  let answer: Awaited<ReturnType<typeof post>>;
  function post() {
    return sonar.POST('/uploads', {
      params: { query },
      // The file goes out as it is read, never whole in memory.
      body: Readable.toWeb(createReadStream(file)) as unknown as string,
      bodySerializer: (body: unknown) => body as ReadableStream<Uint8Array>,
      headers: { 'Content-Type': type, 'Content-Length': String(size), Accept: 'application/json, application/problem+json' },
      duplex: 'half',
    });
  }
  try {
    answer = await post();
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
    out.error(`Could not upload to ${base}: ${error instanceof Error ? error.message : String(error)}${cause}`);
    return 1;
  }

  const { data, error, response } = answer;
  if (response.status === 201 && data !== undefined) {
    printReceipts(out, file, data.uploads);
    return 0;
  }
  printProblem(out, response.status, error ?? data);
  return 1;
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
