/**
 * Issue 3: import generated publication files for all 35 regions over enough periods for at least 100,000
 * gemeente rows through the HTTP API (one multi-region TSV file per period), report rows per second and the
 * service's peak memory, beside a bare better-sqlite3 insert of the same rows in the same run.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { openFile } from '../src/storage/sqlite/sqlite-file';
import { openSqliteStore } from '../src/storage/sqlite/sqlite-engine';
import { BenchRegion, multiRegionTsv, periods, RegionTable, regionTable, rowTotal } from './data';
import { post, Upload } from './fill';
import { cpuMicros, median } from './load';
import { memoryOf, resetPeak, startService, Target, tempDir } from './targets';

export const TSV = 'text/tab-separated-values';

/** One publication file holding the given regions' tables for one period, as POST /v1/uploads takes it. */
export function tableUpload(tables: RegionTable[]): Upload {
  return { path: `/v1/uploads?period=${tables[0].period}`, body: multiRegionTsv(tables), type: TSV };
}

export interface ImportSettings {
  /** Number of period files; 293 × 342 gemeenten ≥ 100,000 rows. */
  periods: number;
  /** Uploads in flight at once (1: one after another). */
  concurrency: number;
  /** Repetitions of a full 35-region file in the oversized (rejected) files of the memory probe. */
  oversize: number[];
  /** Repetitions of the bare insert (each on a fresh database); the median is reported. */
  baselineRuns: number;
  /** Passes over as many files again (earlier periods) after the measured one: does memory keep growing? */
  passes: number;
}

export interface PassResult {
  files: number;
  rows: number;
  seconds: number;
  /** After the pass: RSS, the peak since the import began, the V8 heap in use. */
  rss: number;
  peak: number;
  heapUsed: number;
}

export interface BaselineResult {
  rows: number;
  seconds: number;
  /** CPU time of the inserting process (user + system). */
  cpuSeconds: number;
  /** Every repetition's seconds; `seconds` and `cpuSeconds` are the median repetition's. */
  runs: number[];
}

export interface MemoryPoint {
  label: string;
  /** Bytes of the file uploaded. */
  bytes: number;
  status: number;
  /** RSS just before the upload and the peak (VmHWM, reset before it) during it, in bytes. */
  rssBefore: number;
  peak: number;
}

export interface HttpImportResult {
  files: number;
  rows: number;
  bytes: number;
  seconds: number;
  /** CPU time of the service process (user + system, all threads) over the measured pass. */
  cpuSeconds: number;
  /** Milliseconds per file upload. */
  p50: number;
  p99: number;
  max: number;
  rssAtStart: number;
  /** VmHWM after the first 10 files and after all of them (peak since the service started). */
  peakAfterTen: number;
  peakAfterAll: number;
  rssAtEnd: number;
  /** RSS sampled every 25 ms during the import, at 0 %, 10 %, …, 100 % of the files. */
  rssCurve: number[];
  check: string;
  /** The service's own view after the import (its /metrics): V8 heap used and total, external memory. */
  heap: { used: number; total: number; external: number };
  /** The measured pass first, then the further passes. */
  passes: PassResult[];
  bySize: MemoryPoint[];
  peakResettable: boolean;
}

export interface ImportReport {
  settings: ImportSettings;
  files: number;
  rows: number;
  bytes: number;
  largestFile: number;
  baseline: BaselineResult;
  /** Undefined when the service does not take table uploads yet. */
  http?: HttpImportResult;
  unavailable?: string;
}

type Log = (line: string) => void;

/** Does the running service take a publication table? Posts the Twente fixture as TSV. */
export async function tableUploadsWork(target: Target): Promise<{ ok: boolean; detail: string }> {
  const tsv = readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'twente-publication.tsv'), 'utf8');
  const res = await post(`${target.url}/v1/uploads?period=2026-06&registerTotal=10371`, tsv, TSV);
  return { ok: res.status === 201, detail: `POST /v1/uploads (${TSV}, Twente fixture) answered ${res.status}${res.status === 201 ? '' : `: ${res.text.slice(0, 300)}`}` };
}

/** The same rows as the HTTP import, inserted with plain statements: no HTTP, no parsing, no staging. */
export async function bareInsert(files: RegionTable[][]): Promise<Omit<BaselineResult, 'runs'>> {
  const dir = tempDir('sonar-bench-bare-sqlite-');
  await (await openSqliteStore(path.join(dir, 'bare.db'))).close(); // migrated as the service migrates it
  const db = openFile(path.join(dir, 'bare.db')); // with the service's pragmas
  const insertUpload = db.prepare(
    'INSERT INTO uploads (region_code, period, register_total, uploaded_by, uploaded_at, source) VALUES (?, ?, ?, ?, ?, ?)');
  const insertFigure = db.prepare(
    `INSERT INTO upload_figures (upload_id, gemeente_code, gemeente_with_profile, gemeente_without_profile,
       uwv_with_profile, uwv_without_profile) VALUES (?, ?, ?, ?, ?, ?)`);
  const makeCurrent = db.prepare(
    `INSERT INTO current_uploads (region_code, period, upload_id) VALUES (?, ?, ?)
     ON CONFLICT (region_code, period) DO UPDATE SET upload_id = excluded.upload_id`);
  const insertFile = db.transaction((tables: RegionTable[]) => {
    const at = new Date().toISOString();
    for (const t of tables) {
      const id = insertUpload.run(t.region.code, t.period, null, 'bench', at, 'tsv').lastInsertRowid;
      for (const r of t.rows) {
        insertFigure.run(id, r.code, r.gemeenteClients.withProfile, r.gemeenteClients.withoutProfile, r.uwvClients.withProfile, r.uwvClients.withoutProfile);
      }
      makeCurrent.run(t.region.code, t.period, id);
    }
  });
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (const tables of files) insertFile(tables);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  const rows = db.prepare('SELECT count(*) FROM upload_figures').pluck().get() as number;
  db.close();
  return { rows, seconds, cpuSeconds: (used.user + used.system) / 1e6 };
}

/** The bare insert `times` times, each on a fresh database; the median run by time. */
export async function bareInserts(files: RegionTable[][], times: number): Promise<BaselineResult> {
  const results: Array<Omit<BaselineResult, 'runs'>> = [];
  for (let i = 0; i < times; i++) results.push(await bareInsert(files));
  results.sort((a, b) => a.seconds - b.seconds);
  return { ...results[Math.floor(results.length / 2)], runs: results.map((r) => r.seconds) };
}

/** The V8 heap as the service's /metrics (prom-client's default metrics) reports it. */
async function heapOf(target: Target): Promise<{ used: number; total: number; external: number }> {
  const metrics = await (await fetch(`${target.url}/metrics`)).text();
  const gauge = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(metrics)?.[1] ?? NaN);
  return { used: gauge('nodejs_heap_size_used_bytes'), total: gauge('nodejs_heap_size_total_bytes'), external: gauge('nodejs_external_memory_bytes') };
}

/** Peak memory of one upload: VmHWM reset just before it. */
async function probe(target: Target, label: string, period: string, body: string): Promise<MemoryPoint> {
  const rssBefore = memoryOf(target.pid).rss;
  resetPeak(target.pid);
  const res = await post(`${target.url}/v1/uploads?period=${period}`, body, TSV);
  return { label, bytes: Buffer.byteLength(body), status: res.status, rssBefore, peak: memoryOf(target.pid).peak };
}

async function httpImport(target: Target, files: RegionTable[][], texts: string[], settings: ImportSettings, regions: BenchRegion[], log: Log): Promise<HttpImportResult> {
  const rssAtStart = memoryOf(target.pid).rss;
  const peakResettable = resetPeak(target.pid);
  const curve: number[] = [];
  let done = 0;
  const marks: number[] = [];
  const sampler = setInterval(() => {
    curve.push(memoryOf(target.pid).rss);
    marks.push(done);
  }, 25);
  const latencies: number[] = [];
  let peakAfterTen = 0;
  const cpuBefore = cpuMicros(target.pid);
  const started = process.hrtime.bigint();
  let next = 0;
  const worker = async () => {
    while (next < files.length) {
      const i = next++;
      const t0 = process.hrtime.bigint();
      const res = await post(`${target.url}/v1/uploads?period=${files[i][0].period}`, texts[i], TSV);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (res.status !== 201) throw new Error(`upload of the ${files[i][0].period} file answered ${res.status}: ${res.text.slice(0, 500)}`);
      done++;
      if (done === 10) peakAfterTen = memoryOf(target.pid).peak;
      if (done % 50 === 0) log(`  ${done}/${files.length} files`);
    }
  };
  try {
    await Promise.all(Array.from({ length: settings.concurrency }, worker));
  } finally {
    clearInterval(sampler);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuSeconds = (cpuMicros(target.pid) - cpuBefore) / 1e6;
  const { peak: peakAfterAll, rss: rssAtEnd } = memoryOf(target.pid);

  // RSS when 0 %, 10 %, …, 100 % of the files were done.
  const rssCurve = Array.from({ length: 11 }, (_, k) => {
    const wanted = Math.round((files.length * k) / 10);
    const index = marks.findIndex((m) => m >= wanted);
    return index < 0 ? rssAtEnd : curve[index];
  });

  // What the reads say: every period stored, the last one's national total the sum of its rows.
  const last = files[files.length - 1];
  const expected = last.reduce((sum, t) => sum + t.rows.reduce((s, r) => s + rowTotal(r), 0), 0);
  const totals = (await (await fetch(`${target.url}/v1/totals?period=${last[0].period}`)).json()) as { total?: number; regions?: number };
  const periodList = (await (await fetch(`${target.url}/v1/periods`)).json()) as { periods?: string[] };
  const check = `${periodList.periods?.length} periods stored; ${last[0].period}: ${totals.regions} regions, total ${totals.total} (expected ${expected})`;
  if (totals.total !== expected || totals.regions !== last.length) throw new Error(`the import did not store what was sent: ${check}`);

  const heap = await heapOf(target);
  const rows = files.reduce((sum, f) => sum + f.reduce((s, t) => s + t.rows.length, 0), 0);
  const passes: PassResult[] = [{ files: files.length, rows, seconds, rss: rssAtEnd, peak: peakAfterAll, heapUsed: heap.used }];
  for (let pass = 2; pass <= settings.passes; pass++) {
    // Earlier periods each pass (25 years back per 293 files), generated before the clock starts.
    const list = periods(files.length, `${2026 - 25 * (pass - 1)}-06`);
    const bodies = list.map((period) => multiRegionTsv(regions.map((r) => regionTable(r, period))));
    const t0 = process.hrtime.bigint();
    for (const [i, body] of bodies.entries()) {
      const res = await post(`${target.url}/v1/uploads?period=${list[i]}`, body, TSV);
      if (res.status !== 201) throw new Error(`pass ${pass}: upload of the ${list[i]} file answered ${res.status}: ${res.text.slice(0, 500)}`);
    }
    const passSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    const memory = memoryOf(target.pid);
    passes.push({ files: bodies.length, rows, seconds: passSeconds, rss: memory.rss, peak: memory.peak, heapUsed: (await heapOf(target)).used });
    log(`  pass ${pass}: ${bodies.length} more files in ${passSeconds.toFixed(1)} s, RSS ${(memory.rss / 1048576).toFixed(0)} MB`);
  }

  // Peak memory against file size: a region, a third, two thirds, all 35 (the largest legal file: a file
  // holds each region at most once), then oversized files that repeat the 35 tables and must be refused.
  const bySize: MemoryPoint[] = [];
  const extra = periods(5 + settings.oversize.length, '2030-12');
  const sizes = [1, Math.round(regions.length / 3), Math.round((2 * regions.length) / 3), regions.length];
  for (const [i, n] of sizes.entries()) {
    const tables = regions.slice(0, n).map((r) => regionTable(r, extra[i]));
    bySize.push(await probe(target, `${n} region${n === 1 ? '' : 's'}, ${tables.reduce((s, t) => s + t.rows.length, 0)} rows`, extra[i], multiRegionTsv(tables)));
  }
  const full = multiRegionTsv(regions.map((r) => regionTable(r, extra[4])));
  for (const [i, times] of settings.oversize.entries()) {
    const started = Date.now();
    const point = await probe(target, `35 regions × ${times} (refused: regions repeat)`, extra[5 + i], full.repeat(times));
    log(`  ${point.label}: ${point.status} in ${((Date.now() - started) / 1000).toFixed(1)} s, peak ${(point.peak / 1048576).toFixed(0)} MB`);
    bySize.push(point);
  }

  return {
    files: files.length,
    rows,
    bytes: texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0),
    seconds,
    cpuSeconds,
    p50: median(latencies),
    p99: [...latencies].sort((a, b) => a - b)[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))],
    max: Math.max(...latencies),
    rssAtStart,
    peakAfterTen,
    peakAfterAll,
    rssAtEnd,
    rssCurve,
    check,
    heap,
    passes,
    bySize,
    peakResettable,
  };
}

export async function runImport(settings: ImportSettings, regions: BenchRegion[], log: Log): Promise<ImportReport> {
  const periodList = periods(settings.periods);
  const files = periodList.map((period) => regions.map((region) => regionTable(region, period)));
  const texts = files.map(multiRegionTsv);
  const rows = files.reduce((sum, f) => sum + f.reduce((s, t) => s + t.rows.length, 0), 0);
  const bytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0);
  const largestFile = Math.max(...texts.map((t) => Buffer.byteLength(t)));
  log(`import: ${files.length} files (one per period, ${regions.length} regions each), ${rows} gemeente rows, ${(bytes / 1e6).toFixed(1)} MB`);

  const baseline = await bareInserts(files, settings.baselineRuns);
  log(`  bare better-sqlite3: ${baseline.rows} rows in ${baseline.runs.map((r) => r.toFixed(2)).join(', ')} s`);
  if (baseline.rows !== rows) throw new Error(`the bare insert stored ${baseline.rows} rows, not ${rows}`);

  const service = await startService({ name: 'service (import)', dir: tempDir() });
  try {
    const works = await tableUploadsWork(service);
    log(`  ${works.detail}`);
    if (!works.ok) return { settings, files: files.length, rows, bytes, largestFile, baseline, unavailable: works.detail };
    // The probe stored Twente for 2026-06; restart on an empty database so the import starts from nothing.
    await service.stop();
    const fresh = await startService({ name: 'service (import)', dir: tempDir() });
    try {
      log(`  uploading through HTTP (pid ${fresh.pid}, concurrency ${settings.concurrency})`);
      const http = await httpImport(fresh, files, texts, settings, regions, log);
      log(`  ${http.rows} rows in ${http.seconds.toFixed(2)} s; ${http.check}`);
      return { settings, files: files.length, rows, bytes, largestFile, baseline, http };
    } finally {
      await fresh.stop();
    }
  } finally {
    await service.stop();
  }
}
