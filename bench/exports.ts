/**
 * Issue 10: what CSV, TSV and xlsx answers cost beside the JSON answer of the same figures, in the same run
 * on the same service: cached (the read cache answers stored bytes) and uncached (a different Accept on every
 * request, so that each answer is derived and rendered anew). The service holds every region for
 * `periods` periods; the region is the one with the most gemeenten.
 */
import { BenchRegion, periods as periodList } from './data';
import { fillJson, FillResult } from './fill';
import { load, RoundsSettings, Sample, summarize, Summary } from './load';
import { largestRegion } from './reads';
import { startService, tempDir } from './targets';

export interface ExportsSettings extends RoundsSettings {
  periods: number;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface ExportCase {
  /** What is exported: the rows of one group are compared with its JSON row. */
  group: string;
  form: string;
  path: string;
  accept: string;
}

export interface ExportRow extends ExportCase {
  bytes: number;
  cached: Summary;
  uncached: Summary;
}

export interface ExportsReport {
  settings: ExportsSettings;
  region: BenchRegion;
  fill: FillResult;
  rows: ExportRow[];
  /** Whether the service has the region series (another issue); its rows are measured when it does. */
  series: boolean;
}

type Log = (line: string) => void;

function cases(region: BenchRegion, series: boolean): ExportCase[] {
  const c = region.code;
  return [
    { group: 'national figures', form: 'JSON (/v1/coverage)', path: '/v1/coverage', accept: 'application/json' },
    { group: 'national figures', form: 'CSV (/v1/coverage)', path: '/v1/coverage', accept: 'text/csv' },
    { group: 'national figures', form: 'table TSV (/v1/table)', path: '/v1/table', accept: 'text/tab-separated-values' },
    { group: 'national figures', form: 'table CSV (/v1/table)', path: '/v1/table', accept: 'text/csv' },
    { group: 'national figures', form: 'table xlsx (/v1/table)', path: '/v1/table', accept: XLSX },
    { group: 'region gemeenten', form: 'JSON (/gemeenten)', path: `/v1/regions/${c}/gemeenten`, accept: 'application/json' },
    { group: 'region gemeenten', form: 'CSV (/gemeenten)', path: `/v1/regions/${c}/gemeenten`, accept: 'text/csv' },
    { group: 'region gemeenten', form: 'table TSV (/table)', path: `/v1/regions/${c}/table`, accept: 'text/tab-separated-values' },
    { group: 'region gemeenten', form: 'table CSV (/table)', path: `/v1/regions/${c}/table`, accept: 'text/csv' },
    { group: 'region gemeenten', form: 'table xlsx (/table)', path: `/v1/regions/${c}/table`, accept: XLSX },
    ...(series ? [
      { group: 'region series', form: 'JSON (/series)', path: `/v1/regions/${c}/series`, accept: 'application/json' },
      { group: 'region series', form: 'CSV (/series)', path: `/v1/regions/${c}/series`, accept: 'text/csv' },
    ] : []),
  ];
}

async function fetchBody(url: string, accept: string): Promise<{ status: number; type: string; bytes: number }> {
  const res = await fetch(url, { headers: { accept }, signal: AbortSignal.timeout(10_000) });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type') ?? '', bytes: body.length };
}

export async function runExports(settings: ExportsSettings, regions: BenchRegion[], log: Log): Promise<ExportsReport> {
  const region = largestRegion(regions);
  const service = await startService({ name: 'service', dir: tempDir() });
  try {
    log(`exports: filling ${regions.length} regions × ${settings.periods} periods`);
    const fill = await fillJson(service, regions, periodList(settings.periods));
    const series = (await fetchBody(`${service.url}/v1/regions/${region.code}/series`, 'application/json')).status === 200;
    const rows: ExportRow[] = [];
    const options = { connections: settings.connections, seconds: settings.seconds, maxRequests: settings.maxRequests };
    for (const c of cases(region, series)) {
      const first = await fetchBody(service.url + c.path, c.accept);
      const wanted = c.accept.split(',')[0];
      if (first.status !== 200 || !first.type.startsWith(wanted)) throw new Error(`${c.path} with Accept ${c.accept} answered ${first.status} ${first.type}`);
      await load(service.url + c.path, { ...options, seconds: settings.warmupSeconds, accept: c.accept }, service.pid);
      const cached: Sample[] = [];
      const uncached: Sample[] = [];
      for (let round = 0; round < settings.rounds; round++) {
        // Alternating, so that a noisy moment of the machine does not fall on one of the two only.
        for (const fresh of round % 2 ? [true, false] : [false, true]) {
          const sample = await load(service.url + c.path, { ...options, accept: c.accept, uncached: fresh }, service.pid);
          (fresh ? uncached : cached).push(sample);
          log(`  round ${round + 1}/${settings.rounds} ${c.form.padEnd(26)} ${fresh ? 'uncached' : 'cached  '} ${Math.round(sample.rps).toString().padStart(6)} req/s  p99 ${sample.p99} ms  ${Math.round(sample.cpuPerRequest)} µs CPU/req${sample.failures ? `  ${sample.failures} FAILURES` : ''}`);
        }
      }
      rows.push({ ...c, bytes: first.bytes, cached: summarize(cached), uncached: summarize(uncached) });
    }
    return { settings, region, fill, rows, series };
  } finally {
    await service.stop();
  }
}
