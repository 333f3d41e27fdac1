/** Fills a running service through its real upload path: POST /v1/uploads with JSON bodies. */
import { BenchRegion, jsonUpload, regionTable } from './data';
import { API_KEY, Target } from './targets';

export interface FillResult {
  uploads: number;
  rows: number;
  seconds: number;
}

/** Runs `work` over `items` with at most `concurrency` at a time, in order of start. */
export async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

export async function post(url: string, body: string, contentType: string): Promise<{ status: number; text: string }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': contentType, 'X-API-Key': API_KEY },
    body,
    signal: AbortSignal.timeout(60_000),
  });
  return { status: res.status, text: await res.text() };
}

/** One upload: a path under the service's URL, its body and Content-Type. */
export interface Upload {
  path: string;
  body: string;
  type: string;
}

/** Sends `uploads` one after another; throws on the first answer that is not a 201. Returns the seconds taken. */
export async function postInTurn(target: Target, uploads: Upload[], onEach?: (done: number) => void): Promise<number> {
  const started = process.hrtime.bigint();
  for (const [i, u] of uploads.entries()) {
    const res = await post(`${target.url}${u.path}`, u.body, u.type);
    if (res.status !== 201) throw new Error(`${target.name}: POST ${u.path} (${u.type}) answered ${res.status}: ${res.text.slice(0, 300)}`);
    onEach?.(i + 1);
  }
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Every region for every period, oldest period first; throws on the first upload that is not a 201. */
export async function fillJson(target: Target, regions: BenchRegion[], periodList: string[], concurrency = 4): Promise<FillResult> {
  const jobs = periodList.flatMap((period) => regions.map((region) => regionTable(region, period)));
  const started = process.hrtime.bigint();
  await pool(jobs, concurrency, async (table) => {
    const res = await post(`${target.url}/v1/uploads`, jsonUpload(table), 'application/json');
    if (res.status !== 201) throw new Error(`${target.name}: upload of ${table.region.name} ${table.period} answered ${res.status}: ${res.text.slice(0, 500)}`);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { uploads: jobs.length, rows: jobs.reduce((sum, t) => sum + t.rows.length, 0), seconds };
}
