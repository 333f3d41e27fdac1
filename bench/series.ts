/**
 * Issue 9: the series reads. With 35 regions × N periods stored, the national series and the series of the
 * largest region, cached (the plain URL) and uncached (a new URL for every request that asks for the same
 * answer, so that every request misses the read cache and derives the series from SQLite), beside a bare
 * express app answering the same bytes, in the same run. Then how the uncached cost grows with the
 * number of periods stored (e.g. 10, 40, 160): it must grow no worse than linearly.
 */
import { BenchRegion, periods } from './data';
import { fillJson, FillResult } from './fill';
import { RoundsSettings, summarize, Summary } from './load';
import { Endpoint, interleaved, largestRegion } from './reads';
import { bodyOf, startBare, startService, Target, tempDir } from './targets';

export interface SeriesSettings extends RoundsSettings {
  /** Periods stored for the comparison with bare express. */
  periods: number;
  /** Periods stored in the instances whose uncached cost is compared; one of them should equal `periods`. */
  growthPeriods: number[];
  growthRounds: number;
  growthSeconds: number;
  /** Fewer than for the cheap reads: 50 requests of 30 ms CPU each would fill a short window on a busy machine. */
  growthConnections: number;
}

export interface SeriesRow {
  endpoint: Endpoint;
  bytes: number;
  service: Summary;
  express: Summary;
}

export interface GrowthRow {
  endpoint: Endpoint;
  /** Per instance, in the order of `growthPeriods`. */
  bytes: number[];
  points: number[];
  loads: Summary[];
}

export interface SeriesReport {
  settings: SeriesSettings;
  region: BenchRegion;
  fill: FillResult;
  growthFills: FillResult[];
  comparison: SeriesRow[];
  growth: GrowthRow[];
}

type Log = (line: string) => void;

/** Months from 1900-01 on: all before any stored period, so a startPeriod among them selects every point. */
const EARLY_MONTHS = 12 * 100;
const MAX_LAST_N = 10_000;

/**
 * Paths that each ask for the whole series under a URL not asked before: a `startPeriod` before the first
 * stored period and a `lastNObservations` at least the number of periods select every point, so every
 * answer has the same bytes as the plain URL's, yet none is a cache hit. 1,200 × (10,000 − periods)
 * combinations: no run comes near repeating one.
 */
export function uncachedPaths(path: string, storedPeriods: number): () => string {
  let i = 0;
  return () => {
    i++;
    const month = i % EARLY_MONTHS;
    const lastN = storedPeriods + (Math.floor(i / EARLY_MONTHS) % (MAX_LAST_N - storedPeriods));
    const start = `${1900 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}`;
    return `${path}${path.includes('?') ? '&' : '?'}startPeriod=${start}&lastNObservations=${lastN}`;
  };
}

function seriesEndpoints(region: BenchRegion, storedPeriods: number, cached: boolean): Endpoint[] {
  const national = '/v1/series';
  const regional = `/v1/regions/${region.code}/series`;
  const uncached = [
    { path: national, core: true, label: `${national} (uncached)`, paths: uncachedPaths(national, storedPeriods) },
    { path: regional, core: true, label: `${regional} (uncached)`, paths: uncachedPaths(regional, storedPeriods) },
  ];
  return cached ? [...uncached, { path: national, core: true, label: `${national} (cached)` }, { path: regional, core: true, label: `${regional} (cached)` }] : uncached;
}

/** Checks that the uncached URLs answer exactly the bytes of the plain URL. */
export async function checkSameBytes(target: Target, endpoints: Endpoint[]): Promise<void> {
  for (const e of endpoints) {
    if (!e.paths) continue;
    const plain = await bodyOf(target, e.path);
    const other = await bodyOf(target, e.paths());
    if (!plain.equals(other)) throw new Error(`${target.name}: ${e.label} does not answer the bytes of ${e.path}`);
  }
}

const fillLog = (log: Log, f: FillResult) => log(`  ${f.uploads} uploads, ${f.rows} gemeente rows in ${f.seconds.toFixed(1)} s`);

export async function runSeries(settings: SeriesSettings, regions: BenchRegion[], log: Log): Promise<SeriesReport> {
  const region = largestRegion(regions);
  const service = await startService({ name: 'service', dir: tempDir() });
  const others: Target[] = [];
  try {
    log(`series: service started (pid ${service.pid}); filling ${regions.length} regions × ${settings.periods} periods`);
    const fill = await fillJson(service, regions, periods(settings.periods));
    fillLog(log, fill);
    const endpoints = seriesEndpoints(region, settings.periods, true);
    await checkSameBytes(service, endpoints);
    const bodies = new Map<string, Buffer>();
    for (const e of endpoints) bodies.set(e.path, await bodyOf(service, e.path));
    const express = await startBare('express', bodies);
    others.push(express);
    // startBare checked each path; an uncached one is asked with a query of its own, which express leaves aside.
    for (const e of endpoints) {
      if (e.paths && !(await bodyOf(express, e.paths())).equals(bodies.get(e.path) as Buffer)) throw new Error(`bare express does not serve the bytes of ${e.label}`);
    }
    log(`bare express (pid ${express.pid}) serves the same bytes; loading`);
    const options = { connections: settings.connections, seconds: settings.seconds, maxRequests: settings.maxRequests };
    const samples = await interleaved([service, express], endpoints, settings.rounds, options, settings.warmupSeconds, log);
    await express.stop();
    const of = (t: Target, e: Endpoint) => summarize(samples.get(`${t.name} ${e.label ?? e.path}`) ?? []);
    const comparison = endpoints.map((e) => ({ endpoint: e, bytes: bodies.get(e.path)?.length ?? 0, service: of(service, e), express: of(express, e) }));

    // The same uncached reads against instances holding more and fewer periods, loaded in turn.
    const growthFills: FillResult[] = [];
    const instances: Target[] = [];
    for (const count of settings.growthPeriods) {
      if (count === settings.periods) {
        growthFills.push(fill);
        instances.push(service);
        continue;
      }
      const instance = await startService({ name: `service ${count} periods`, dir: tempDir() });
      others.push(instance);
      log(`growth: filling ${instance.name}`);
      const f = await fillJson(instance, regions, periods(count));
      fillLog(log, f);
      growthFills.push(f);
      instances.push(instance);
    }
    const named = instances.map((t, i) => ({ ...t, name: `${settings.growthPeriods[i]} periods` }));
    // The region's series in one year's classification beside the plain one (issue 18): every period is checked
    // against the membership of 2026 (the bench's years all have the map of 2026, so no point is re-summed).
    const classified = `/v1/regions/${region.code}/series?classification=2026`;
    const growthEndpoints = [...seriesEndpoints(region, Math.max(...settings.growthPeriods), false),
      { path: classified, core: true, label: `${classified} (uncached)`, paths: uncachedPaths(classified, Math.max(...settings.growthPeriods)) }];
    for (const t of named) await checkSameBytes(t, growthEndpoints);
    const growthOptions = { connections: settings.growthConnections, seconds: settings.growthSeconds, maxRequests: settings.maxRequests };
    const growthSamples = await interleaved(named, growthEndpoints, settings.growthRounds, growthOptions, settings.warmupSeconds, log);
    const growth: GrowthRow[] = [];
    for (const e of growthEndpoints) {
      const bytes: number[] = [];
      const points: number[] = [];
      for (const t of named) {
        const body = await bodyOf(t, e.path);
        bytes.push(body.length);
        points.push((JSON.parse(body.toString()) as { series: unknown[] }).series.length);
      }
      growth.push({ endpoint: e, bytes, points, loads: named.map((t) => summarize(growthSamples.get(`${t.name} ${e.label}`) ?? [])) });
    }
    return { settings, region, fill, growthFills, comparison, growth };
  } finally {
    await Promise.all([service, ...others].map((t) => t.stop()));
  }
}
