/**
 * Issue 4: every read endpoint at 0.9 of a bare express 5 app or better, with the same p99, however much
 * history is stored. The service, a bare express app and a bare node:http app answering the same bytes are
 * loaded in turn, in rotating order, for several rounds; then the same endpoints are compared between a
 * service holding 1 period and one holding 120.
 */
import { BenchRegion, periods } from './data';
import { fillJson, FillResult } from './fill';
import { load, LoadOptions, RoundsSettings, Sample, summarize, Summary } from './load';
import { bodyOf, startBare, startService, Target, tempDir } from './targets';

export interface ReadsSettings extends RoundsSettings {
  historyRounds: number;
  historySeconds: number;
  mainPeriods: number;
  historyPeriods: [number, number];
}

export interface Endpoint {
  path: string;
  /** Named in the issue; the others are extras. */
  core: boolean;
  /** How the endpoint is named in the results, when not by its path. */
  label?: string;
  /** A new path for each request (the same answer under another URL), so that none is a cache hit. */
  paths?: () => string;
  /** The Accept of every request (e.g. xlsx, where the path has no format to ask by). */
  accept?: string;
  /** A different Accept on every request (the read cache keys on it), so that none is a cache hit. */
  freshAccept?: boolean;
}

export interface ComparisonRow {
  endpoint: Endpoint;
  bytes: number;
  service: Summary;
  express: Summary;
  http: Summary;
}

export interface HistoryRow {
  endpoint: Endpoint;
  bytes: [number, number];
  small: Summary;
  large: Summary;
}

export interface ReadsReport {
  settings: ReadsSettings;
  region: BenchRegion;
  fill: FillResult;
  historyFill: [FillResult, FillResult];
  comparison: ComparisonRow[];
  history: HistoryRow[];
}

type Log = (line: string) => void;

/** The region with the most gemeenten: the largest /gemeenten answer. */
export function largestRegion(regions: BenchRegion[]): BenchRegion {
  return regions.reduce((best, r) => (r.gemeenten.length > best.gemeenten.length ? r : best));
}

export function readEndpoints(region: BenchRegion): Endpoint[] {
  return [
    { path: `/v1/regions/${region.code}/gemeenten`, core: true },
    { path: `/v1/regions/${region.code}/totals`, core: true },
    { path: '/v1/totals', core: true },
    { path: '/v1/coverage', core: true },
    { path: '/v1/regions', core: false },
    { path: '/v1/periods', core: false },
  ];
}

/** Rotates `items` by `by` places: round r of endpoint e starts with a different target each time. */
export function rotate<T>(items: T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Loads every target on every endpoint once per round, in rotating order; a warm-up run first. */
export async function interleaved(targets: Target[], endpoints: Endpoint[], rounds: number, options: LoadOptions, warmupSeconds: number, log: Log): Promise<Map<string, Sample[]>> {
  const samples = new Map<string, Sample[]>();
  const key = (t: Target, e: Endpoint) => `${t.name} ${e.label ?? e.path}`;
  for (const e of endpoints) {
    for (const t of targets) {
      await load(t.url + e.path, { ...options, seconds: warmupSeconds, accept: e.accept, uncached: e.freshAccept }, t.pid, e.paths);
      samples.set(key(t, e), []);
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const [ei, e] of endpoints.entries()) {
      for (const t of rotate(targets, round + ei)) {
        const sample = await load(t.url + e.path, { ...options, accept: e.accept, uncached: e.freshAccept }, t.pid, e.paths);
        samples.get(key(t, e))?.push(sample);
        log(`  round ${round + 1}/${rounds} ${(e.label ?? e.path).padEnd(30)} ${t.name.padEnd(18)} ${Math.round(sample.rps).toString().padStart(6)} req/s  p50 ${sample.p50} ms  p99 ${sample.p99} ms  ${Math.round(sample.cpuPerRequest)} µs CPU/req${sample.failures ? `  ${sample.failures} FAILURES` : ''}`);
      }
    }
  }
  return samples;
}

async function comparison(settings: ReadsSettings, regions: BenchRegion[], endpoints: Endpoint[], log: Log): Promise<{ fill: FillResult; rows: ComparisonRow[] }> {
  const service = await startService({ name: 'service', dir: tempDir() });
  log(`service started (pid ${service.pid}); filling ${regions.length} regions × ${settings.mainPeriods} periods through POST /v1/uploads`);
  const fill = await fillJson(service, regions, periods(settings.mainPeriods));
  log(`  ${fill.uploads} uploads, ${fill.rows} gemeente rows in ${fill.seconds.toFixed(1)} s`);

  const bodies = new Map<string, Buffer>();
  for (const e of endpoints) bodies.set(e.path, await bodyOf(service, e.path));
  const express = await startBare('express', bodies);
  const http = await startBare('http', bodies);
  const targets = [service, express, http];
  log(`bare express (pid ${express.pid}) and bare node:http (pid ${http.pid}) serve the same bytes; loading`);
  const options = { connections: settings.connections, seconds: settings.seconds, maxRequests: settings.maxRequests };
  const samples = await interleaved(targets, endpoints, settings.rounds, options, settings.warmupSeconds, log);
  await Promise.all(targets.map((t) => t.stop()));
  const of = (t: Target, e: Endpoint) => summarize(samples.get(`${t.name} ${e.path}`) ?? []);
  return {
    fill,
    rows: endpoints.map((e) => ({ endpoint: e, bytes: bodies.get(e.path)?.length ?? 0, service: of(service, e), express: of(express, e), http: of(http, e) })),
  };
}

async function history(settings: ReadsSettings, regions: BenchRegion[], endpoints: Endpoint[], log: Log): Promise<{ fills: [FillResult, FillResult]; rows: HistoryRow[] }> {
  const [fewer, more] = settings.historyPeriods;
  const small = await startService({ name: `service ${fewer} period${fewer === 1 ? '' : 's'}`, dir: tempDir() });
  const large = await startService({ name: `service ${more} periods`, dir: tempDir() });
  log(`history: filling ${small.name} and ${large.name}`);
  const fills: [FillResult, FillResult] = [
    await fillJson(small, regions, periods(fewer)),
    await fillJson(large, regions, periods(more)),
  ];
  for (const f of fills) log(`  ${f.uploads} uploads, ${f.rows} gemeente rows in ${f.seconds.toFixed(1)} s (${Math.round(f.rows / f.seconds)} rows/s as JSON)`);
  const bytes = new Map<string, [number, number]>();
  for (const e of endpoints) bytes.set(e.path, [(await bodyOf(small, e.path)).length, (await bodyOf(large, e.path)).length]);
  const options = { connections: settings.connections, seconds: settings.historySeconds, maxRequests: settings.maxRequests };
  const samples = await interleaved([small, large], endpoints, settings.historyRounds, options, settings.warmupSeconds, log);
  await Promise.all([small.stop(), large.stop()]);
  const of = (t: Target, e: Endpoint) => summarize(samples.get(`${t.name} ${e.path}`) ?? []);
  return {
    fills,
    rows: endpoints.map((e) => ({ endpoint: e, bytes: bytes.get(e.path) ?? [0, 0], small: of(small, e), large: of(large, e) })),
  };
}

export async function runReads(settings: ReadsSettings, regions: BenchRegion[], log: Log): Promise<ReadsReport> {
  const region = largestRegion(regions);
  const endpoints = readEndpoints(region);
  const main = await comparison(settings, regions, endpoints, log);
  const past = await history(settings, regions, endpoints, log);
  return { settings, region, fill: main.fill, historyFill: past.fills, comparison: main.rows, history: past.rows };
}
