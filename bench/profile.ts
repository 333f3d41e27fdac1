/**
 * Where the service spends its CPU: `npm run bench -- --profile=/v1/totals` (any read path) or
 * `--profile=import`. The service runs under `node --cpu-prof`; the profile is summarized as the
 * functions with the most self time and the packages most often on the stack (inclusive time).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { BenchRegion, multiRegionTsv, periods, regionTable } from './data';
import { fillJson, post } from './fill';
import { ImportSettings, TSV } from './import';
import { load } from './load';
import { largestRegion, ReadsSettings } from './reads';
import { startService, tempDir } from './targets';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

type Log = (line: string) => void;

/** What a frame belongs to: a package, node's internals, the service's own code, or V8's bookkeeping. */
function area(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) return functionName.startsWith('(') ? functionName : `(native) ${functionName}`;
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return url.replace(/^node:internal\/.*/, 'node internals').replace(/^node:(.*)$/, 'node:$1');
  const dist = url.indexOf('/dist/');
  return dist >= 0 ? `service ${url.slice(dist + '/dist/'.length).replace(/\.js$/, '')}` : url;
}

function where(frame: CallFrame): string {
  const file = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, '').replace(/^node:/, '');
  return file ? `${file}:${frame.lineNumber + 1}` : '';
}

export function summarizeProfile(profile: CpuProfile, top = 20): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const self = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    if (node.callFrame.functionName === '(idle)') {
      idle += dt;
      return;
    }
    busy += dt;
    const key = `${node.callFrame.functionName || '(anonymous)'}\t${where(node.callFrame)}\t${area(node.callFrame)}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    // Native frames (writev, writeSync, …) count for whoever called them.
    let at: number | undefined = id;
    while (at !== undefined && !byId.get(at)?.callFrame.url && parent.get(at) !== undefined && !byId.get(at)?.callFrame.functionName.startsWith('(')) at = parent.get(at);
    const owner = at === undefined ? node.callFrame : (byId.get(at) as ProfileNode).callFrame;
    const ownerArea = owner === node.callFrame ? area(owner) : `${area(owner)} (incl. native ${node.callFrame.functionName})`;
    selfByArea.set(ownerArea, (selfByArea.get(ownerArea) ?? 0) + dt);
  });
  const pct = (t: number) => `${((100 * t) / busy).toFixed(1)} %`;
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  const lines = [
    `CPU busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s. Percentages are of busy time.`,
    '',
    '| self time | function | where | package / area |',
    '|---|---|---|---|',
    ...sorted(self).map(([key, t]) => {
      const [fn, file, a] = key.split('\t');
      return `| ${pct(t)} | \`${fn}\` | ${file} | ${a} |`;
    }),
    '',
    'Self time per package (a native function such as writev counted for the JavaScript that called it):',
    '',
    '| self time | package / area |',
    '|---|---|',
    ...sorted(selfByArea).map(([a, t]) => `| ${pct(t)} | ${a} |`),
  ];
  return lines.join('\n');
}

export async function runProfile(what: string, regions: BenchRegion[], reads: ReadsSettings, imports: ImportSettings, log: Log): Promise<void> {
  const dir = tempDir();
  const profiles = path.join(dir, 'profiles');
  const endpoint = what.replace('{region}', largestRegion(regions).code);
  if (endpoint !== 'import') {
    // Fill without the profiler, then profile a fresh process on the same database: start-up and load only.
    const filler = await startService({ name: 'service (fill)', dir });
    await fillJson(filler, regions, periods(reads.mainPeriods));
    await filler.stop();
  }
  const service = await startService({ name: 'service (profiled)', dir, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profiles}`] });
  let detail: string;
  if (endpoint === 'import') {
    const files = periods(imports.periods).map((period) => multiRegionTsv(regions.map((r) => regionTable(r, period))));
    const started = Date.now();
    for (const [i, file] of files.entries()) {
      const res = await post(`${service.url}/v1/uploads?period=${periods(imports.periods)[i]}`, file, TSV);
      if (res.status !== 201) throw new Error(`import answered ${res.status}: ${res.text.slice(0, 300)}`);
    }
    detail = `${files.length} TSV files uploaded one after another in ${((Date.now() - started) / 1000).toFixed(1)} s`;
  } else {
    await load(service.url + endpoint, { connections: reads.connections, seconds: 2, maxRequests: reads.maxRequests });
    const sample = await load(service.url + endpoint, { connections: reads.connections, seconds: 10, maxRequests: reads.maxRequests });
    detail = `GET ${endpoint}, ${reads.connections} connections, 2 s warm-up + 10 s: ${Math.round(sample.rps)} req/s under the profiler, p50 ${sample.p50} ms, p99 ${sample.p99} ms`;
  }
  await service.stop(15_000);
  const file = readdirSync(profiles).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('the service wrote no CPU profile (did it exit through process.exit?)');
  const profile = JSON.parse(readFileSync(path.join(profiles, file), 'utf8')) as CpuProfile;
  const markdown = [`### CPU profile of the service: ${detail}`, '', `\`npm run bench -- --profile=${what}\``, '', summarizeProfile(profile), ''].join('\n');
  const out = path.join(PROJECT_ROOT, 'bench', 'out', `profile-${what.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '')}.md`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, markdown);
  writeFileSync(out.replace(/\.md$/, '.cpuprofile'), JSON.stringify(profile));
  process.stdout.write(`${markdown}\n`);
  log(`written to ${path.relative(process.cwd(), out)} (and the raw .cpuprofile beside it, for Chrome DevTools)`);
}
