/**
 * The service on PostgreSQL through pgbouncer in transaction mode (DATABASE_POOL_MODE=transaction) beside
 * the same service connected directly and through pgbouncer in session mode, in one run: what a pooler in
 * between costs, and what unnamed statements add to it (JSON uploads per second, uncached reads), and the
 * read-after-write bound once notifications are lost:
 * after A's 201, how soon B serves the new figures through its version check, at more than one interval.
 * PostgreSQL and pgbouncer are the tests' throwaway ones (test/support/postgres-cluster.ts, pgbouncer.ts).
 */
import { Pgbouncer, startPgbouncer } from '../test/support/pgbouncer';
import { startCluster } from '../test/support/postgres-cluster';
import { BenchRegion, periods } from './data';
import { fillJson, FillResult } from './fill';
import { median, RoundsSettings, summarize, Summary } from './load';
import { readAfterWrite } from './postgres';
import { Endpoint, interleaved } from './reads';
import { createDatabases, startService, Target, tempDir } from './targets';

type Log = (line: string) => void;

export interface PgbouncerSettings extends RoundsSettings {
  /** Periods filled through JSON uploads (35 uploads each), one at a time. */
  fillPeriods: number;
  /** Uploads through A whose arrival at B is timed, per version check interval. */
  readAfterWrite: number;
  /** B's DATABASE_VERSION_CHECK_MS values to time. */
  checks: number[];
}

type Way = 'direct' | 'session' | 'transaction';
const WAYS: Way[] = ['direct', 'session', 'transaction'];

export interface PgbouncerReport {
  settings: PgbouncerSettings;
  fills: Record<Way, FillResult>;
  reads: Array<{ endpoint: Endpoint } & Record<Way, Summary>>;
  /** Per interval, milliseconds from A's 201 to B's first answer with the new figures. */
  readAfterWrite: Array<{ checkMs: number; waits: number[] }>;
}

const POOLED = { DATABASE_POOL_MODE: 'transaction' };

export async function runPgbouncer(settings: PgbouncerSettings, regions: BenchRegion[], log: Log): Promise<PgbouncerReport> {
  const cluster = await startCluster();
  const bouncers: Pgbouncer[] = [];
  try {
    const bouncer = await startPgbouncer(cluster.port);
    bouncers.push(bouncer);
    const sessionBouncer = await startPgbouncer(cluster.port, 'session');
    bouncers.push(sessionBouncer);
    await createDatabases(cluster, WAYS.map((way) => `sonar_${way}`));
    log(`PostgreSQL on port ${cluster.port}, pgbouncer in transaction mode on port ${bouncer.port}, in session mode on port ${sessionBouncer.port}`);

    const targets: Record<Way, Target> = {
      direct: await startService({ name: 'direct', dir: tempDir(), env: { DATABASE_URL: cluster.url('sonar_direct') } }),
      session: await startService({ name: 'pgbouncer session', dir: tempDir(), env: { DATABASE_URL: sessionBouncer.url('sonar_session') } }),
      transaction: await startService({ name: 'pgbouncer transaction', dir: tempDir(), env: { DATABASE_URL: bouncer.url('sonar_transaction'), ...POOLED } }),
    };
    // One period at a time to each in turn, so that a slower moment of the machine falls on all alike.
    const fills = Object.fromEntries(WAYS.map((way) => [way, { uploads: 0, rows: 0, seconds: 0 }])) as Record<Way, FillResult>;
    for (const period of periods(settings.fillPeriods)) {
      for (const way of WAYS) {
        const fill = await fillJson(targets[way], regions, [period], 1);
        fills[way] = { uploads: fills[way].uploads + fill.uploads, rows: fills[way].rows + fill.rows, seconds: fills[way].seconds + fill.seconds };
      }
    }
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
    const samples = await interleaved(WAYS.map((way) => targets[way]), uncached, settings.rounds, options, settings.warmupSeconds, log);
    const reads = uncached.map((e) => ({
      endpoint: e,
      ...Object.fromEntries(WAYS.map((way) => [way, summarize(samples.get(`${targets[way].name} ${e.label ?? e.path}`) ?? [])])) as Record<Way, Summary>,
    }));
    await Promise.all([targets.direct.stop(), targets.session.stop()]);

    const timed: PgbouncerReport['readAfterWrite'] = [];
    for (const checkMs of settings.checks) {
      const b = await startService({ name: `pgbouncer B ${checkMs} ms`, dir: tempDir(), env: { DATABASE_URL: bouncer.url('sonar_transaction'), ...POOLED, DATABASE_VERSION_CHECK_MS: String(checkMs) } });
      const waits = await readAfterWrite(targets.transaction, b, region, settings.readAfterWrite, checkMs);
      log(`  read-after-write A → B through pgbouncer, B checking every ${checkMs} ms: median ${median(waits).toFixed(1)} ms, max ${Math.max(...waits).toFixed(1)} ms over ${waits.length}`);
      timed.push({ checkMs, waits });
      await b.stop();
    }
    await targets.transaction.stop();
    return { settings, fills, reads, readAfterWrite: timed };
  } finally {
    for (const b of bouncers) await b.stop();
    cluster.remove();
  }
}

const n = (x: number, digits = 0) => x.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

export function pgbouncerMarkdown(r: PgbouncerReport): string {
  return [
    '### PostgreSQL through pgbouncer in transaction mode',
    '',
    `Three services, each on a database of its own in one cluster: connected directly, through pgbouncer in pool_mode = session (both DATABASE_POOL_MODE=session: named statements), and through pgbouncer in pool_mode = transaction (DATABASE_POOL_MODE=transaction: statements unnamed, limits per transaction), each pgbouncer with 10 server connections per database. Filled with 35 regions × ${r.settings.fillPeriods} periods through POST /v1/uploads (JSON, one at a time, a period to each in turn); uncached reads (a new \`asOf\` every request) with ${r.settings.connections} connections, ${r.settings.rounds} rounds × ${r.settings.seconds} s per target in rotating order; medians. Cached reads do not reach the store and are left out.`,
    '',
    '| | direct | pgbouncer, session mode | pgbouncer, transaction mode | session / direct | transaction / direct |',
    '|---|---|---|---|---|---|',
    `| JSON uploads per second (${r.fills.direct.uploads} uploads, one at a time) | ${WAYS.map((w) => n(r.fills[w].uploads / r.fills[w].seconds)).join(' | ')} | ${n(r.fills.direct.seconds / r.fills.session.seconds, 2)} | ${n(r.fills.direct.seconds / r.fills.transaction.seconds, 2)} |`,
    ...r.reads.map((row) => `| ${row.endpoint.label} req/s (p99 ms) | ${WAYS.map((w) => `${n(row[w].rps)} (${row[w].p99})`).join(' | ')} | ${n(row.session.rps / row.direct.rps, 2)} | ${n(row.transaction.rps / row.direct.rps, 2)} |`),
    '',
    'Read-after-write through pgbouncer, where notifications are lost: milliseconds from A\'s 201 until B (its answer cached) served the new figures, each upload sent at a random point of B\'s interval.',
    '',
    '| B\'s DATABASE_VERSION_CHECK_MS | uploads | median ms | max ms |',
    '|---|---|---|---|',
    ...r.readAfterWrite.map((t) => `| ${t.checkMs} | ${t.waits.length} | ${n(median(t.waits), 1)} | ${n(Math.max(...t.waits), 1)} |`),
  ].join('\n');
}
