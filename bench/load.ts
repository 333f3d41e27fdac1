/** One bounded autocannon load, run from the parent process, and the statistics over several of them. */
import autocannon from 'autocannon';

export interface LoadOptions {
  connections: number;
  /** Seconds; the load stops at this time or at `maxRequests` responses, whichever comes first. */
  seconds: number;
  maxRequests: number;
}

export interface Sample {
  rps: number;
  /** Milliseconds (autocannon's histogram has 1 ms resolution). */
  p50: number;
  p99: number;
  requests: number;
  /** Non-2xx answers, connection errors and timeouts: any of them makes the sample suspect. */
  failures: number;
}

export function load(url: string, options: LoadOptions): Promise<Sample> {
  return new Promise((resolve, reject) => {
    // A watchdog in case the server hangs: autocannon's own timeout is per request.
    const watchdog = setTimeout(() => {
      instance.stop();
    }, (options.seconds + 15) * 1000);
    const instance = autocannon(
      { url, connections: options.connections, duration: options.seconds, maxOverallRequests: options.maxRequests, timeout: 10 },
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
  };
}
