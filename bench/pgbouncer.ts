/**
 * The service on PostgreSQL through pgbouncer in transaction mode (DATABASE_POOL_MODE=transaction) beside
 * the same service connected directly, in one run: what unnamed statements and a pooler in between cost
 * (JSON uploads per second, uncached reads), and the read-after-write bound once notifications are lost:
 * after A's 201, how soon B serves the new figures through its version check, at more than one interval.
 * PostgreSQL and pgbouncer are the tests' throwaway ones (test/support/postgres-cluster.ts, pgbouncer.ts).
 */
import { Client } from 'pg';
import { startPgbouncer } from '../test/support/pgbouncer';
import { startCluster } from '../test/support/postgres-cluster';
import { BenchRegion, periods } from './data';
import { fillJson, FillResult } from './fill';
import { median, Summary, summarize } from './load';
import { readAfterWrite } from './postgres';
import { Endpoint, interleaved } from './reads';
import { startService, tempDir } from './targets';

type Log = (line: string) => void;

export interface PgbouncerSettings {
  connections: number;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  maxRequests: number;
  /** Periods filled through JSON uploads (35 uploads each), one at a time. */
  fillPeriods: number;
  /** Uploads through A whose arrival at B is timed, per version check interval. */
  readAfterWrite: number;
  /** B's DATABASE_VERSION_CHECK_MS values to time. */
  checks: number[];
}

export interface PgbouncerReport {
  settings: PgbouncerSettings;
  fills: Record<'direct' | 'pgbouncer', FillResult>;
  reads: Array<{ endpoint: Endpoint; direct: Summary; pgbouncer: Summary }>;
  /** Per interval, milliseconds from A's 201 to B's first answer with the new figures. */
  readAfterWrite: Array<{ checkMs: number; waits: number[] }>;
}

const POOLED = { DATABASE_POOL_MODE: 'transaction' };

export async function runPgbouncer(settings: PgbouncerSettings, regions: BenchRegion[], log: Log): Promise<PgbouncerReport> {
  const cluster = await startCluster();
  try {
    const bouncer = await startPgbouncer(cluster.port);
    try {
      const admin = new Client({ connectionString: cluster.url('postgres') });
      await admin.connect();
      for (const name of ['sonar_direct', 'sonar_pooled']) await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      log(`PostgreSQL on port ${cluster.port}, pgbouncer (pool_mode = transaction) on port ${bouncer.port}`);

      const direct = await startService({ name: 'direct', dir: tempDir(), env: { DATABASE_URL: cluster.url('sonar_direct') } });
      const pooled = await startService({ name: 'pgbouncer', dir: tempDir(), env: { DATABASE_URL: bouncer.url('sonar_pooled'), ...POOLED } });
      const fillList = periods(settings.fillPeriods);
      const fills = { direct: await fillJson(direct, regions, fillList, 1), pgbouncer: await fillJson(pooled, regions, fillList, 1) };
      for (const [name, fill] of Object.entries(fills)) log(`  ${name}: ${fill.uploads} JSON uploads in ${fill.seconds.toFixed(1)} s (${(fill.uploads / fill.seconds).toFixed(0)}/s)`);

      const region = regions.find((r) => r.code === 'AM05') ?? regions[0];
      let instant = Date.parse('2030-01-01T00:00:00.000Z');
      const uncached: Endpoint[] = [
        { path: `/v1/regions/${region.code}/totals`, core: true, label: 'region totals (uncached)',
          paths: () => `/v1/regions/${region.code}/totals?asOf=${new Date(instant++).toISOString()}` },
        { path: '/v1/totals', core: true, label: 'national totals (uncached)',
          paths: () => `/v1/totals?asOf=${new Date(instant++).toISOString()}` },
      ];
      const options = { connections: settings.connections, seconds: settings.seconds, maxRequests: settings.maxRequests };
      const samples = await interleaved([direct, pooled], uncached, settings.rounds, options, settings.warmupSeconds, log);
      const of = (name: string, e: Endpoint) => summarize(samples.get(`${name} ${e.label ?? e.path}`) ?? []);
      const reads = uncached.map((e) => ({ endpoint: e, direct: of(direct.name, e), pgbouncer: of(pooled.name, e) }));
      await direct.stop();

      const timed: PgbouncerReport['readAfterWrite'] = [];
      for (const checkMs of settings.checks) {
        const b = await startService({ name: `pgbouncer B ${checkMs} ms`, dir: tempDir(), env: { DATABASE_URL: bouncer.url('sonar_pooled'), ...POOLED, DATABASE_VERSION_CHECK_MS: String(checkMs) } });
        const waits = await readAfterWrite(pooled, b, region, settings.readAfterWrite, checkMs);
        log(`  read-after-write A → B through pgbouncer, B checking every ${checkMs} ms: median ${median(waits).toFixed(1)} ms, max ${Math.max(...waits).toFixed(1)} ms over ${waits.length}`);
        timed.push({ checkMs, waits });
        await b.stop();
      }
      await pooled.stop();
      return { settings, fills, reads, readAfterWrite: timed };
    } finally {
      await bouncer.stop();
    }
  } finally {
    cluster.remove();
  }
}

const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function pgbouncerMarkdown(r: PgbouncerReport): string {
  return [
    '### PostgreSQL through pgbouncer in transaction mode',
    '',
    `One service connected directly (DATABASE_POOL_MODE=session) beside one through pgbouncer in pool_mode = transaction (DATABASE_POOL_MODE=transaction: statements unnamed, limits per transaction), each on a database of its own in one cluster, filled with 35 regions × ${r.settings.fillPeriods} periods through POST /v1/uploads (JSON, one at a time); uncached reads (a new \`asOf\` every request) with ${r.settings.connections} connections, ${r.settings.rounds} rounds × ${r.settings.seconds} s per target in rotating order; medians. Cached reads do not reach the store and are left out.`,
    '',
    '| | direct | through pgbouncer | pgbouncer / direct |',
    '|---|---|---|---|',
    `| JSON uploads per second (${r.fills.direct.uploads} uploads, one at a time) | ${n(r.fills.direct.uploads / r.fills.direct.seconds)} | ${n(r.fills.pgbouncer.uploads / r.fills.pgbouncer.seconds)} | ${n(r.fills.direct.seconds / r.fills.pgbouncer.seconds, 2)} |`,
    ...r.reads.map((row) => `| ${row.endpoint.label} req/s (p99 ms) | ${n(row.direct.rps)} (${row.direct.p99}) | ${n(row.pgbouncer.rps)} (${row.pgbouncer.p99}) | ${n(row.pgbouncer.rps / row.direct.rps, 2)} |`),
    '',
    'Read-after-write through pgbouncer, where notifications are lost: milliseconds from A\'s 201 until B (its answer cached) served the new figures, each upload sent at a random point of B\'s interval.',
    '',
    '| B\'s DATABASE_VERSION_CHECK_MS | uploads | median ms | max ms |',
    '|---|---|---|---|',
    ...r.readAfterWrite.map((t) => `| ${t.checkMs} | ${t.waits.length} | ${n(median(t.waits), 1)} | ${n(Math.max(...t.waits), 1)} |`),
  ].join('\n');
}
