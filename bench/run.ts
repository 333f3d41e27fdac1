/**
 * `npm run bench` — the read benchmark (issue 4) and the import benchmark (issue 3) in one run, printed
 * as markdown and written to bench/out/latest.md.
 *
 *   npm run bench                      full run (about 9 minutes on 2 cores)
 *   npm run bench -- --quick           smoke run (about 1 minute); BENCH_QUICK=1 does the same
 *   npm run bench -- --only=reads      or --only=import, --only=series, --only=exports, --only=postgres, --only=pgbouncer, --only=mixed, --only=webhooks
 *   npm run bench -- --compare=main    this checkout against a build of another revision, side by side (compare.ts;
 *                                      about 9 minutes, --quick about 4, more when it needs npm ci), written to bench/out/compare.md
 *   npm run bench -- --compare=main --only=mixed   reads while the figures change, before and after (mixed.ts), to bench/out/mixed.md
 *   npm run bench -- --profile=/v1/totals   CPU profile of the service under load (see profile.ts)
 *   npm run bench -- --profile=import       CPU profile of the service importing the TSV files
 *   npm run bench -- --profile=uploads      CPU profile of the service taking JSON uploads, one after another
 *   BENCH_RATE_LIMITED=1 npm run bench …    the service with its default rate limits on (set too high to refuse)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { buildBefore, CompareSettings, compareMarkdown, runCompare, thisBuild } from './compare';
import { loadRegions } from './data';
import { ExportsSettings, runExports } from './exports';
import { ImportSettings, runImport } from './import';
import { MixedSettings, mixedMarkdown, runMixed } from './mixed';
import { PgbouncerSettings, pgbouncerMarkdown, runPgbouncer } from './pgbouncer';
import { PostgresSettings, postgresMarkdown, runPostgres } from './postgres';
import { runProfile } from './profile';
import { ReadsSettings, runReads } from './reads';
import { exportsMarkdown, importMarkdown, machine, readsMarkdown, seriesMarkdown } from './report';
import { runSeries, SeriesSettings } from './series';
import { installCleanUp } from './targets';
import { runWebhooks, WebhooksSettings, webhooksMarkdown } from './webhooks';

const args = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const found = args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  return found === undefined ? undefined : (found.split('=')[1] ?? '');
};
const quick = flag('quick') !== undefined || process.env.BENCH_QUICK === '1';
const only = flag('only');
const profile = flag('profile');
const compare = flag('compare');

const reads: ReadsSettings = quick
  ? { connections: 50, rounds: 1, seconds: 1, warmupSeconds: 0.5, historyRounds: 1, historySeconds: 1, maxRequests: 300_000, mainPeriods: 4, historyPeriods: [1, 12] }
  : { connections: 50, rounds: 5, seconds: 3, warmupSeconds: 1.5, historyRounds: 5, historySeconds: 2, maxRequests: 300_000, mainPeriods: 40, historyPeriods: [1, 120] };

const imports: ImportSettings = quick
  ? { periods: 30, concurrency: 1, oversize: [10], passes: 2, baselineRuns: 1 }
  : { periods: 293, concurrency: 1, oversize: [10, 100, 1000], passes: 4, baselineRuns: 3 };

const exportsSettings: ExportsSettings = quick
  ? { connections: 10, rounds: 1, seconds: 1, warmupSeconds: 0.5, maxRequests: 100_000, periods: 4 }
  : { connections: 10, rounds: 4, seconds: 3, warmupSeconds: 1, maxRequests: 300_000, periods: 40 };

const series: SeriesSettings = quick
  ? { connections: 50, rounds: 1, seconds: 1, warmupSeconds: 0.5, maxRequests: 300_000, periods: 10, growthPeriods: [5, 10, 40], growthRounds: 1, growthSeconds: 1, growthConnections: 10 }
  : { connections: 50, rounds: 5, seconds: 3, warmupSeconds: 1.5, maxRequests: 300_000, periods: 40, growthPeriods: [10, 40, 160], growthRounds: 5, growthSeconds: 3, growthConnections: 10 };

const postgres: PostgresSettings = quick
  ? { connections: 50, rounds: 1, seconds: 1, warmupSeconds: 0.5, maxRequests: 300_000, fillPeriods: 4, importFiles: 30, readAfterWrite: 20 }
  : { connections: 50, rounds: 3, seconds: 3, warmupSeconds: 1, maxRequests: 300_000, fillPeriods: 12, importFiles: 293, readAfterWrite: 100 };

const pgbouncer: PgbouncerSettings = quick
  ? { connections: 50, rounds: 1, seconds: 1, warmupSeconds: 0.5, maxRequests: 300_000, fillPeriods: 2, readAfterWrite: 10, checks: [200, 1000] }
  : { connections: 50, rounds: 3, seconds: 3, warmupSeconds: 1, maxRequests: 300_000, fillPeriods: 4, readAfterWrite: 50, checks: [200, 1000] };

const compareSettings: CompareSettings = quick
  ? { connections: 50, rounds: 3, seconds: 1, warmupSeconds: 0.5, maxRequests: 300_000, periods: 6, importRounds: 3, importFiles: 10, postgresPeriods: 1, uncachedConnections: 10, growthPeriods: [2, 24] }
  : { connections: 50, rounds: 7, seconds: 1.5, warmupSeconds: 1, maxRequests: 300_000, periods: 40, importRounds: 5, importFiles: 59, postgresPeriods: 2, uncachedConnections: 10, growthPeriods: [10, 160] };

const mixed: MixedSettings = quick
  ? { connections: 100, rounds: 1, seconds: 3, warmupSeconds: 1, maxRequests: 1_000_000, periods: 6, writesPerSecond: 30, writers: 4 }
  : { connections: 100, rounds: 3, seconds: 8, warmupSeconds: 2, maxRequests: 1_000_000, periods: 40, writesPerSecond: 30, writers: 4 };

const webhooks: WebhooksSettings = quick
  ? { rounds: 2, seconds: 3, clients: 4, subscriptions: 10, answerMs: 50, latencyUploads: 20, latencyGapMs: 100, drainTimeoutMs: 120_000 }
  : { rounds: 5, seconds: 5, clients: 4, subscriptions: 10, answerMs: 50, latencyUploads: 100, latencyGapMs: 100, drainTimeoutMs: 300_000 };

const log = (line: string) => process.stderr.write(`${line}\n`);

function command(): string {
  const extra = args.length ? ` -- ${args.join(' ')}` : '';
  return `${process.env.BENCH_QUICK === '1' ? 'BENCH_QUICK=1 ' : ''}npm run bench${extra}`;
}

/** Prints the markdown and writes it to bench/out/<name>. */
function write(name: string, markdown: string): void {
  const out = path.join(PROJECT_ROOT, 'bench', 'out', name);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, markdown);
  process.stdout.write(`${markdown}\n`);
  log(`written to ${path.relative(process.cwd(), out)}`);
}

async function main(): Promise<number> {
  installCleanUp();
  const regions = loadRegions();
  if (profile !== undefined) {
    await runProfile(profile || '/v1/totals', regions, reads, imports, log);
    return 0;
  }
  const started = Date.now();
  if (compare !== undefined) {
    if (!compare) throw new Error('--compare needs the revision to compare with, e.g. --compare=main');
    if (only === 'mixed') {
      const report = await runMixed([buildBefore(compare, log), thisBuild()], mixed, regions, log);
      write('mixed.md', [`## Before and after: reads while the figures change${quick ? ' (quick run, figures only indicative)' : ''}`, '', machine(command()), '',
        mixedMarkdown(report), '', `Total run time: ${((Date.now() - started) / 1000).toFixed(0)} s.`, ''].join('\n'));
      return 0;
    }
    const report = await runCompare(compare, compareSettings, regions, log);
    const title = `## Before and after${quick ? ` (quick run: ${compareSettings.rounds} short rounds, figures only indicative)` : ''}`;
    write('compare.md', [title, '', machine(command()), '', compareMarkdown(report), '', `Total run time: ${((Date.now() - started) / 1000).toFixed(0)} s.`, ''].join('\n'));
    return 0;
  }
  const sections: string[] = [`## ${quick ? 'Quick run (smoke test: one short round, figures only indicative)' : 'Full run'}`, '', machine(command()), ''];
  // Each part in turn; one that fails is reported in its section and makes the run fail, the others still run.
  const parts: Array<[name: string, title: string, run: () => Promise<string>]> = [
    ['reads', 'Reads', async () => readsMarkdown(await runReads(reads, regions, log))],
    ['series', 'Series', async () => seriesMarkdown(await runSeries(series, regions, log))],
    ['import', 'Import', async () => importMarkdown(await runImport(imports, regions, log))],
    ['exports', 'Exports', async () => exportsMarkdown(await runExports(exportsSettings, regions, log))],
    ['postgres', 'PostgreSQL', async () => postgresMarkdown(await runPostgres(postgres, regions, log))],
    ['pgbouncer', 'pgbouncer', async () => pgbouncerMarkdown(await runPgbouncer(pgbouncer, regions, log))],
    ['mixed', 'Reads while the figures change', async () => mixedMarkdown(await runMixed([thisBuild()], mixed, regions, log))],
    ['webhooks', 'Webhooks', async () => webhooksMarkdown(await runWebhooks(webhooks, regions, log))],
  ];
  let failed = false;
  for (const [name, title, run] of parts) {
    if (only !== undefined && only !== name) continue;
    try {
      sections.push(await run(), '');
    } catch (error) {
      failed = true;
      log(`${name} benchmark failed: ${error instanceof Error ? error.stack : String(error)}`);
      sections.push(`### ${title}\n\nFailed: ${error instanceof Error ? error.message : String(error)}`, '');
    }
  }
  sections.push(`Total run time: ${((Date.now() - started) / 1000).toFixed(0)} s.`, '');
  write('latest.md', sections.join('\n'));
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    log(`benchmark failed: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
