/**
 * Issue 11: the service on PostgreSQL beside the service on SQLite and bare express, in one run. Both stores
 * are filled through POST /v1/uploads (JSON uploads per second), loaded with cached reads (the read cache is
 * store-agnostic: ≥ 0.9 × bare express) and uncached reads (every request under a new `asOf`, so every one
 * is derived from the store), and sent the 100,000-row table import (rows per second, peak memory). Then
 * two PostgreSQL instances on one database: how soon after A's 201 B serves the new figures.
 * PostgreSQL is a throwaway cluster (test/support/postgres-cluster.ts) with the server's defaults except
 * fsync: a managed server with durable commits costs more per write than this.
 */
import { startCluster } from '../test/support/postgres-cluster';
import { BenchRegion, jsonUpload, periods, regionTable, RegionTable } from './data';
import { fillJson, FillResult, post, postInTurn } from './fill';
import { tableUpload } from './import';
import { median, RoundsSettings, summarize, Summary } from './load';
import { Endpoint, interleaved } from './reads';
import { bodyOf, createDatabases, memoryOf, resetPeak, startBare, startService, Target, tempDir } from './targets';

type Log = (line: string) => void;

export interface PostgresSettings extends RoundsSettings {
  /** Periods filled through JSON uploads (35 uploads each). */
  fillPeriods: number;
  /** Files of the table import, one per period, each holding all 35 regions (293 files: 100,206 rows). */
  importFiles: number;
  /** Uploads through A whose arrival at B is timed. */
  readAfterWrite: number;
}

interface ImportResult {
  files: number;
  rows: number;
  seconds: number;
  rssBefore: number;
  peak: number;
}

export interface PostgresReport {
  settings: PostgresSettings;
  fills: Record<'sqlite' | 'postgres', FillResult>;
  reads: Array<{ endpoint: Endpoint; express?: Summary; sqlite: Summary; postgres: Summary }>;
  imports: Record<'sqlite' | 'postgres', ImportResult>;
  /** Milliseconds from A's 201 to B's first answer with the new figures. */
  readAfterWrite: number[];
}

async function tableImport(target: Target, files: RegionTable[][], log: Log): Promise<ImportResult> {
  const uploads = files.map(tableUpload);
  const rssBefore = memoryOf(target.pid).rss;
  resetPeak(target.pid);
  const seconds = await postInTurn(target, uploads, (done) => {
    if (done % 100 === 0) log(`  ${target.name}: ${done}/${files.length} files`);
  });
  return { files: files.length, rows: files.reduce((n, f) => n + f.reduce((m, t) => m + t.rows.length, 0), 0), seconds, rssBefore, peak: memoryOf(target.pid).peak };
}

/**
 * Milliseconds from each of `times` uploads through A answering 201 to B serving its figures (B's answer
 * cached before). `spreadMs`: each upload waits a random part of it first, so that uploads do not fall at
 * one phase of B's periodic check (each would otherwise follow just after the check that ended the last wait).
 */
export async function readAfterWrite(a: Target, b: Target, region: BenchRegion, times: number, spreadMs = 0): Promise<number[]> {
  const waits: number[] = [];
  const path = `/v1/regions/${region.code}/totals?period=2030-01`;
  for (let i = 0; i < times; i++) {
    const table = regionTable(region, '2030-01');
    const body = JSON.parse(jsonUpload(table)) as { registerTotal: number };
    body.registerTotal = 100_000 + i;
    await bodyOf(b, path).catch(() => undefined); // B holds the previous answer, cached
    if (spreadMs > 0) await new Promise((resolve) => setTimeout(resolve, Math.random() * spreadMs));
    const res = await post(`${a.url}/v1/uploads`, JSON.stringify(body), 'application/json');
    if (res.status !== 201) throw new Error(`A answered ${res.status}: ${res.text.slice(0, 300)}`);
    const t0 = performance.now();
    for (;;) {
      const read = await fetch(`${b.url}${path}`, { signal: AbortSignal.timeout(10_000) });
      const json = (await read.json()) as { registerTotal?: number };
      if (json.registerTotal === body.registerTotal) break;
      if (performance.now() - t0 > 10_000) throw new Error('B did not serve A\'s upload within 10 s');
    }
    waits.push(performance.now() - t0);
  }
  return waits;
}

export async function runPostgres(settings: PostgresSettings, regions: BenchRegion[], log: Log): Promise<PostgresReport> {
  const cluster = await startCluster();
  try {
    await createDatabases(cluster, ['sonar_reads', 'sonar_import']);
    log(`PostgreSQL ${cluster.url('')} started`);

    // Reads: one service per store, the same uploads in each, then bare express serving the same bytes.
    const sqlite = await startService({ name: 'sqlite', dir: tempDir() });
    const postgres = await startService({ name: 'postgres', dir: tempDir(), env: { DATABASE_URL: cluster.url('sonar_reads') } });
    const fillList = periods(settings.fillPeriods);
    const fills = { sqlite: await fillJson(sqlite, regions, fillList, 1), postgres: await fillJson(postgres, regions, fillList, 1) };
    for (const [name, fill] of Object.entries(fills)) log(`  ${name}: ${fill.uploads} JSON uploads in ${fill.seconds.toFixed(1)} s (${(fill.uploads / fill.seconds).toFixed(0)}/s)`);

    const region = regions.find((r) => r.code === 'AM05') ?? regions[0];
    let instant = Date.parse('2030-01-01T00:00:00.000Z');
    const cached: Endpoint[] = [
      { path: `/v1/regions/${region.code}/totals`, core: true, label: 'region totals (cached)' },
      { path: '/v1/totals', core: true, label: 'national totals (cached)' },
    ];
    const uncached: Endpoint[] = [
      { path: `/v1/regions/${region.code}/totals`, core: true, label: 'region totals (uncached)',
        paths: () => `/v1/regions/${region.code}/totals?asOf=${new Date(instant++).toISOString()}` },
      { path: '/v1/totals', core: true, label: 'national totals (uncached)',
        paths: () => `/v1/totals?asOf=${new Date(instant++).toISOString()}` },
    ];
    const bodies = new Map<string, Buffer>();
    for (const e of cached) {
      const body = await bodyOf(sqlite, e.path);
      if (!body.equals(await bodyOf(postgres, e.path))) throw new Error(`the stores answer ${e.path} differently`);
      bodies.set(e.path, body);
    }
    const express = await startBare('express', bodies);
    const options = { connections: settings.connections, seconds: settings.seconds, maxRequests: settings.maxRequests };
    const cachedSamples = await interleaved([sqlite, postgres, express], cached, settings.rounds, options, settings.warmupSeconds, log);
    const uncachedSamples = await interleaved([sqlite, postgres], uncached, settings.rounds, options, settings.warmupSeconds, log);
    const of = (samples: typeof cachedSamples, t: Target, e: Endpoint) => summarize(samples.get(`${t.name} ${e.label ?? e.path}`) ?? []);
    const reads = [
      ...cached.map((e) => ({ endpoint: e, express: of(cachedSamples, express, e), sqlite: of(cachedSamples, sqlite, e), postgres: of(cachedSamples, postgres, e) })),
      ...uncached.map((e) => ({ endpoint: e, sqlite: of(uncachedSamples, sqlite, e), postgres: of(uncachedSamples, postgres, e) })),
    ];
    await express.stop();

    // Read-after-write across two PostgreSQL instances (B's fallback check at its default, 1 s).
    const second = await startService({ name: 'postgres B', dir: tempDir(), env: { DATABASE_URL: cluster.url('sonar_reads') } });
    const waits = await readAfterWrite(postgres, second, region, settings.readAfterWrite);
    log(`  read-after-write A → B: median ${median(waits).toFixed(1)} ms, max ${Math.max(...waits).toFixed(1)} ms over ${waits.length}`);
    await Promise.all([sqlite.stop(), postgres.stop(), second.stop()]);

    // The table import, each store on a fresh database.
    const files = periods(settings.importFiles, '2050-12').map((period) => regions.map((r) => regionTable(r, period)));
    const importers = [
      await startService({ name: 'sqlite import', dir: tempDir() }),
      await startService({ name: 'postgres import', dir: tempDir(), env: { DATABASE_URL: cluster.url('sonar_import') } }),
    ];
    const imports = { sqlite: await tableImport(importers[0], files, log), postgres: await tableImport(importers[1], files, log) };
    for (const [name, r] of Object.entries(imports)) log(`  ${name}: ${r.rows} rows in ${r.seconds.toFixed(1)} s, peak ${(r.peak / 2 ** 20).toFixed(0)} MB`);
    await Promise.all(importers.map((t) => t.stop()));
    return { settings, fills, reads, imports, readAfterWrite: waits };
  } finally {
    cluster.remove();
  }
}

const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number) => `${n(bytes / 2 ** 20)} MB`;

export function postgresMarkdown(r: PostgresReport): string {
  const lines = [
    '### PostgreSQL beside SQLite (issue 11)',
    '',
    `Both stores filled with 35 regions × ${r.settings.fillPeriods} periods through POST /v1/uploads (JSON, one at a time), loaded with ${r.settings.connections} connections, ${r.settings.rounds} rounds × ${r.settings.seconds} s per target and endpoint in rotating order; medians. "Uncached" asks under a new \`asOf\` every request, so every answer is derived from the store.`,
    '',
    '| endpoint | SQLite req/s | PostgreSQL req/s | bare express req/s | SQLite / express | PostgreSQL / express | PostgreSQL / SQLite | CPU µs/req SQLite / PostgreSQL | p99 ms SQLite / PostgreSQL |',
    '|---|---|---|---|---|---|---|---|---|',
    ...r.reads.map((row) => `| ${row.endpoint.label} | ${n(row.sqlite.rps)} | ${n(row.postgres.rps)} | ${row.express ? n(row.express.rps) : '–'} | ${row.express ? `**${n(row.sqlite.rps / row.express.rps, 2)}**` : '–'} | ${row.express ? `**${n(row.postgres.rps / row.express.rps, 2)}**` : '–'} | ${n(row.postgres.rps / row.sqlite.rps, 2)} | ${n(row.sqlite.cpuPerRequest)} / ${n(row.postgres.cpuPerRequest)} | ${row.sqlite.p99} / ${row.postgres.p99} |`),
    '',
    '| writes | SQLite | PostgreSQL | PostgreSQL / SQLite |',
    '|---|---|---|---|',
    `| JSON uploads per second (${r.fills.sqlite.uploads} uploads, one at a time) | ${n(r.fills.sqlite.uploads / r.fills.sqlite.seconds)} | ${n(r.fills.postgres.uploads / r.fills.postgres.seconds)} | ${n(r.fills.sqlite.seconds / r.fills.postgres.seconds, 2)} |`,
    `| table import: ${n(r.imports.sqlite.rows)} rows in ${r.imports.sqlite.files} TSV files, rows per second | ${n(r.imports.sqlite.rows / r.imports.sqlite.seconds)} | ${n(r.imports.postgres.rows / r.imports.postgres.seconds)} | ${n(r.imports.sqlite.seconds / r.imports.postgres.seconds, 2)} |`,
    `| … the service's peak memory (VmHWM) during the import, RSS before | ${mb(r.imports.sqlite.peak)} (${mb(r.imports.sqlite.rssBefore)}) | ${mb(r.imports.postgres.peak)} (${mb(r.imports.postgres.rssBefore)}) | |`,
    '',
    `Read-after-write across two PostgreSQL instances: after A's 201, B (its answer cached) served the new figures after a median ${n(median(r.readAfterWrite), 1)} ms, at most ${n(Math.max(...r.readAfterWrite), 1)} ms, over ${r.readAfterWrite.length} uploads.`,
  ];
  return lines.join('\n');
}
