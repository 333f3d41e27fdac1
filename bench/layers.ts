/**
 * What each layer of the service's middleware costs: `npm run bench -- --layers[=/v1/totals]`. Bare
 * express, then the service's own middleware added one layer at a time (layer-server.ts), then the service
 * itself, all answering the same bytes, loaded in rotating order like the read benchmark.
 */
import { BenchRegion, periods } from './data';
import { fillJson } from './fill';
import { summarize, Summary } from './load';
import { bodyOf, interleaved, largestRegion, ReadsSettings } from './reads';
import { startForked, startService, Target, tempDir } from './targets';

export const LAYERS = [
  'bare express (defaults)',
  "+ the service's express settings and read cache",
  '+ request id and pino-http request log',
  '+ Prometheus metrics middleware',
  '+ API-Version, helmet headers, CORS',
  '+ rate-limit middleware (RATE_LIMIT=false)',
];

type Log = (line: string) => void;

export async function runLayers(what: string, regions: BenchRegion[], settings: ReadsSettings, log: Log): Promise<string> {
  const endpoint = what.replace('{region}', largestRegion(regions).code);
  const service = await startService({ name: 'the service', dir: tempDir() });
  await fillJson(service, regions, periods(settings.mainPeriods));
  const bodies = new Map([[endpoint, await bodyOf(service, endpoint)]]);
  const targets: Target[] = [];
  for (const [depth, name] of LAYERS.entries()) targets.push(await startForked('layer-server.js', [String(depth)], name, bodies));
  targets.push(service);
  for (const t of targets) {
    const body = await bodyOf(t, endpoint);
    if (!body.equals(bodies.get(endpoint) as Buffer)) throw new Error(`${t.name} does not serve the bytes of ${endpoint}`);
  }
  const rounds = settings.rounds;
  const options = { connections: settings.connections, seconds: settings.seconds, maxRequests: settings.maxRequests };
  const samples = await interleaved(targets, [{ path: endpoint, core: true }], rounds, options, settings.warmupSeconds, log);
  await Promise.all(targets.map((t) => t.stop()));
  const of = (t: Target): Summary => summarize(samples.get(`${t.name} ${endpoint}`) ?? []);
  const base = of(targets[0]).rps;
  const baseCpu = of(targets[0]).cpuPerRequest;
  const rows = targets.map((t, i) => {
    const s = of(t);
    const previous = i > 0 ? of(targets[i - 1]).cpuPerRequest : NaN;
    const step = Number.isFinite(previous) ? `${s.cpuPerRequest - previous >= 0 ? '+' : ''}${Math.round(s.cpuPerRequest - previous)}` : '–';
    return `| ${t.name} | ${Math.round(s.rps).toLocaleString('en-US')} (${Math.round(s.rpsMin).toLocaleString('en-US')}–${Math.round(s.rpsMax).toLocaleString('en-US')}) | ${(s.rps / base).toFixed(2)} | ${Math.round(s.cpuPerRequest)} | ${step} | ${(baseCpu / s.cpuPerRequest).toFixed(2)} | ${s.p50} / ${s.p99} |`;
  });
  return [
    `### Middleware layers: GET ${endpoint} (${bodies.get(endpoint)?.length} bytes), ${settings.connections} connections, ${rounds} round${rounds === 1 ? '' : 's'} × ${settings.seconds} s`,
    '',
    '`npm run bench -- --layers' + (what === '/v1/totals' ? '' : `=${what}`) + '`',
    '',
    'Each row adds one layer of the service\'s own middleware (from dist/src, in app.ts\'s order) to the row above; the last row is the service itself. ' +
      'Server CPU is the user + system time of the server process over the load divided by its answers (medians over the rounds); ' +
      '"added" is the difference to the row above, i.e. what the layer costs per request; "CPU-based ratio" is bare express µs / this row\'s µs.',
    '',
    '| layers | req/s median (lowest–highest) | × bare express (req/s) | server CPU µs/req | added µs | CPU-based ratio to bare express | p50 / p99 ms |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '',
  ].join('\n');
}
