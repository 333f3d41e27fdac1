import type { RequestHandler } from 'express';
import { ipKeyGenerator } from 'express-rate-limit';
import type { IncomingMessage } from 'node:http';
import { Config } from '../config';
import { sendProblem } from './problem';
import { requestPath } from './request-path';

/** What counting one request said: the headers its answer carries, and whether it may be answered at all. */
export interface RateVerdict {
  allowed: boolean;
  /** RateLimit-Policy and RateLimit (draft 7 of the IETF's RateLimit header fields), as writeHead takes them. */
  headers: string[];
  retryAfterSeconds: number;
  detail: string;
}

interface Window {
  hits: number;
  resetAt: number;
}

/**
 * One limit: at most `limit` requests per client in a window of `windowMs` that starts with the client's
 * first request. Windows that ended are dropped as they are met and, once per window, all together, so the
 * map holds only clients seen lately (and no timer outlives the app).
 */
class FixedWindows {
  private readonly windows = new Map<string, Window>();
  private readonly policy: string;
  private nextSweep: number;

  constructor(private readonly windowMs: number, private readonly limit: number, private readonly what: string, private readonly now: () => number) {
    this.policy = `${limit};w=${Math.ceil(windowMs / 1000)}`;
    this.nextSweep = now() + windowMs;
  }

  count(client: string): RateVerdict {
    const at = this.now();
    if (at >= this.nextSweep) {
      for (const [key, window] of this.windows) if (window.resetAt <= at) this.windows.delete(key);
      this.nextSweep = at + this.windowMs;
    }
    let window = this.windows.get(client);
    if (!window || window.resetAt <= at) {
      window = { hits: 0, resetAt: at + this.windowMs };
      this.windows.set(client, window);
    }
    window.hits++;
    const reset = Math.max(0, Math.ceil((window.resetAt - at) / 1000));
    return {
      allowed: window.hits <= this.limit,
      headers: ['RateLimit-Policy', this.policy, 'RateLimit', `limit=${this.limit}, remaining=${Math.max(0, this.limit - window.hits)}, reset=${reset}`],
      retryAfterSeconds: reset,
      detail: `Too many ${this.what}: at most ${this.limit} per ${this.windowMs / 1000} s from one client. Retry after the Retry-After header's seconds.`,
    };
  }
}

const VERDICT = Symbol('rate verdict');
type Counted = IncomingMessage & { [VERDICT]?: RateVerdict };

/**
 * A strict limit on writes and a generous one on reads, per client address, for the API's paths (health
 * checks and Swagger UI's assets are not limited); left out where a gateway limits, and for benchmarks.
 * A request is counted once, on the bare request before express (`count`), so that the read cache can
 * answer an allowed read at once; `middleware` then gives every other answer the verdict's headers, or
 * the 429 problem.
 */
export class RateLimits {
  private readonly writes: FixedWindows;
  private readonly reads: FixedWindows;
  private readonly trustProxy: boolean;

  constructor(config: Pick<Config, 'RATE_LIMIT_WINDOW_MS' | 'RATE_LIMIT_WRITES' | 'RATE_LIMIT_READS' | 'TRUST_PROXY'>, now: () => number = Date.now) {
    this.writes = new FixedWindows(config.RATE_LIMIT_WINDOW_MS, config.RATE_LIMIT_WRITES, 'uploads', now);
    this.reads = new FixedWindows(config.RATE_LIMIT_WINDOW_MS, config.RATE_LIMIT_READS, 'requests', now);
    this.trustProxy = config.TRUST_PROXY;
  }

  /** Counts the request against its client's window; undefined for paths the limits leave alone. */
  count(req: IncomingMessage): RateVerdict | undefined {
    if (!requestPath(req).startsWith('/v1/')) return undefined;
    const writing = req.method === 'POST' || req.method === 'DELETE'; // DELETE: withdrawals
    const verdict = (writing ? this.writes : this.reads).count(this.clientOf(req));
    (req as Counted)[VERDICT] = verdict;
    return verdict;
  }

  /**
   * The client's address as express's `req.ip` gives it with `trust proxy` at one hop or off: behind one
   * proxy, the last address in X-Forwarded-For (the one the proxy added). IPv6 clients are counted by their
   * /56, as a client usually holds a whole subnet: express-rate-limit's `ipKeyGenerator` does that, the one
   * part of that package still used.
   */
  private clientOf(req: IncomingMessage): string {
    const forwarded = this.trustProxy ? req.headers['x-forwarded-for'] : undefined;
    const last = typeof forwarded === 'string' ? forwarded.split(',').map((a) => a.trim()).filter(Boolean).pop() : undefined;
    return ipKeyGenerator(last ?? req.socket.remoteAddress ?? '');
  }

  readonly middleware: RequestHandler = (req, res, next) => {
    const verdict = (req as Counted)[VERDICT];
    if (!verdict) return next();
    for (let i = 0; i < verdict.headers.length; i += 2) res.setHeader(verdict.headers[i], verdict.headers[i + 1]);
    if (verdict.allowed) return next();
    res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
    sendProblem(res, { status: 429, detail: verdict.detail });
  };
}
