/**
 * Before and after in one run: the service built from another revision (`npm run bench -- --compare=<rev>`)
 * beside this checkout's build, loaded in interleaved rounds on the same machine at the same time, reported
 * as after / before ratios. Both are driven over HTTP only (the targets of targets.ts, `node
 * dist/src/server.js` of each build), so the comparison does not depend on either version's internals.
 *
 * The before build is a detached git worktree of <rev> in a temporary folder, with this checkout's
 * node_modules hard-linked in when the lockfiles are the same (else `npm ci` there), built with its own
 * `npm run build`. On SQLite: JSON uploads (the fill, in rounds), cached reads of the read mix beside bare
 * express, uncached region totals, national totals and national series, then the table import (TSV uploads,
 * in rounds). On the throwaway PostgreSQL cluster: JSON uploads and the table import, each build on a
 * database of its own.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { startCluster } from '../test/support/postgres-cluster';
import { BenchRegion, jsonUpload, periods, regionTable, rowTotal } from './data';
import { postInTurn, Upload } from './fill';
import { tableUpload } from './import';
import { cpuMicros, median, RoundsSettings, Sample } from './load';
import { fillJson } from './fill';
import { Endpoint, interleaved, largestRegion, readEndpoints, rotate } from './reads';
import { checkSameBytes, uncachedPaths } from './series';
import { bodyOf, createDatabases, onCleanUp, startBare, startService, Target, tempDir } from './targets';

type Log = (line: string) => void;

export interface CompareSettings extends RoundsSettings {
  /** Periods stored for the reads (35 JSON uploads each), uploaded in `rounds` equal parts: the SQLite JSON uploads measured. */
  periods: number;
  /** Rounds of the table import, each `importFiles` files (one per period, all 35 regions: 342 rows each) per build. */
  importRounds: number;
  importFiles: number;
  /** Periods of JSON uploads per round and build on PostgreSQL. */
  postgresPeriods: number;
  /** Connections of the uncached loads: fewer than for the cached ones, so that a short window holds answers and not a queue. */
  uncachedConnections: number;
  /** Periods of the further instances of each build on which the national series is loaded besides `periods` (issue 19: flat from 10 to 160). */
  growthPeriods: number[];
}

/** A build of the service: where it is and which commit it was built from. */
export interface Build {
  name: 'before' | 'after';
  rev: string;
  commit: string;
  root: string;
  /** Built with changes not committed (this checkout only). */
  dirty: boolean;
  /** How node_modules got there. */
  modules: string;
}

/** Per-round ratios of one measure between two targets (round i of one against round i of the other). */
export interface Ratio {
  median: number;
  min: number;
  max: number;
}

export interface ReadRow {
  endpoint: Endpoint;
  /** Bytes of the before and the after answer. */
  bytes: [number, number];
  before: Sample[];
  after: Sample[];
  express?: Sample[];
}

export interface WriteRow {
  label: string;
  /** What one round counts: uploads or rows. */
  unit: string;
  /** Per round: units, seconds, server CPU seconds. */
  before: WriteRound[];
  after: WriteRound[];
  /** The lower bound on after / before that the consolidation asks for. */
  target: number;
}

export interface WriteRound {
  units: number;
  seconds: number;
  cpuSeconds: number;
}

export interface CompareReport {
  settings: CompareSettings;
  before: Build;
  after: Build;
  region: BenchRegion;
  cached: ReadRow[];
  uncached: ReadRow[];
  /** The national series, uncached and cached, per number of periods stored (ascending). */
  growth: Array<{ periods: number; uncached: ReadRow; cached: ReadRow }>;
  writes: WriteRow[];
  buildSeconds: number;
}

function git(args: string[], cwd = PROJECT_ROOT): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 256 * 2 ** 20 }).trim();
}

/** Runs a command with its output on our stderr, so that stdout keeps only the markdown. */
function run(command: string, args: string[], cwd: string): void {
  execFileSync(command, args, { cwd, stdio: ['ignore', 2, 2] });
}

/** Checks `rev` out into a temporary worktree, gives it node_modules and builds it there. */
export function buildBefore(rev: string, log: Log): Build {
  const commit = git(['rev-parse', '--verify', `${rev}^{commit}`]);
  const root = tempDir('sonar-bench-before-');
  // The folder goes with the other temporary ones; then git forgets the worktree.
  onCleanUp(() => git(['worktree', 'prune']));
  log(`compare: checking ${rev} (${commit.slice(0, 7)}) out into ${root}`);
  git(['worktree', 'add', '--detach', root, commit]);
  let lockfile = '';
  try {
    lockfile = git(['show', `${commit}:package-lock.json`]);
  } catch {
    // no lockfile in that revision: install from scratch
  }
  const ours = path.join(PROJECT_ROOT, 'package-lock.json');
  const same = existsSync(ours) && existsSync(path.join(PROJECT_ROOT, 'node_modules')) && lockfile === readFileSync(ours, 'utf8').trim();
  let modules: string;
  if (same) {
    log('  same package-lock.json: hard-linking node_modules');
    run('cp', ['-al', path.join(PROJECT_ROOT, 'node_modules'), path.join(root, 'node_modules')], root);
    modules = 'node_modules hard-linked (same package-lock.json)';
  } else {
    log('  package-lock.json differs: npm ci');
    run('npm', ['ci', '--prefer-offline', '--no-audit', '--no-fund'], root);
    modules = 'npm ci (package-lock.json differs)';
  }
  log('  npm run build');
  run('npm', ['run', 'build'], root);
  return { name: 'before', rev, commit, root, dirty: false, modules };
}

/** This checkout, as built (`npm run bench` builds it when stale). */
export function thisBuild(): Build {
  let commit = 'unknown';
  let dirty = false;
  try {
    commit = git(['rev-parse', 'HEAD']);
    dirty = git(['status', '--porcelain', '--untracked-files=no']) !== '';
  } catch {
    // not a git checkout
  }
  return { name: 'after', rev: 'this checkout', commit, root: PROJECT_ROOT, dirty, modules: 'its own' };
}

/** Splits `items` into `parts` consecutive parts of (nearly) equal size. */
function split<T>(items: T[], parts: number): T[][] {
  return Array.from({ length: parts }, (_, i) => items.slice(Math.floor((i * items.length) / parts), Math.floor(((i + 1) * items.length) / parts)));
}

/**
 * Sends each round's uploads to every target, one upload at a time, targets in rotating order. Returns per
 * target the rounds' counts, seconds and the server's CPU time.
 */
async function writeRounds(targets: Target[], rounds: Array<{ uploads: Upload[]; units: number }>, label: string, log: Log): Promise<Map<string, WriteRound[]>> {
  const results = new Map<string, WriteRound[]>(targets.map((t) => [t.name, []]));
  for (const [r, round] of rounds.entries()) {
    for (const t of rotate(targets, r)) {
      const cpu = cpuMicros(t.pid);
      const seconds = await postInTurn(t, round.uploads);
      const result = { units: round.units, seconds, cpuSeconds: (cpuMicros(t.pid) - cpu) / 1e6 };
      results.get(t.name)?.push(result);
      log(`  round ${r + 1}/${rounds.length} ${label.padEnd(30)} ${t.name.padEnd(8)} ${Math.round(result.units / seconds).toString().padStart(7)}/s  ${(1e6 * result.cpuSeconds / result.units).toFixed(0)} µs CPU each`);
    }
  }
  return results;
}

function jsonRounds(regions: BenchRegion[], periodList: string[], rounds: number): Array<{ uploads: Upload[]; units: number }> {
  return split(periodList, rounds).map((part) => {
    const uploads = part.flatMap((period) => regions.map((r) => ({ path: '/v1/uploads', body: jsonUpload(regionTable(r, period)), type: 'application/json' })));
    return { uploads, units: uploads.length };
  });
}

function importRounds(regions: BenchRegion[], settings: CompareSettings): Array<{ uploads: Upload[]; units: number }> {
  const files = periods(settings.importRounds * settings.importFiles, '2050-12').map((period) => regions.map((r) => regionTable(r, period)));
  return split(files, settings.importRounds).map((part) => ({
    uploads: part.map(tableUpload),
    units: part.reduce((sum, tables) => sum + tables.reduce((s, t) => s + t.rows.length, 0), 0),
  }));
}

/** After the import: both builds hold its last period, with the national total its rows add up to. */
async function checkImport(targets: Target[], regions: BenchRegion[], settings: CompareSettings): Promise<void> {
  const last = periods(1, '2050-12')[0];
  const expected = regions.reduce((sum, r) => sum + regionTable(r, last).rows.reduce((s, row) => s + rowTotal(row), 0), 0);
  for (const t of targets) {
    const totals = JSON.parse((await bodyOf(t, `/v1/totals?period=${last}`)).toString()) as { total?: number; regions?: number };
    if (totals.total !== expected || totals.regions !== regions.length) {
      throw new Error(`${t.name} did not store the ${settings.importRounds * settings.importFiles} files: ${last} has ${totals.regions} regions, total ${totals.total} (expected ${expected})`);
    }
  }
}

async function sqlitePart(builds: [Build, Build], settings: CompareSettings, regions: BenchRegion[], log: Log) {
  const services = [
    await startService({ name: 'before', dir: tempDir(), root: builds[0].root }),
    await startService({ name: 'after', dir: tempDir(), root: builds[1].root }),
  ];
  const [before, after] = services;
  const others: Target[] = [];
  try {
    log(`SQLite: before (pid ${before.pid}) and after (pid ${after.pid}); ${regions.length} regions × ${settings.periods} periods as JSON uploads in ${settings.rounds} rounds`);
    const json = await writeRounds(services, jsonRounds(regions, periods(settings.periods), settings.rounds), 'JSON uploads (SQLite)', log);

    const region = largestRegion(regions);
    const cachedEndpoints = readEndpoints(region);
    const bodies = new Map<string, Buffer>();
    const bytes = new Map<string, [number, number]>();
    for (const e of cachedEndpoints) {
      const [b, a] = [await bodyOf(before, e.path), await bodyOf(after, e.path)];
      if (!a.equals(b)) log(`  note: before and after answer ${e.path} differently (${b.length} and ${a.length} bytes); bare express serves the after bytes`);
      bodies.set(e.path, a);
      bytes.set(e.path, [b.length, a.length]);
    }
    const express = await startBare('express', bodies);
    others.push(express);
    log(`cached reads: before, after and bare express (pid ${express.pid})`);
    const options = { connections: settings.connections, seconds: settings.seconds, maxRequests: settings.maxRequests };
    const cachedSamples = await interleaved([before, after, express], cachedEndpoints, settings.rounds, options, settings.warmupSeconds, log);
    await express.stop();

    // A new URL for every request with the plain URL's answer: every request misses the read cache.
    let instant = Date.parse('2030-01-01T00:00:00.000Z');
    const asOf = (p: string) => () => `${p}?asOf=${new Date(instant++).toISOString()}`;
    const regionTotals = `/v1/regions/${region.code}/totals`;
    const workbook = `/v1/regions/${region.code}/table`;
    // Each beside its cached self, with the same connections, for issue 19's ratios of uncached to cached.
    const uncachedEndpoints: Endpoint[] = [
      { path: regionTotals, core: true, label: 'region totals (uncached)', paths: asOf(regionTotals) },
      { path: '/v1/totals', core: true, label: 'national totals (uncached)', paths: asOf('/v1/totals') },
      { path: '/v1/totals', core: true, label: 'national totals (cached)' },
      { path: '/v1/series', core: true, label: 'national series (uncached)', paths: uncachedPaths('/v1/series', settings.periods) },
      { path: '/v1/series', core: true, label: 'national series (cached)' },
      { path: workbook, core: true, label: 'region workbook xlsx (uncached)', accept: XLSX, freshAccept: true },
      { path: workbook, core: true, label: 'region workbook xlsx (cached)', accept: XLSX },
    ];
    for (const t of services) await checkSameBytes(t, uncachedEndpoints);
    for (const e of uncachedEndpoints) bytes.set(e.label as string, [(await bodyOf(before, e.path)).length, (await bodyOf(after, e.path)).length]);
    log('uncached reads: before and after');
    const uncachedOptions = { ...options, connections: settings.uncachedConnections };
    const uncachedSamples = await interleaved([before, after], uncachedEndpoints, settings.rounds, uncachedOptions, settings.warmupSeconds, log);
    const growth = await seriesGrowth(services, builds, settings, regions, log);

    log(`table import (SQLite): ${settings.importRounds} rounds × ${settings.importFiles} TSV files`);
    const imports = await writeRounds(services, importRounds(regions, settings), 'table import (SQLite)', log);
    await checkImport(services, regions, settings);

    const of = (samples: Map<string, Sample[]>, t: Target, e: Endpoint) => samples.get(`${t.name} ${e.label ?? e.path}`) ?? [];
    return {
      region,
      cached: cachedEndpoints.map((e) => ({ endpoint: e, bytes: bytes.get(e.path) ?? [0, 0], before: of(cachedSamples, before, e), after: of(cachedSamples, after, e), express: of(cachedSamples, express, e) })),
      uncached: uncachedEndpoints.map((e) => ({ endpoint: e, bytes: bytes.get(e.label as string) ?? [0, 0], before: of(uncachedSamples, before, e), after: of(uncachedSamples, after, e) })),
      growth,
      writes: [
        { label: 'JSON uploads per second, SQLite', unit: 'uploads', before: json.get('before') ?? [], after: json.get('after') ?? [], target: 1 },
        { label: 'table import rows per second, SQLite', unit: 'rows', before: imports.get('before') ?? [], after: imports.get('after') ?? [], target: 0.9 },
      ] as WriteRow[],
    };
  } finally {
    await Promise.all([...services, ...others].map((t) => t.stop()));
  }
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The national series, uncached and cached, on further instances of each build holding `growthPeriods`
 * periods, beside the two holding `periods` (`held`): what an uncached series costs as history grows.
 */
async function seriesGrowth(held: Target[], builds: [Build, Build], settings: CompareSettings, regions: BenchRegion[], log: Log): Promise<CompareReport['growth']> {
  const started: Target[] = [];
  try {
    const counts = [...new Set([settings.periods, ...settings.growthPeriods])].sort((a, b) => a - b);
    const instances = new Map<number, Target[]>([[settings.periods, held]]);
    for (const count of counts.filter((c) => c !== settings.periods)) {
      const pair: Target[] = [];
      for (const b of builds) {
        const t = await startService({ name: `${b.name} ${count}`, dir: tempDir(), root: b.root });
        started.push(t);
        log(`series growth: filling ${t.name} (pid ${t.pid}) with ${regions.length} regions × ${count} periods`);
        const fill = await fillJson(t, regions, periods(count));
        log(`  ${fill.uploads} uploads in ${fill.seconds.toFixed(1)} s`);
        pair.push(t);
      }
      instances.set(count, pair);
    }
    const named = counts.flatMap((c) => (instances.get(c) as Target[]).map((t, i) => ({ ...t, name: `${builds[i].name} ${c} periods` })));
    const maxPeriods = Math.max(...counts);
    const endpoints: Endpoint[] = [
      { path: '/v1/series', core: true, label: 'national series (uncached)', paths: uncachedPaths('/v1/series', maxPeriods) },
      { path: '/v1/series', core: true, label: 'national series (cached)' },
    ];
    for (const t of named) await checkSameBytes(t, endpoints);
    const options = { connections: settings.uncachedConnections, seconds: settings.seconds, maxRequests: settings.maxRequests };
    const samples = await interleaved(named, endpoints, settings.rounds, options, settings.warmupSeconds, log);
    const of = (build: Build, count: number, e: Endpoint) => samples.get(`${build.name} ${count} periods ${e.label}`) ?? [];
    const row = (count: number, e: Endpoint): ReadRow => ({ endpoint: e, bytes: [0, 0], before: of(builds[0], count, e), after: of(builds[1], count, e) });
    return counts.map((count) => ({ periods: count, uncached: row(count, endpoints[0]), cached: row(count, endpoints[1]) }));
  } finally {
    await Promise.all(started.map((t) => t.stop()));
  }
}

async function postgresPart(builds: [Build, Build], settings: CompareSettings, regions: BenchRegion[], log: Log): Promise<WriteRow[]> {
  const cluster = await startCluster();
  const services: Target[] = [];
  try {
    await createDatabases(cluster, builds.map((b) => `sonar_${b.name}`));
    for (const b of builds) services.push(await startService({ name: b.name, dir: tempDir(), root: b.root, env: { DATABASE_URL: cluster.url(`sonar_${b.name}`) } }));
    log(`PostgreSQL ${cluster.url('')}: before (pid ${services[0].pid}) and after (pid ${services[1].pid})`);
    const json = await writeRounds(services, jsonRounds(regions, periods(settings.rounds * settings.postgresPeriods), settings.rounds), 'JSON uploads (PostgreSQL)', log);
    const imports = await writeRounds(services, importRounds(regions, settings), 'table import (PostgreSQL)', log);
    await checkImport(services, regions, settings);
    return [
      { label: 'JSON uploads per second, PostgreSQL', unit: 'uploads', before: json.get('before') ?? [], after: json.get('after') ?? [], target: 1 },
      { label: 'table import rows per second, PostgreSQL', unit: 'rows', before: imports.get('before') ?? [], after: imports.get('after') ?? [], target: 1 },
    ];
  } finally {
    await Promise.all(services.map((t) => t.stop()));
    cluster.remove();
  }
}

export async function runCompare(rev: string, settings: CompareSettings, regions: BenchRegion[], log: Log): Promise<CompareReport> {
  const started = Date.now();
  const before = buildBefore(rev, log);
  const buildSeconds = (Date.now() - started) / 1000;
  const after = thisBuild();
  const sqlite = await sqlitePart([before, after], settings, regions, log);
  const postgres = await postgresPart([before, after], settings, regions, log);
  return { settings, before, after, region: sqlite.region, cached: sqlite.cached, uncached: sqlite.uncached, growth: sqlite.growth, writes: [...sqlite.writes, ...postgres], buildSeconds };
}

/**
 * Round i of `a` over round i of `b`: the two were measured side by side, so the machine's drift cancels.
 * A round where either has nothing (no answer within the window) says nothing and is left out.
 */
export function paired(a: number[], b: number[]): Ratio {
  const ratios = a.flatMap((x, i) => (x > 0 && b[i] > 0 ? [x / b[i]] : []));
  return { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) };
}

/** The median of the finite values (a window without answers has no CPU per answer). */
const mid = (values: number[]) => median(values.filter(Number.isFinite));

const n = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : '–');
const spread = (r: Ratio) => `${f2(r.min)}–${f2(r.max)}`;
const rps = (s: Sample[]) => s.map((x) => x.rps);
const cpu = (s: Sample[]) => s.map((x) => x.cpuPerRequest);
const rate = (w: WriteRound[]) => w.map((x) => x.units / x.seconds);
const cpuPer = (w: WriteRound[]) => w.map((x) => x.cpuSeconds / x.units);
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
const short = (b: Build) => `${b.rev} (${b.commit.slice(0, 7)}${b.dirty ? ' with uncommitted changes' : ''})`;

export function compareMarkdown(r: CompareReport): string {
  const s = r.settings;
  const failures = [...r.cached, ...r.uncached].reduce((sum, row) => sum + [...row.before, ...row.after, ...(row.express ?? [])].reduce((x, l) => x + l.failures, 0), 0);
  const toExpress = r.cached.map((row) => ({
    before: paired(rps(row.before), rps(row.express ?? [])),
    after: paired(rps(row.after), rps(row.express ?? [])),
    beforeCpu: paired(cpu(row.express ?? []), cpu(row.before)),
    afterCpu: paired(cpu(row.express ?? []), cpu(row.after)),
  }));
  const cachedRatios = r.cached.map((row) => ({ rps: paired(rps(row.after), rps(row.before)), cpu: paired(cpu(row.before), cpu(row.after)) }));
  const range = (xs: number[]) => `${f2(Math.min(...xs))}–${f2(Math.max(...xs))}`;
  const lowestAfter = Math.min(...toExpress.map((x) => x.after.median));
  const lowestAfterCpu = Math.min(...toExpress.map((x) => x.afterCpu.median));
  const met = (byRps: boolean, byCpu: boolean) => `${byRps ? 'yes' : '**no**'} / ${byCpu ? 'yes' : '**no**'}`;
  const summary: string[][] = [
    ['cached reads (the read mix) / bare express: lowest–highest endpoint by req/s (by CPU)',
      `${range(toExpress.map((x) => x.before.median))} (${range(toExpress.map((x) => x.beforeCpu.median))})`,
      `${range(toExpress.map((x) => x.after.median))} (${range(toExpress.map((x) => x.afterCpu.median))})`, '–', '–', '–', 'after ≥ 2 × express', met(lowestAfter >= 2, lowestAfterCpu >= 2)],
    ['cached reads (the read mix) req/s: median over the endpoints', n(mid(r.cached.map((row) => mid(rps(row.before))))), n(mid(r.cached.map((row) => mid(rps(row.after))))),
      `**${f2(median(cachedRatios.map((x) => x.rps.median)))}**`, `${f2(Math.min(...cachedRatios.map((x) => x.rps.min)))}–${f2(Math.max(...cachedRatios.map((x) => x.rps.max)))}`,
      f2(median(cachedRatios.map((x) => x.cpu.median))), '–', '–'],
    ...r.uncached.map((row) => {
      const ratio = paired(rps(row.after), rps(row.before));
      const byCpu = paired(cpu(row.before), cpu(row.after)).median;
      return [`${row.endpoint.label} req/s`, n(mid(rps(row.before))), n(mid(rps(row.after))), `**${f2(ratio.median)}**`, spread(ratio), f2(byCpu), '≥ 1.00', met(ratio.median >= 1, byCpu >= 1)];
    }),
    ...r.writes.map((w) => {
      const ratio = paired(rate(w.after), rate(w.before));
      const byCpu = paired(cpuPer(w.before), cpuPer(w.after)).median;
      return [w.label, n(mid(rate(w.before))), n(mid(rate(w.after))), `**${f2(ratio.median)}**`, spread(ratio), f2(byCpu), `≥ ${w.target.toFixed(2)}`, met(ratio.median >= w.target, byCpu >= w.target)];
    }),
  ];
  const writesOf = (w: WriteRow) => `${w.before.length} rounds × ${n(w.before[0]?.units ?? NaN)} ${w.unit}`;
  return [
    `### Before and after: ${short(r.before)} → ${short(r.after)}`,
    '',
    `"Before" is ${r.before.rev} checked out into a temporary git worktree (${r.before.modules}) and built there with its own \`npm run build\` ` +
      `(${n(r.buildSeconds)} s); "after" is this checkout's build. Each is started as production runs it (\`node dist/src/server.js\`, the same ` +
      'environment, a fresh SQLite file or PostgreSQL database of its own) and driven over HTTP only, the two in rotating order within every round. ' +
      '"after / before" is the median over the rounds of round i of after against round i of before, with the lowest and highest round beside it: ' +
      'how far the machine\'s noise moves a ratio of two equal builds. "by CPU" is the same ratio by the server process\'s CPU time per answer, ' +
      `upload or row (before's over after's, so above 1 is faster too), which depends far less on the machine's other load. Failed requests over all loads: ${failures}.`,
    '',
    table(['measure', 'before', 'after', 'after / before', 'lowest–highest round', 'by CPU', 'target', 'met? by req/s / by CPU'], summary),
    '',
    `#### Cached reads, before and after beside bare express`,
    '',
    `Both hold 35 regions × ${s.periods} periods; {region} is ${r.region.code} (${r.region.name}, the largest). Bare express answers the after build's bytes. ` +
      `${s.connections} connections; ${s.rounds} round${s.rounds === 1 ? '' : 's'} × ${s.seconds} s per target and endpoint after a ${s.warmupSeconds} s warm-up; req/s as medians over the rounds, ratios as medians of per-round ratios. ` +
      '"by CPU" is express\'s server CPU per answer over the build\'s.',
    '',
    table(
      ['endpoint', 'bytes before / after', 'before req/s', 'after req/s', 'bare express req/s', 'before / express (by CPU)', 'after / express (by CPU)', 'after / before (lowest–highest round)', 'server CPU µs/req before / after / express', 'p99 ms before / after / express'],
      r.cached.map((row, i) => {
        const ratio = paired(rps(row.after), rps(row.before));
        const ex = row.express ?? [];
        return [
          `\`GET ${row.endpoint.path}\``, `${n(row.bytes[0])} / ${n(row.bytes[1])}`,
          n(mid(rps(row.before))), n(mid(rps(row.after))), n(mid(rps(ex))),
          `${f2(toExpress[i].before.median)} (${f2(toExpress[i].beforeCpu.median)})`, `**${f2(toExpress[i].after.median)}** (${f2(toExpress[i].afterCpu.median)})`, `${f2(ratio.median)} (${spread(ratio)})`,
          `${n(mid(cpu(row.before)))} / ${n(mid(cpu(row.after)))} / ${n(mid(cpu(ex)))}`,
          `${n(mid(row.before.map((x) => x.p99)))} / ${n(mid(row.after.map((x) => x.p99)))} / ${n(mid(ex.map((x) => x.p99)))}`,
        ];
      }),
    ),
    '',
    '#### Uncached reads',
    '',
    'Every request under a URL not asked before with the plain URL\'s answer (checked byte for byte on both builds): the totals under a new `asOf` each time, ' +
      'the series with `?startPeriod=<a month of the 1900s>&lastNObservations=<≥ the periods stored>`; so every answer is derived from the store. ' +
      `Same rounds as the cached reads, with ${s.uncachedConnections} connections.`,
    '',
    table(
      ['endpoint', 'bytes before / after', 'before req/s (lowest–highest)', 'after req/s (lowest–highest)', 'after / before', 'server CPU µs/req before / after', 'p99 ms before / after'],
      r.uncached.map((row) => [
        `\`GET ${row.endpoint.path}\` (${row.endpoint.label})`, `${n(row.bytes[0])} / ${n(row.bytes[1])}`,
        `${n(mid(rps(row.before)))} (${n(Math.min(...rps(row.before)))}–${n(Math.max(...rps(row.before)))})`,
        `${n(mid(rps(row.after)))} (${n(Math.min(...rps(row.after)))}–${n(Math.max(...rps(row.after)))})`,
        `**${f2(paired(rps(row.after), rps(row.before)).median)}**`,
        `${n(mid(cpu(row.before)))} / ${n(mid(cpu(row.after)))}`,
        `${n(mid(row.before.map((x) => x.p99)))} / ${n(mid(row.after.map((x) => x.p99)))}`,
      ]),
    ),
    '',
    ...issue19Markdown(r),
    '#### Writes',
    '',
    'One upload at a time through `POST /v1/uploads`; JSON: one region and period per upload; table import: one TSV file per period holding all 35 regions ' +
      '(342 rows), laid out like test/fixtures/twente-publication.tsv. Each round sends the same uploads to both builds; afterwards both are checked to hold the last file\'s national total.',
    '',
    table(
      ['writes', 'rounds', 'before per second (lowest–highest)', 'after per second (lowest–highest)', 'after / before', 'server CPU µs each before / after'],
      r.writes.map((w) => [
        w.label, writesOf(w),
        `${n(mid(rate(w.before)))} (${n(Math.min(...rate(w.before)))}–${n(Math.max(...rate(w.before)))})`,
        `${n(mid(rate(w.after)))} (${n(Math.min(...rate(w.after)))}–${n(Math.max(...rate(w.after)))})`,
        `**${f2(paired(rate(w.after), rate(w.before)).median)}**`,
        `${n(1e6 * median(cpuPer(w.before)))} / ${n(1e6 * median(cpuPer(w.after)))}`,
      ]),
    ),
  ].join('\n');
}

/** Issue 19's targets: uncached beside cached in the same rounds, and the uncached national series as history grows. */
function issue19Markdown(r: CompareReport): string[] {
  const row = (label: string) => r.uncached.find((x) => x.endpoint.label === label);
  const sides = ['before', 'after'] as const;
  // Uncached over cached, by req/s and by CPU (cached CPU over uncached), of one build.
  const over = (u: ReadRow | undefined, c: ReadRow | undefined, side: 'before' | 'after') => (u && c
    ? { rps: paired(rps(u[side]), rps(c[side])).median, cpu: paired(cpu(c[side]), cpu(u[side])).median } : { rps: NaN, cpu: NaN });
  const met = (x: { rps: number; cpu: number }, target: number) => `${x.rps >= target ? 'yes' : '**no**'} / ${x.cpu >= target ? 'yes' : '**no**'}`;
  const ratioCell = (x: { rps: number; cpu: number }) => `${f2(x.rps)} (${f2(x.cpu)})`;
  const rows: string[][] = [];
  const totals = sides.map((side) => over(row('national totals (uncached)'), row('national totals (cached)'), side));
  rows.push(['uncached national totals / cached', ...totals.map(ratioCell), '≥ 0.10', met(totals[1], 0.1)]);
  const workbook = sides.map((side) => over(row('region workbook xlsx (uncached)'), row('region workbook xlsx (cached)'), side));
  rows.push(['uncached region workbook / cached', ...workbook.map(ratioCell), '–', '–']);
  const largest = r.growth.at(-1);
  const smallest = r.growth[0];
  if (largest && smallest) {
    const series = sides.map((side) => over(largest.uncached, largest.cached, side));
    rows.push([`uncached national series / cached, ${largest.periods} periods`, ...series.map(ratioCell), '≥ 0.05', met(series[1], 0.05)]);
    // Growth by CPU per answer only: req/s of instances loaded in turn moves with the machine's other load.
    const growth = sides.map((side) => mid(cpu(largest.uncached[side])) / mid(cpu(smallest.uncached[side])));
    rows.push([`uncached national series CPU per answer, ${largest.periods} over ${smallest.periods} periods`, ...growth.map((g) => `${f2(g)} (by CPU)`), '≤ 1.50', growth[1] <= 1.5 ? 'yes (by CPU)' : '**no** (by CPU)']);
  }
  const growthTable = r.growth.length === 0 ? [] : [
    '',
    table(['periods stored', 'uncached before req/s / CPU µs', 'uncached after req/s / CPU µs', 'cached before req/s / CPU µs', 'cached after req/s / CPU µs', 'uncached after / before (by CPU)'],
      r.growth.map((g) => [String(g.periods),
        ...[g.uncached.before, g.uncached.after, g.cached.before, g.cached.after].map((x) => `${n(mid(rps(x)))} / ${n(mid(cpu(x)))}`),
        `${f2(paired(rps(g.uncached.after), rps(g.uncached.before)).median)} (${f2(paired(cpu(g.uncached.before), cpu(g.uncached.after)).median)})`])),
  ];
  return [
    '#### Issue 19: uncached beside cached, and the national series as history grows',
    '',
    'Uncached and cached loads of the same answer in the same rounds, with the uncached loads\' connections; the workbook is the region\'s table as xlsx ' +
      '(`Accept` xlsx, a different `Accept` on every uncached request). Ratios as medians of per-round ratios, by req/s (by CPU per answer, cached over uncached). ' +
      `The series also on instances of each build holding ${r.growth.map((g) => g.periods).join(', ')} periods (35 regions each, loaded in turn).`,
    '',
    table(['measure', 'before', 'after', 'target', 'met (after)? by req/s / by CPU'], rows),
    ...growthTable,
    '',
  ];
}
