/** The benchmark's findings as markdown: readable on a terminal, pasted as is into bench/RESULTS.md. */
import { execSync } from 'node:child_process';
import { availableParallelism, cpus, release, totalmem } from 'node:os';
import { ExportsReport } from './exports';
import { ImportReport } from './import';
import { Summary } from './load';
import { ReadsReport } from './reads';
import { SeriesReport } from './series';

const n = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString('en-US') : '–');
const ms = (x: number) => (Number.isFinite(x) ? (x >= 100 ? Math.round(x).toString() : x.toFixed(x >= 10 ? 1 : 2).replace(/\.?0+$/, '')) : '–');
const ratio = (a: number, b: number) => (b > 0 && Number.isFinite(a) ? (a / b).toFixed(2) : '–');
const mb = (bytes: number) => (Number.isFinite(bytes) ? `${(bytes / 1048576).toFixed(1)} MB` : '–');
const table = (head: string[], rows: string[][]) =>
  [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');

export function machine(command: string): string {
  let commit = 'unknown';
  try {
    commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    // not a git checkout
  }
  return [
    `- command: \`${command}\``,
    `- date: ${new Date().toISOString()}; commit ${commit}`,
    `- machine: ${availableParallelism()} cores (nproc), ${cpus()[0]?.model ?? 'unknown CPU'}, ${mb(totalmem())} RAM, Linux ${release()}`,
    `- node ${process.version}; load generator: autocannon 8 in the parent process; every server in its own child process, all on 127.0.0.1`,
  ].join('\n');
}

const us = (x: number) => (Number.isFinite(x) ? Math.round(x).toString() : '–');
const spread = (s: Summary) => `${n(s.rps)} (${n(s.rpsMin)}–${n(s.rpsMax)})`;

export function readsMarkdown(r: ReadsReport): string {
  const s = r.settings;
  const verdict = (service: Summary, express: Summary) => {
    const fast = service.rps >= 0.9 * express.rps;
    const tail = service.p99 <= express.p99 + 1; // autocannon's latency histogram has 1 ms resolution
    return fast && tail ? 'yes' : `**no** (${[fast ? '' : 'req/s', tail ? '' : 'p99'].filter(Boolean).join(', ')})`;
  };
  const [few, many] = s.historyPeriods;
  const failures = r.comparison.reduce((sum, row) => sum + row.service.failures + row.express.failures + row.http.failures, 0)
    + r.history.reduce((sum, row) => sum + row.small.failures + row.large.failures, 0);
  return [
    `### Reads: service vs bare express 5 vs bare node:http`,
    '',
    `${s.connections} connections; ${s.rounds} round${s.rounds === 1 ? '' : 's'} × ${s.seconds} s per target and endpoint (each load also capped at ${n(s.maxRequests)} requests), ` +
      `target order rotating every round, a ${s.warmupSeconds} s warm-up per target and endpoint first. Medians over the rounds; ` +
      `req/s as median (lowest–highest round). The service holds ${r.settings.mainPeriods} periods × 35 regions ` +
      `(${n(r.fill.rows)} gemeente rows, filled through POST /v1/uploads in ${r.fill.seconds.toFixed(1)} s); ` +
      `{region} is ${r.region.code} (${r.region.name}, ${r.region.gemeenten.length} gemeenten, the largest). ` +
      `The bare apps answer the endpoint's exact bytes as application/json. ` +
      `"Server CPU µs/req" is the user + system CPU time of the server's process (all threads, /proc/<pid>/stat) over the load divided by its answers: ` +
      `unlike req/s it hardly depends on what else the machine is doing, and "express µs / service µs" is the throughput ratio the service would reach against express on an idle core. Failed requests (non-2xx, errors, timeouts) over all loads: ${failures}.`,
    '',
    table(
      ['endpoint', 'bytes', 'service req/s', 'bare express req/s', 'bare node:http req/s', 'service / express', 'service / node:http', 'p50 ms svc / expr / http', 'p99 ms svc / expr / http', 'server CPU µs/req svc / expr / http', 'express µs / service µs', '≥ 0.9 × express, p99 ≤ express'],
      r.comparison.map((row) => [
        `\`GET ${row.endpoint.path}\`${row.endpoint.core ? '' : ' (extra)'}`,
        n(row.bytes),
        spread(row.service),
        spread(row.express),
        spread(row.http),
        `**${ratio(row.service.rps, row.express.rps)}**`,
        ratio(row.service.rps, row.http.rps),
        `${ms(row.service.p50)} / ${ms(row.express.p50)} / ${ms(row.http.p50)}`,
        `${ms(row.service.p99)} / ${ms(row.express.p99)} / ${ms(row.http.p99)}`,
        `${us(row.service.cpuPerRequest)} / ${us(row.express.cpuPerRequest)} / ${us(row.http.cpuPerRequest)}`,
        ratio(row.express.cpuPerRequest, row.service.cpuPerRequest),
        verdict(row.service, row.express),
      ]),
    ),
    '',
    `### Reads: history (${few} period${few === 1 ? '' : 's'} vs ${many} periods stored)`,
    '',
    `Two more service instances, filled through POST /v1/uploads with 35 regions × ${few} and × ${many} periods ` +
      `(${n(r.historyFill[1].rows)} rows in ${r.historyFill[1].seconds.toFixed(1)} s: ${n(r.historyFill[1].rows / r.historyFill[1].seconds)} rows/s as JSON, 4 uploads in flight). ` +
      `${s.historyRounds} round${s.historyRounds === 1 ? '' : 's'} × ${s.historySeconds} s each, alternating order.`,
    '',
    table(
      ['endpoint', `bytes ${few} / ${many}`, `req/s ${few}`, `req/s ${many}`, `req/s ratio ${many}/${few}`, `p50 ms ${few} / ${many}`, `p50 ratio ${many}/${few}`, `p99 ms ${few} / ${many}`, `server CPU µs/req ${few} / ${many}`],
      r.history.map((row) => [
        `\`GET ${row.endpoint.path}\``,
        `${n(row.bytes[0])} / ${n(row.bytes[1])}`,
        spread(row.small),
        spread(row.large),
        `**${ratio(row.large.rps, row.small.rps)}**`,
        `${ms(row.small.p50)} / ${ms(row.large.p50)}`,
        `**${ratio(row.large.p50, row.small.p50)}**`,
        `${ms(row.small.p99)} / ${ms(row.large.p99)}`,
        `${us(row.small.cpuPerRequest)} / ${us(row.large.cpuPerRequest)}`,
      ]),
    ),
  ].join('\n');
}

export function importMarkdown(r: ImportReport): string {
  const head = [
    `### Import: ${n(r.files)} publication files (TSV, one per period, all 35 regions each), ${n(r.rows)} gemeente rows, ${mb(r.bytes)}`,
    '',
  ];
  const baselineRate = r.baseline.rows / r.baseline.seconds;
  if (!r.http) {
    return [
      ...head,
      `**The HTTP import could not be measured:** ${r.unavailable}.`,
      '',
      table(['path', 'rows', 'seconds', 'rows/s'], [[`bare better-sqlite3 insert (no HTTP, no parsing), median of ${r.baseline.runs.length}`, n(r.baseline.rows), r.baseline.seconds.toFixed(2), n(baselineRate)]]),
    ].join('\n');
  }
  const h = r.http;
  const httpRate = h.rows / h.seconds;
  return [
    ...head,
    `Files generated from db/reference (deterministic counts), each laid out like test/fixtures/twente-publication.tsv; ` +
      `uploaded with \`POST /v1/uploads?period=…\` and \`Content-Type: ${'text/tab-separated-values'}\`, ${r.settings.concurrency === 1 ? 'one after another' : `${r.settings.concurrency} in flight`}. ` +
      `The bare insert runs the same rows through plain INSERT statements on a database migrated by the store (src/storage/migrations), one transaction per file. After the import: ${h.check}.`,
    '',
    table(
      ['path', 'rows', 'seconds', 'rows/s', 'ratio to bare insert', 'CPU s', 'CPU µs per row', 'ratio by CPU', 'ms per file p50 / p99 / max'],
      [
        [`HTTP: ${n(h.files)} TSV uploads`, n(h.rows), h.seconds.toFixed(2), `**${n(httpRate)}**`, `**${ratio(httpRate, baselineRate)}**`,
          `${h.cpuSeconds.toFixed(2)} (service process)`, us((1e6 * h.cpuSeconds) / h.rows), ratio(r.baseline.cpuSeconds, h.cpuSeconds), `${ms(h.p50)} / ${ms(h.p99)} / ${ms(h.max)}`],
        [`bare better-sqlite3 insert (no HTTP, no parsing), median of ${r.baseline.runs.length} (${r.baseline.runs.map((x) => x.toFixed(2)).join(', ')} s)`, n(r.baseline.rows), r.baseline.seconds.toFixed(2), n(baselineRate), '1',
          r.baseline.cpuSeconds.toFixed(2), us((1e6 * r.baseline.cpuSeconds) / r.baseline.rows), '1', '–'],
      ],
    ),
    '',
    '"CPU s" is the CPU time of the process doing the work (the service; or the benchmark process itself for the bare insert), so "ratio by CPU" hardly depends on what else the machine is doing.',
    '',
    `Service memory (from /proc/<pid>/status of the service process; VmHWM = peak RSS${h.peakResettable ? ', reset via clear_refs just before the import' : ', since start: clear_refs was not writable'}):`,
    '',
    table(
      ['RSS before import', 'peak after 10 files', `peak after all ${n(h.files)} files`, 'RSS after import'],
      [[mb(h.rssAtStart), mb(h.peakAfterTen), `**${mb(h.peakAfterAll)}**`, mb(h.rssAtEnd)]],
    ),
    '',
    `RSS at 0 %, 10 %, …, 100 % of the files: ${h.rssCurve.map((b) => (b / 1048576).toFixed(0)).join(', ')} MB. ` +
      `After the import the service's /metrics reported V8 heap ${mb(h.heap.used)} used of ${mb(h.heap.total)}, external ${mb(h.heap.external)}.`,
    '',
    `Further passes over as many files again (earlier periods), to see whether memory keeps growing with what was imported:`,
    '',
    table(
      ['pass', 'files', 'gemeente rows stored in total', 'seconds', 'rows/s', 'RSS after', 'peak so far', 'V8 heap used after'],
      h.passes.map((p, i) => [String(i + 1), n(p.files), n(p.rows * (i + 1)), p.seconds.toFixed(2), n(p.rows / p.seconds), mb(p.rss), mb(p.peak), mb(p.heapUsed)]),
    ),
    '',
    `Peak during one upload against the file's size (VmHWM reset before each; a file holds each region at most once, so 35 regions is the largest file that can be stored; larger files repeat the 35 tables and are refused after parsing):`,
    '',
    table(
      ['file', 'bytes', 'status', 'RSS before', 'peak during', 'peak − before'],
      h.bySize.map((p) => [p.label, n(p.bytes), String(p.status), mb(p.rssBefore), mb(p.peak), mb(p.peak - p.rssBefore)]),
    ),
  ].join('\n');
}

export function exportsMarkdown(r: ExportsReport): string {
  const s = r.settings;
  const json = new Map(r.rows.filter((row) => row.form.startsWith('JSON')).map((row) => [row.group, row]));
  return [
    '### Exports (issue 10)',
    '',
    `One service holding ${r.fill.uploads} uploads (${s.periods} periods × 35 regions); region ${r.region.name} (${r.region.code}, ${r.region.gemeenten.length} gemeenten). `
      + `${s.connections} connections, ${s.rounds} rounds of ${s.seconds} s per form, cached and uncached alternating. Cached: the same Accept every time, so the read cache answers stored bytes. `
      + 'Uncached: a different Accept on every request, so every answer is derived from SQLite and rendered again. Ratios are req/s against the JSON answer of the same group, in the same run.',
    '',
    table(['group', 'form', 'bytes', 'cached req/s (min–max)', 'p99 ms', 'µs CPU/req', 'vs JSON', 'uncached req/s (min–max)', 'p99 ms', 'µs CPU/req', 'vs JSON'],
      r.rows.map((row) => {
        const base = json.get(row.group);
        return [row.group, row.form, n(row.bytes), spread(row.cached), ms(row.cached.p99), us(row.cached.cpuPerRequest), base ? ratio(row.cached.rps, base.cached.rps) : '–',
          spread(row.uncached), ms(row.uncached.p99), us(row.uncached.cpuPerRequest), base ? ratio(row.uncached.rps, base.uncached.rps) : '–'];
      })),
    '',
    r.series ? '' : 'The region series (GET /v1/regions/{region}/series) is not in this build, so its rows are left out; they are measured as soon as it answers 200.',
    '',
  ].join('\n');
}

export function seriesMarkdown(r: SeriesReport): string {
  const s = r.settings;
  const counts = s.growthPeriods;
  const failures = r.comparison.reduce((sum, row) => sum + row.service.failures + row.express.failures, 0)
    + r.growth.reduce((sum, row) => sum + row.loads.reduce((x, l) => x + l.failures, 0), 0);
  const first = counts[0];
  const last = counts[counts.length - 1];
  return [
    '### Series: service vs bare express 5, cached and uncached',
    '',
    `The service holds 35 regions × ${s.periods} periods (${n(r.fill.rows)} gemeente rows, filled through POST /v1/uploads in ${r.fill.seconds.toFixed(1)} s); ` +
      `the region is ${r.region.code} (${r.region.name}, ${r.region.gemeenten.length} gemeenten, the heaviest series). ` +
      `"Uncached" asks for the whole series under a new URL every request (\`?startPeriod=<a month before 2013>&lastNObservations=<≥ periods>\`, ` +
      `checked to answer the plain URL's bytes), so every request misses the read cache and derives the series from SQLite; "cached" is the plain URL. ` +
      `Bare express answers the same bytes. ${s.connections} connections; ${s.rounds} round${s.rounds === 1 ? '' : 's'} × ${s.seconds} s per target and endpoint, ` +
      `rotating order, ${s.warmupSeconds} s warm-up; medians. Failed requests over all series loads: ${failures}.`,
    '',
    table(
      ['endpoint', 'bytes', 'service req/s', 'bare express req/s', 'service / express', 'p50 ms svc / expr', 'p99 ms svc / expr', 'server CPU µs/req svc / expr', 'express µs / service µs'],
      r.comparison.map((row) => [
        `\`GET ${row.endpoint.label ?? row.endpoint.path}\``,
        n(row.bytes),
        spread(row.service),
        spread(row.express),
        `**${ratio(row.service.rps, row.express.rps)}**`,
        `${ms(row.service.p50)} / ${ms(row.express.p50)}`,
        `${ms(row.service.p99)} / ${ms(row.express.p99)}`,
        `${us(row.service.cpuPerRequest)} / ${us(row.express.cpuPerRequest)}`,
        ratio(row.express.cpuPerRequest, row.service.cpuPerRequest),
      ]),
    ),
    '',
    `### Series: uncached cost against periods stored (${counts.join(', ')})`,
    '',
    `Instances holding 35 regions × ${counts.join(', ')} periods (filled in ${r.growthFills.map((f) => `${f.seconds.toFixed(1)} s`).join(', ')}), ` +
      `loaded in turn with the uncached series, ${s.growthConnections} connections, ${s.growthRounds} round${s.growthRounds === 1 ? '' : 's'} × ${s.growthSeconds} s each. ` +
      `Linear growth would multiply the cost by ${last / first} from ${first} to ${last} periods; "per extra point" is the CPU the service spends per point beyond the ${first}-period answer.`,
    '',
    table(
      ['endpoint', 'points', 'bytes', 'req/s', 'p50 ms', 'server CPU µs/req', `CPU ratio to ${first} periods`, 'CPU µs per extra point', `no worse than linear (CPU ratio ≤ periods ratio)`],
      r.growth.map((row) => {
        const base = row.loads[0].cpuPerRequest;
        const linear = row.loads.every((l, i) => l.cpuPerRequest / base <= counts[i] / first);
        return [
          `\`GET ${row.endpoint.label}\``,
          row.points.map(String).join(' / '),
          row.bytes.map(n).join(' / '),
          row.loads.map((l) => n(l.rps)).join(' / '),
          row.loads.map((l) => ms(l.p50)).join(' / '),
          row.loads.map((l) => us(l.cpuPerRequest)).join(' / '),
          row.loads.map((l) => ratio(l.cpuPerRequest, base)).join(' / '),
          row.loads.slice(1).map((l, i) => (l.cpuPerRequest - base) / (row.points[i + 1] - row.points[0])).map((x) => x.toFixed(1)).join(' / '),
          linear ? '**yes**' : '**no**',
        ];
      }),
    ),
  ].join('\n');
}
