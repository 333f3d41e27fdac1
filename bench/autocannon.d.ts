// autocannon ships no types and @types/autocannon is not installed: the part of its programmatic API the
// benchmarks use, as documented in its README (v8).
declare module 'autocannon' {
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    /** Stops after this many responses in total, whatever the duration. */
    maxOverallRequests?: number;
    timeout?: number;
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    pipelining?: number;
    /** Requests in turn; `setupRequest` may change each one before it is sent (its path, its headers). */
    requests?: Array<{ setupRequest?: (request: { path?: string; headers?: Record<string, string> }) => { path?: string; headers?: Record<string, string> } }>;
  }
  interface Histogram {
    average: number;
    mean: number;
    stddev: number;
    min: number;
    max: number;
    total: number;
    p50: number;
    p90: number;
    p97_5: number;
    p99: number;
  }
  interface Result {
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    latency: Histogram;
    requests: Histogram & { sent: number };
    throughput: Histogram;
  }
  interface Instance {
    stop(): void;
  }
  function autocannon(options: Options, callback: (error: Error | null, result: Result) => void): Instance;
  export = autocannon;
}
