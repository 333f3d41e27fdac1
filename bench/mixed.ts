/**
 * Issue 19: reads while the figures change. 100 connections read a mix (a region's totals, the national
 * totals, the coverage as CSV, the national series and the region's xlsx table; one read in ten of the JSON
 * ones as of the current second, a new `asOf` each second), first alone, then while writers upload a region's
 * figures for the latest period and withdraw that upload again (four writers at once, in a process of their
 * own, each one write after another, at up to 30 writes/s in all: a write takes about 100-140 ms on
 * PostgreSQL under this read load, so fewer writers could not offer 30 writes/s on any build).
 * Reported: reads/s, p50 and p99 of each phase, writes/s, mixed / reads-only, and the cores each part used
 * (load generator, service, PostgreSQL, writers), since they all share the machine's few. On SQLite (one process)
 * and on PostgreSQL with two instances on one database (reads spread over both, writes alternating).
 * With `--compare=<rev>` each build is measured in turn within every round, so before and after stand side by side.
 * In the same rounds, a floor: as many bare node:http processes as instances, answering the mix's bytes under
 * the same load (reads only): bare servers' latency under this closed load at that moment of the machine,
 * context for the service's milliseconds, not a part of them.
 */
import { fork } from 'node:child_process';
import path from 'node:path';
import { startCluster } from '../test/support/postgres-cluster';
import type { Build } from './compare';
import { BenchRegion, periods } from './data';
import { fillJson } from './fill';
import type { Written, WritersOrder } from './mixed-writers';
import { cpuMicros, load, median, Sample, treeCpuMicros } from './load';
import { largestRegion, rotate } from './reads';
import { bodyOf, createDatabases, startBare, startService, Target, tempDir } from './targets';

type Log = (line: string) => void;

export interface MixedSettings {
  connections: number;
  /** Seconds of each phase (reads only, then reads with writes) in each round. */
  seconds: number;
  rounds: number;
  warmupSeconds: number;
  maxRequests: number;
  /** Periods stored before the load (35 JSON uploads each). */
  periods: number;
  writesPerSecond: number;
  /** Writers at once, each uploading and withdrawing one after another at its share of `writesPerSecond`. */
  writers: number;
}

/** One phase of one round: the reads, and the writes made meanwhile. */
export interface Phase {
  reads: Sample;
  writes: number;
  writesPerSecond: number;
  /** Writes not answered 201 / 200. */
  writeFailures: number;
  /** Cores in use meanwhile (CPU seconds per second), by who used them: on a machine of few cores they share, that says who held the others back. */
  cores: Cores;
}

export interface Cores {
  /** autocannon, in the bench's own process. */
  loadGenerator: number;
  /** Every instance of the service. */
  service: number;
  /** PostgreSQL's server processes; SQLite runs inside the service. With `--compare`, both builds share the cluster: this counts the other build's idle connections too. */
  database?: number;
  writers: number;
}

export interface MixedRow {
  build: Pick<Build, 'name' | 'commit' | 'dirty'>;
  store: string;
  readsOnly: Phase[];
  mixed: Phase[];
}

/** The floor on one store's shape: bare node:http processes, one per instance, read alone in each round. */
export interface FloorRow {
  store: string;
  processes: number;
  readsOnly: Phase[];
}

export interface MixedReport {
  settings: MixedSettings;
  paths: string[];
  rows: MixedRow[];
  floors: FloorRow[];
}

/**
 * The read mix for one instance: the next path each time. Every tenth read is a JSON one as of the current
 * second, as a client asking "as of now" would send it: a new `asOf` every second, so those reads are
 * derived from the store once a second each, and kept meanwhile like any other. Without them (`withAsOf`
 * false, for the bare servers, which answer fixed paths), each such read asks for the same path without
 * `asOf`, so that every path keeps its share of the reads.
 */
function readMix(region: BenchRegion, withAsOf = true): { paths: string[]; next: () => string } {
  const paths = [`/v1/regions/${region.code}/totals`, '/v1/totals', '/v1/coverage?format=csv', '/v1/series', `/v1/regions/${region.code}/table?format=xlsx`];
  const asOfPaths = [`/v1/regions/${region.code}/totals?`, '/v1/totals?', '/v1/coverage?format=csv&', '/v1/series?'];
  let n = 0;
  return {
    paths,
    next: () => {
      const i = n++;
      if (i % 10 !== 9) return paths[i % paths.length];
      const asOfPath = asOfPaths[Math.floor(i / 10) % asOfPaths.length];
      if (!withAsOf) return asOfPath.slice(0, -1);
      const asOf = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
      return `${asOfPath}asOf=${asOf}`;
    },
  };
}

/**
 * Starts `settings.writers` writers in a process of their own (mixed-writers.ts): on the bench's event loop,
 * beside the load generator's 100 connections, their requests would wait for the readers' and the writes/s
 * measured would be the bench's, not the service's. Resolves once the process is ready, with what sets the
 * writers going for `seconds` and gives what they wrote.
 */
async function startWriters(instances: Target[], period: string, settings: MixedSettings): Promise<(seconds: number) => Promise<Written>> {
  const child = fork(path.join(__dirname, 'mixed-writers.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ended = new Promise<never>((_, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the writers' process ended with ${code} before it reported`)));
  });
  ended.catch(() => undefined); // awaited below, in a race
  const next = () => Promise.race([new Promise<unknown>((resolve) => child.once('message', resolve)), ended]);
  await next(); // ready
  return async (seconds) => {
    const order: WritersOrder = { urls: instances.map((t) => t.url), period, writers: settings.writers, writesPerSecond: settings.writesPerSecond, seconds };
    child.send(order);
    return (await next()) as Written;
  };
}

/**
 * The read mix on every instance at once (the connections shared out), with or without the writer;
 * `postmasterPid`: PostgreSQL's, on PostgreSQL; `withAsOf`: whether the mix has its reads as of now (not for bare servers).
 */
async function phase(instances: Target[], region: BenchRegion, period: string, settings: MixedSettings, seconds: number, writing: boolean, postmasterPid?: number, withAsOf = true): Promise<Phase> {
  const options = { connections: Math.ceil(settings.connections / instances.length), seconds, maxRequests: settings.maxRequests };
  const write = writing ? await startWriters(instances, period, settings) : undefined;
  const serviceCpu = () => instances.reduce((n, t) => n + cpuMicros(t.pid), 0);
  const databaseCpu = () => (postmasterPid === undefined ? 0 : treeCpuMicros(postmasterPid));
  const before = { at: performance.now(), loadGenerator: process.cpuUsage(), service: serviceCpu(), database: databaseCpu() };
  const [samples, written] = await Promise.all([
    Promise.all(instances.map((t) => load(t.url, options, t.pid, readMix(region, withAsOf).next))),
    write ? write(seconds) : Promise.resolve({ writes: 0, failures: 0, seconds, cpuSeconds: 0 }),
  ]);
  const elapsed = (performance.now() - before.at) * 1000; // µs
  const loadGenerator = process.cpuUsage(before.loadGenerator);
  const cores: Cores = {
    loadGenerator: (loadGenerator.user + loadGenerator.system) / elapsed,
    service: (serviceCpu() - before.service) / elapsed,
    ...(postmasterPid === undefined ? {} : { database: (databaseCpu() - before.database) / elapsed }),
    writers: (written.cpuSeconds * 1e6) / elapsed,
  };
  const reads: Sample = {
    rps: samples.reduce((n, s) => n + s.rps, 0),
    // Over several instances: the worse instance's latency.
    p50: Math.max(...samples.map((s) => s.p50)),
    p99: Math.max(...samples.map((s) => s.p99)),
    requests: samples.reduce((n, s) => n + s.requests, 0),
    failures: samples.reduce((n, s) => n + s.failures, 0),
    cpuPerRequest: median(samples.map((s) => s.cpuPerRequest)),
  };
  return { reads, writes: written.writes, writesPerSecond: written.writes / written.seconds, writeFailures: written.failures, cores };
}

interface Subject {
  build: Build;
  store: string;
  instances: Target[];
  /** PostgreSQL's postmaster, whose processes' CPU is counted as the database's. */
  postmasterPid?: number;
}

/**
 * As many bare node:http processes as `instances`, answering the read mix's paths with the bytes the first
 * instance gives them (as application/json, whatever their type: bare-server.ts); none left running when
 * one fails to start.
 */
async function startFloor(instances: Target[], region: BenchRegion): Promise<Target[]> {
  const bodies = new Map<string, Buffer>();
  for (const p of readMix(region).paths) bodies.set(p, await bodyOf(instances[0], p));
  const bare: Target[] = [];
  try {
    for (let i = 0; i < instances.length; i++) bare.push(await startBare('http', bodies));
  } catch (error) {
    await Promise.all(bare.map((t) => t.stop()));
    throw error;
  }
  return bare;
}

/**
 * Rounds over the subjects and the floor, each round in rotating order: for a subject reads only, then reads
 * with writes; for the floor reads only.
 */
async function measure(subjects: Subject[], regions: BenchRegion[], settings: MixedSettings, log: Log): Promise<{ rows: MixedRow[]; floor: FloorRow }> {
  const region = largestRegion(regions);
  const latest = periods(settings.periods).at(-1) as string;
  const rows = subjects.map((s) => ({ build: { name: s.build.name, commit: s.build.commit, dirty: s.build.dirty }, store: s.store, readsOnly: [] as Phase[], mixed: [] as Phase[] }));
  // The bytes of the last build listed: with --compare, this checkout's.
  const bare = await startFloor(subjects[subjects.length - 1].instances, region);
  const floor: FloorRow = { store: subjects[0].store, processes: bare.length, readsOnly: [] };
  const floorPhase = (seconds: number) => phase(bare, region, latest, settings, seconds, false, undefined, false);
  // One turn per subject, and the floor's; each round takes them in rotating order.
  const turns = [
    ...subjects.map((s, i) => async (round: number) => {
      const alone = await phase(s.instances, region, latest, settings, settings.seconds, false, s.postmasterPid);
      const mixed = await phase(s.instances, region, latest, settings, settings.seconds, true, s.postmasterPid);
      rows[i].readsOnly.push(alone);
      rows[i].mixed.push(mixed);
      log(`  round ${round + 1} ${s.store} ${s.build.name}: reads only ${alone.reads.rps.toFixed(0)}/s p99 ${alone.reads.p99} ms; ` +
        `with ${mixed.writesPerSecond.toFixed(1)} writes/s ${mixed.reads.rps.toFixed(0)}/s p50 ${mixed.reads.p50} ms p99 ${mixed.reads.p99} ms; ` +
        `cores ${coresText(alone.cores)} → ${coresText(mixed.cores)}` +
        `${mixed.reads.failures + alone.reads.failures + mixed.writeFailures > 0 ? ` (failures: reads ${alone.reads.failures + mixed.reads.failures}, writes ${mixed.writeFailures})` : ''}`);
    }),
    async (round: number) => {
      const alone = await floorPhase(settings.seconds);
      floor.readsOnly.push(alone);
      log(`  round ${round + 1} ${floor.store}, floor (${bare.length} bare node:http): ${alone.reads.rps.toFixed(0)}/s p50 ${alone.reads.p50} ms p99 ${alone.reads.p99} ms` +
        `${alone.reads.failures > 0 ? ` (failures: ${alone.reads.failures})` : ''}`);
    },
  ];
  try {
    // A build's warm-up is its phase with writes, so that its first round does not carry its first writes.
    for (const s of subjects) await phase(s.instances, region, latest, settings, settings.warmupSeconds, true, s.postmasterPid);
    await floorPhase(settings.warmupSeconds);
    for (let round = 0; round < settings.rounds; round++) {
      for (const turn of rotate(turns, round)) await turn(round);
    }
  } finally {
    await Promise.all(bare.map((t) => t.stop()));
  }
  return { rows, floor };
}

export async function runMixed(builds: Build[], settings: MixedSettings, regions: BenchRegion[], log: Log): Promise<MixedReport> {
  const fillPeriods = periods(settings.periods);
  const rows: MixedRow[] = [];
  const floors: FloorRow[] = [];
  const paths = readMix(largestRegion(regions)).paths;
  const measured = (m: { rows: MixedRow[]; floor: FloorRow }) => {
    rows.push(...m.rows);
    floors.push(m.floor);
  };

  log(`mixed, SQLite: ${builds.map((b) => b.name).join(' and ')}; ${regions.length} regions × ${settings.periods} periods`);
  const sqlite: Subject[] = [];
  for (const build of builds) {
    const service = await startService({ name: `${build.name} sqlite`, dir: tempDir(), root: build.root });
    const fill = await fillJson(service, regions, fillPeriods, 4);
    log(`  ${build.name}: filled with ${fill.uploads} JSON uploads in ${fill.seconds.toFixed(1)} s`);
    sqlite.push({ build, store: 'SQLite, one process', instances: [service] });
  }
  try {
    measured(await measure(sqlite, regions, settings, log));
  } finally {
    await Promise.all(sqlite.flatMap((s) => s.instances.map((t) => t.stop())));
  }

  const cluster = await startCluster();
  try {
    await createDatabases(cluster, builds.map((build) => `sonar_mixed_${build.name}`));
    log(`mixed, PostgreSQL ${cluster.url('')}: two instances per build`);
    const postgres: Subject[] = [];
    for (const build of builds) {
      const env = { DATABASE_URL: cluster.url(`sonar_mixed_${build.name}`) };
      const a = await startService({ name: `${build.name} postgres A`, dir: tempDir(), root: build.root, env });
      const b = await startService({ name: `${build.name} postgres B`, dir: tempDir(), root: build.root, env });
      const fill = await fillJson(a, regions, fillPeriods, 4);
      log(`  ${build.name}: filled with ${fill.uploads} JSON uploads in ${fill.seconds.toFixed(1)} s`);
      postgres.push({ build, store: 'PostgreSQL, two instances', instances: [a, b], postmasterPid: cluster.postmasterPid() });
    }
    try {
      measured(await measure(postgres, regions, settings, log));
    } finally {
      await Promise.all(postgres.flatMap((s) => s.instances.map((t) => t.stop())));
    }
  } finally {
    cluster.remove();
  }
  return { settings, paths, rows, floors };
}

const medianCores = (phases: Phase[]): Cores => ({
  loadGenerator: median(phases.map((p) => p.cores.loadGenerator)),
  service: median(phases.map((p) => p.cores.service)),
  database: phases[0]?.cores.database === undefined ? undefined : median(phases.map((p) => p.cores.database ?? NaN)),
  writers: median(phases.map((p) => p.cores.writers)),
});

/** Cores in use, in the order of the report's column: load generator / service / database / writers. */
const coresText = (c: Cores) => [c.loadGenerator, c.service, c.database, c.writers].map((n) => (n === undefined ? '–' : n.toFixed(2))).join(' / ');

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');

export function mixedMarkdown(r: MixedReport): string {
  const s = r.settings;
  const lines = [
    '### Reads while the figures change (issue 19)',
    '',
    `${s.connections} connections read, in turn: ${r.paths.map((p) => `\`${p}\``).join(', ')}; every tenth read one of the JSON ones as of the current second (a new \`asOf\` each second). ` +
      `${s.rounds} rounds of ${s.seconds} s per phase (after ${s.warmupSeconds} s of warm-up with writes), medians over the rounds: reads only, then while a writer uploads a random region's ` +
      `figures for the latest period and withdraws that upload, ${s.writers} writers at once, each one write after another, at up to ${s.writesPerSecond} writes/s in all. ${s.periods} periods stored. ` +
      'On PostgreSQL the reads go to both instances (their req/s added, the worse p50 and p99) and the writes alternate between them. ' +
      'Cores: CPU seconds per second of the load generator / every instance of the service / PostgreSQL\'s processes / the writers\' process, reads only → with writes (medians). ' +
      'p99 ÷ floor: each round\'s p99 with writes over the p99 of the floor (below) in the same round, median over the rounds.',
    '',
    '| store | build | reads only: reads/s (p50 / p99 ms) | with writes: reads/s | p50 ms | p99 ms | p99 ÷ floor | writes/s | mixed / reads only (lowest–highest round) | met? (≥ 0.3 and p99 < 50 ms) | cores |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of r.rows) {
    const floor = r.floors.find((f) => f.store === row.store);
    if (!floor) throw new Error(`no floor was measured for ${row.store}`);
    const alone = median(row.readsOnly.map((p) => p.reads.rps));
    const mixed = median(row.mixed.map((p) => p.reads.rps));
    const ratios = row.mixed.map((p, i) => p.reads.rps / row.readsOnly[i].reads.rps);
    const p99 = median(row.mixed.map((p) => p.reads.p99));
    const ratio = mixed / alone;
    const failures = row.mixed.reduce((n, p) => n + p.reads.failures + p.writeFailures, 0) + row.readsOnly.reduce((n, p) => n + p.reads.failures, 0);
    lines.push(`| ${row.store} | ${row.build.name} (${row.build.commit.slice(0, 7)}${row.build.dirty ? ', uncommitted changes' : ''}) | ` +
      `${fmt(alone)} (${fmt(median(row.readsOnly.map((p) => p.reads.p50)))} / ${fmt(median(row.readsOnly.map((p) => p.reads.p99)))}) | ${fmt(mixed)} | ` +
      `${fmt(median(row.mixed.map((p) => p.reads.p50)))} | ${fmt(p99)} | ${fmt(median(row.mixed.map((p, i) => p.reads.p99 / floor.readsOnly[i].reads.p99)), 2)} | ` +
      `${fmt(median(row.mixed.map((p) => p.writesPerSecond)), 1)} | ` +
      `${fmt(ratio, 3)} (${fmt(Math.min(...ratios), 3)}–${fmt(Math.max(...ratios), 3)}) | ${ratio >= 0.3 && p99 < 50 ? 'yes' : 'no'}${failures ? ` (${failures} failed requests)` : ''} | ` +
      `${coresText(medianCores(row.readsOnly))} → ${coresText(medianCores(row.mixed))} |`);
  }
  lines.push('', 'The floor: as many bare node:http processes as the service has instances, answering the five paths with the same bytes (as application/json), ' +
    'under the same load (reads only: an as-of read asks for its path instead, since theirs are fixed), in the same rounds. It is bare servers\' latency under this closed load ' +
    'at that moment of the machine: context for the service\'s milliseconds, not a part of them.', '',
    '| store | floor | reads/s | p50 ms | p99 ms (lowest–highest round) | cores: load generator / bare servers |', '|---|---|---|---|---|---|');
  for (const f of r.floors) {
    const p99s = f.readsOnly.map((p) => p.reads.p99);
    const failures = f.readsOnly.reduce((n, p) => n + p.reads.failures, 0);
    lines.push(`| ${f.store} | ${f.processes} bare node:http${failures ? ` (${failures} failed requests)` : ''} | ${fmt(median(f.readsOnly.map((p) => p.reads.rps)))} | ` +
      `${fmt(median(f.readsOnly.map((p) => p.reads.p50)))} | ${fmt(median(p99s))} (${fmt(Math.min(...p99s))}–${fmt(Math.max(...p99s))}) | ` +
      `${fmt(median(f.readsOnly.map((p) => p.cores.loadGenerator)), 2)} / ${fmt(median(f.readsOnly.map((p) => p.cores.service)), 2)} |`);
  }
  return lines.join('\n');
}
