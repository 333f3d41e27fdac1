/** One bounded autocannon load, run from the parent process, and the statistics over several of them. */
import autocannon from 'autocannon';
import { execSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { statFields } from '../test/support/proc-stat';

let clockTicks: number | undefined;
const ticksToMicros = (ticks: number) => {
  clockTicks ??= Number(execSync('getconf CLK_TCK').toString().trim()) || 100;
  return (ticks * 1e6) / clockTicks;
};

/** CPU time (user + system, all threads) the process has used, in µs, from /proc/<pid>/stat. */
export function cpuMicros(pid: number): number {
  const fields = statFields(pid);
  return ticksToMicros(Number(fields[11]) + Number(fields[12]));
}

/** A process's own CPU ticks (utime, stime) and those of the children it has reaped (cutime, cstime). */
const ticksWithReaped = (fields: string[]) => Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);

/**
 * CPU time a process and its children have used, in µs: the children still running (with what they reaped),
 * then the parent's own and what it reaped (PostgreSQL's postmaster and its backends, which come and go). The
 * parent is read last, so that a child that ends between the two readings is counted in the second.
 */
export function treeCpuMicros(pid: number): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = statFields(entry);
      if (Number(fields[1]) === pid) ticks += ticksWithReaped(fields);
    } catch {
      // ended meanwhile
    }
  }
  return ticksToMicros(ticks + ticksWithReaped(statFields(pid)));
}

/** How a comparison loads each target: `rounds` loads of `seconds` (or `maxRequests`) each, after a warm-up. */
export interface RoundsSettings {
  connections: number;
  rounds: number;
  seconds: number;
  warmupSeconds: number;
  /** Count bound of one load, beside its time bound. */
  maxRequests: number;
}

export interface LoadOptions {
  connections: number;
  /** Seconds; the load stops at this time or at `maxRequests` responses, whichever comes first. */
  seconds: number;
  maxRequests: number;
  /** Accept header of every request. */
  accept?: string;
  /** A different Accept on every request (the read cache keys on it), so that every answer is derived anew. */
  uncached?: boolean;
}

export interface Sample {
  rps: number;
  /** Milliseconds (autocannon's histogram has 1 ms resolution). */
  p50: number;
  p99: number;
  requests: number;
  /** Non-2xx answers, connection errors and timeouts: any of them makes the sample suspect. */
  failures: number;
  /** CPU the server process used per answer, in µs: far less sensitive to a noisy machine than req/s. */
  cpuPerRequest: number;
}

let sent = 0;
type Headers = Record<string, string>;
function acceptOptions(options: LoadOptions): { headers?: Headers; requests?: Array<{ setupRequest: (request: { headers?: Headers }) => { headers?: Headers } }> } {
  if (options.accept === undefined) return {};
  if (!options.uncached) return { headers: { accept: options.accept } };
  const accept = options.accept;
  return { requests: [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, accept: `${accept}, application/x-bench-${++sent};q=0.01` } }) }] };
}

/**
 * Loads `url`; `pid` is the server's process, whose CPU time is measured over the load. With `nextPath`,
 * each request asks for the path it returns instead (e.g. a new URL each time, so that none is a cache hit).
 */
export function load(url: string, options: LoadOptions, pid?: number, nextPath?: () => string): Promise<Sample> {
  const cpuBefore = pid === undefined ? NaN : cpuMicros(pid);
  return new Promise((resolve, reject) => {
    // A watchdog in case the server hangs: autocannon's own timeout is per request.
    const watchdog = setTimeout(() => {
      instance.stop();
    }, (options.seconds + 15) * 1000);
    const instance = autocannon(
      {
        url, connections: options.connections, duration: options.seconds, maxOverallRequests: options.maxRequests, timeout: 10, ...acceptOptions(options),
        ...(nextPath ? { requests: [{ setupRequest: (request: { path?: string }) => ({ ...request, path: nextPath() }) }] } : {}),
      },
      (error, result) => {
        clearTimeout(watchdog);
        if (error) return reject(error);
        const completed = result['2xx'] + result.non2xx;
        resolve({
          rps: completed / Math.max(result.duration, 0.001),
          p50: result.latency.p50,
          p99: result.latency.p99,
          requests: completed,
          failures: result.non2xx + result.errors + result.timeouts,
          // No answer in the window (a heavy read on a busy machine): no cost per answer to speak of.
          cpuPerRequest: pid === undefined || completed === 0 ? NaN : (cpuMicros(pid) - cpuBefore) / completed,
        });
      },
    );
  });
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  /** Smallest and largest req/s over the rounds: how noisy the machine was. */
  rpsMin: number;
  rpsMax: number;
  rounds: number;
  failures: number;
  cpuPerRequest: number;
}

export function summarize(samples: Sample[]): Summary {
  return {
    rps: median(samples.map((s) => s.rps)),
    p50: median(samples.map((s) => s.p50)),
    p99: median(samples.map((s) => s.p99)),
    rpsMin: Math.min(...samples.map((s) => s.rps)),
    rpsMax: Math.max(...samples.map((s) => s.rps)),
    rounds: samples.length,
    failures: samples.reduce((sum, s) => sum + s.failures, 0),
    cpuPerRequest: median(samples.map((s) => s.cpuPerRequest)),
  };
}
