/**
 * Where the service spends its CPU: `npm run bench -- --profile=/v1/totals` (any read path; the service
 * and a bare express app answering the same bytes, side by side), `--profile=import` or `--profile=uploads` (JSON). V8's profiler runs
 * inside the target (profile-hook.ts) only while the measured load runs; the profile is summarized as
 * self time per package and the functions with the most self time.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/paths';
import { BenchRegion, jsonUpload, multiRegionTsv, periods, regionTable } from './data';
import { fillJson, post } from './fill';
import { ImportSettings, TSV } from './import';
import { load, Sample } from './load';
import { largestRegion, ReadsSettings } from './reads';
import { bodyOf, startBare, startService, Target, tempDir } from './targets';

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

interface Analysis {
  busy: number;
  idle: number;
  /** µs of self time per function (`name\twhere\tarea`) and per package or area. */
  functions: Map<string, number>;
  areas: Map<string, number>;
}

/** Self time per function and per package; a native function (writev, writeSync…) counts for its JavaScript caller's package. */
export function analyze(profile: CpuProfile): Analysis {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const result: Analysis = { busy: 0, idle: 0, functions: new Map(), areas: new Map() };
  const add = (m: Map<string, number>, key: string, dt: number) => m.set(key, (m.get(key) ?? 0) + dt);
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id);
    if (!node) return;
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') {
      result.idle += dt;
      return;
    }
    result.busy += dt;
    add(result.functions, `${frame.functionName || '(anonymous)'}\t${where(frame)}\t${area(frame)}`, dt);
    let owner = frame;
    if (!frame.url && !frame.functionName.startsWith('(')) {
      for (let at = parent.get(id); at !== undefined; at = parent.get(at)) {
        const f = byId.get(at)?.callFrame;
        if (f?.url) {
          owner = f;
          break;
        }
      }
    }
    add(result.areas, owner === frame ? area(frame) : `${area(owner)} (incl. native ${frame.functionName})`, dt);
  });
  return result;
}

const sortedDesc = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
const fixed = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : '–');

/** The functions with the most self time, as % of busy time and µs per unit of work (request or row). */
function topFunctions(a: Analysis, units: number, unit: string, top = 20): string[] {
  return [
    `| self time | µs per ${unit} | function | where | package / area |`,
    '|---|---|---|---|---|',
    ...sortedDesc(a.functions).slice(0, top).map(([key, t]) => {
      const [fn, file, ar] = key.split('\t');
      return `| ${fixed((100 * t) / a.busy)} % | ${fixed(t / units, 2)} | \`${fn}\` | ${file} | ${ar} |`;
    }),
  ];
}

/** Sends SIGUSR2 to start the profile-hook profiler, runs `work`, stops it and reads the profile. */
async function profiled<T>(target: Target, file: string, work: () => Promise<T>): Promise<{ result: T; profile: CpuProfile }> {
  process.kill(target.pid, 'SIGUSR2');
  await sleep(300); // the profiler starts asynchronously in the target
  const result = await work();
  process.kill(target.pid, 'SIGUSR2');
  for (let waited = 0; !existsSync(file); waited += 100) {
    if (waited > 20_000) throw new Error(`${target.name} wrote no CPU profile to ${file}`);
    await sleep(100);
  }
  await sleep(200); // let the write finish
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile & { error?: string };
  if (profile.error) throw new Error(`profiling ${target.name} failed: ${profile.error}`);
  return { result, profile };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const HOOK = path.join(__dirname, 'profile-hook.js');

async function readProfile(endpoint: string, regions: BenchRegion[], reads: ReadsSettings, dir: string): Promise<string> {
  const serviceFile = path.join(dir, 'service.cpuprofile');
  const service = await startService({ name: 'service', dir, nodeArgs: ['--require', HOOK], env: { BENCH_PROFILE_OUT: serviceFile } });
  await fillJson(service, regions, periods(reads.mainPeriods));
  const bodies = new Map([[endpoint, await bodyOf(service, endpoint)]]);
  const expressFile = path.join(dir, 'express.cpuprofile');
  const express = await startBare('express', bodies, { nodeArgs: ['--require', HOOK], env: { BENCH_PROFILE_OUT: expressFile } });
  const options = { connections: reads.connections, seconds: 10, maxRequests: reads.maxRequests };
  const measured: Array<{ target: Target; sample: Sample; analysis: Analysis; profile: CpuProfile }> = [];
  for (const [target, file] of [[service, serviceFile], [express, expressFile]] as const) {
    await load(target.url + endpoint, { ...options, seconds: 3 }, target.pid); // warm-up, not profiled
    const { result, profile } = await profiled(target, file, () => load(target.url + endpoint, options, target.pid));
    measured.push({ target, sample: result, analysis: analyze(profile), profile });
  }
  await Promise.all([service.stop(), express.stop()]);
  const [svc, exp] = measured;
  const perReq = (m: (typeof measured)[number], t: number) => t / m.sample.requests;
  const areas = new Set([...svc.analysis.areas.keys(), ...exp.analysis.areas.keys()]);
  const rows = [...areas]
    .map((a) => ({ a, s: perReq(svc, svc.analysis.areas.get(a) ?? 0), e: perReq(exp, exp.analysis.areas.get(a) ?? 0) }))
    .filter((r) => r.s >= 1 || r.e >= 1)
    .sort((x, y) => y.s - x.s);
  writeFileSync(path.join(outDir(), 'profile-read-service.cpuprofile'), JSON.stringify(svc.profile));
  writeFileSync(path.join(outDir(), 'profile-read-express.cpuprofile'), JSON.stringify(exp.profile));
  const describe = (m: (typeof measured)[number]) =>
    `${m.target.name}: ${Math.round(m.sample.rps)} req/s under the profiler, ${m.sample.requests} requests, CPU busy ${fixed(m.analysis.busy / 1e6)} s ` +
    `(${fixed(m.analysis.busy / m.sample.requests, 0)} µs per request in JavaScript and GC as sampled; /proc says ${fixed(m.sample.cpuPerRequest, 0)} µs all threads included)`;
  return [
    `### CPU profile: GET ${endpoint} (${bodies.get(endpoint)?.length} bytes), the service against bare express, ${reads.connections} connections, 10 s each after a 3 s warm-up`,
    '',
    `- ${describe(svc)}`,
    `- ${describe(exp)}`,
    '',
    'Self time per package in µs per request (a native function such as writev is counted for the package that called it); rows under 1 µs in both are left out:',
    '',
    '| package / area | service µs/req | bare express µs/req | difference |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r.a} | ${fixed(r.s)} | ${fixed(r.e)} | ${r.s - r.e >= 0 ? '+' : ''}${fixed(r.s - r.e)} |`),
    `| **all sampled CPU** | **${fixed(perReq(svc, svc.analysis.busy))}** | **${fixed(perReq(exp, exp.analysis.busy))}** | **+${fixed(perReq(svc, svc.analysis.busy) - perReq(exp, exp.analysis.busy))}** |`,
    '',
    'The service\'s functions with the most self time:',
    '',
    ...topFunctions(svc.analysis, svc.sample.requests, 'request'),
    '',
  ].join('\n');
}

/** The writes one after another under the profiler: the table import (a TSV file per period) or JSON uploads (one region and period each). */
async function writeProfile(what: 'import' | 'uploads', regions: BenchRegion[], imports: ImportSettings, dir: string): Promise<string> {
  const file = path.join(dir, 'service.cpuprofile');
  const service = await startService({ name: 'service', dir, nodeArgs: ['--require', HOOK], env: { BENCH_PROFILE_OUT: file } });
  const list = periods(imports.periods);
  const sends = what === 'import'
    ? list.map((period) => ({ path: `/v1/uploads?period=${period}`, body: multiRegionTsv(regions.map((r) => regionTable(r, period))), type: TSV }))
    : list.flatMap((period) => regions.map((r) => ({ path: '/v1/uploads', body: jsonUpload(regionTable(r, period)), type: 'application/json' })));
  const rows = imports.periods * regions.reduce((sum, r) => sum + r.gemeenten.length, 0);
  const [count, unit] = what === 'import' ? [rows, 'row'] : [sends.length, 'upload'];
  const started = Date.now();
  const { profile } = await profiled(service, file, async () => {
    for (const u of sends) {
      const res = await post(`${service.url}${u.path}`, u.body, u.type);
      if (res.status !== 201) throw new Error(`${what} answered ${res.status}: ${res.text.slice(0, 300)}`);
    }
  });
  const seconds = (Date.now() - started) / 1000;
  await service.stop();
  writeFileSync(path.join(outDir(), `profile-${what}.cpuprofile`), JSON.stringify(profile));
  const a = analyze(profile);
  const title = what === 'import'
    ? `the import of ${sends.length} TSV files (${rows} gemeente rows)`
    : `${sends.length} JSON uploads (${rows} gemeente rows)`;
  return [
    `### CPU profile: ${title}, one after another, ${fixed(seconds)} s`,
    '',
    `CPU busy ${fixed(a.busy / 1e6, 2)} s, idle ${fixed(a.idle / 1e6, 2)} s: ${fixed(a.busy / count, 1)} µs of sampled CPU per ${unit}.`,
    '',
    `| package / area | self time | µs per ${unit} |`,
    '|---|---|---|',
    ...sortedDesc(a.areas).filter(([, t]) => t / a.busy >= 0.005).map(([ar, t]) => `| ${ar} | ${fixed((100 * t) / a.busy)} % | ${fixed(t / count, 2)} |`),
    '',
    ...topFunctions(a, count, unit, 25),
    '',
  ].join('\n');
}

const outDir = () => {
  const dir = path.join(PROJECT_ROOT, 'bench', 'out');
  mkdirSync(dir, { recursive: true });
  return dir;
};

export async function runProfile(what: string, regions: BenchRegion[], reads: ReadsSettings, imports: ImportSettings, log: Log): Promise<void> {
  const dir = tempDir();
  const markdown = what === 'import' || what === 'uploads'
    ? await writeProfile(what, regions, imports, dir)
    : await readProfile(what.replace('{region}', largestRegion(regions).code), regions, reads, dir);
  const name = `profile-${what === 'import' || what === 'uploads' ? what : 'read'}.md`;
  writeFileSync(path.join(outDir(), name), `\`npm run bench -- --profile=${what}\`\n\n${markdown}`);
  process.stdout.write(`${markdown}\n`);
  log(`written to bench/out/${name}, with the raw .cpuprofile files beside it (open them in Chrome DevTools)`);
}
