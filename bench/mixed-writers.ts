/**
 * The mixed load's writers (mixed.ts), run in a process of their own: each uploads a random region's table
 * for the latest period and withdraws that upload again, one write after another at its share of the rate,
 * alternating over the instances. It says it is ready by IPC; given a WritersOrder, it answers what was
 * Written and exits.
 */
import { BenchRegion, jsonUpload, loadRegions, regionTable } from './data';
import { post } from './fill';
import { API_KEY } from './targets';

export interface WritersOrder {
  /** The instances, the first writer starting on the first, the next on the next, and so on. */
  urls: string[];
  period: string;
  writers: number;
  writesPerSecond: number;
  seconds: number;
}

export interface Written {
  writes: number;
  /** Writes not answered 201 / 200. */
  failures: number;
  seconds: number;
  /** CPU the writers' process used meanwhile, in seconds. */
  cpuSeconds: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One writer: uploads and withdraws, one write after another at about `perSecond`, over `urls` in turn, until `stopAt` (performance.now()). */
async function writeUntil(regions: BenchRegion[], urls: string[], period: string, perSecond: number, stopAt: number): Promise<Omit<Written, 'cpuSeconds'>> {
  const started = performance.now();
  let writes = 0;
  let failures = 0;
  let due = started;
  let withdraw: number | undefined;
  while (performance.now() < stopAt) {
    const url = urls[writes % urls.length];
    try {
      if (withdraw === undefined) {
        const region = regions[Math.floor(Math.random() * regions.length)];
        const res = await post(`${url}/v1/uploads`, jsonUpload(regionTable(region, period)), 'application/json');
        if (res.status === 201) withdraw = (JSON.parse(res.text) as { uploads: Array<{ id: number }> }).uploads[0].id;
        else failures++;
      } else {
        const res = await fetch(`${url}/v1/uploads/${withdraw}`, { method: 'DELETE', headers: { 'X-API-Key': API_KEY }, signal: AbortSignal.timeout(60_000) });
        await res.arrayBuffer();
        if (res.status !== 200) failures++;
        withdraw = undefined;
      }
    } catch {
      failures++;
    }
    writes++;
    due += 1000 / perSecond;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
  }
  return { writes, failures, seconds: (performance.now() - started) / 1000 };
}

async function writeAll(regions: BenchRegion[], order: WritersOrder): Promise<Written> {
  const cpu = process.cpuUsage();
  const stopAt = performance.now() + order.seconds * 1000;
  const { urls } = order;
  const each = await Promise.all(Array.from({ length: order.writers }, (_, k) =>
    writeUntil(regions, [...urls.slice(k % urls.length), ...urls.slice(0, k % urls.length)], order.period, order.writesPerSecond / order.writers, stopAt)));
  const used = process.cpuUsage(cpu);
  return { writes: each.reduce((n, w) => n + w.writes, 0), failures: each.reduce((n, w) => n + w.failures, 0), seconds: Math.max(...each.map((w) => w.seconds)),
    cpuSeconds: (used.user + used.system) / 1e6 };
}

if (process.send) {
  const regions = loadRegions();
  process.once('message', (order: WritersOrder) => {
    writeAll(regions, order).then((written) => process.send?.(written, () => process.exit(0)), (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  });
  process.send('ready');
}
