import type { IncomingMessage } from 'node:http';
import { isIPv6 } from 'node:net';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { Config } from '../config';
import { requestPath } from './request-path';

/** What counting one request said: the headers its answer carries, and whether it may be answered at all. */
export interface RateVerdict {
  allowed: boolean;
  /** RateLimit-Policy and RateLimit (draft 7 of the IETF's RateLimit header fields), as writeHead takes them. */
  headers: string[];
  retryAfterSeconds: number;
  detail: string;
}

/** At most `limit` requests per client in a window that starts with the client's first request in it. */
class Limit {
  private readonly limiter: RateLimiterMemory;
  private readonly policy: string;
  private readonly detail: string;

  constructor(windowMs: number, private readonly limit: number, what: string) {
    this.limiter = new RateLimiterMemory({ points: limit, duration: windowMs / 1000 });
    this.policy = `${limit};w=${Math.ceil(windowMs / 1000)}`;
    this.detail = `Too many ${what}: at most ${limit} per ${windowMs / 1000} s from one client. Retry after the Retry-After header's seconds.`;
  }

  count(client: string): Promise<RateVerdict> {
    // The limiter resolves with what is left, and rejects with the same record once the limit is passed.
    return this.limiter.consume(client).then((state) => this.verdict(true, state), (refusal: unknown) => {
      if (refusal instanceof RateLimiterRes) return this.verdict(false, refusal);
      throw refusal;
    });
  }

  private verdict(allowed: boolean, state: RateLimiterRes): RateVerdict {
    const reset = Math.max(0, Math.ceil(state.msBeforeNext / 1000));
    return {
      allowed,
      headers: ['RateLimit-Policy', this.policy, 'RateLimit', `limit=${this.limit}, remaining=${state.remainingPoints}, reset=${reset}`],
      retryAfterSeconds: reset,
      detail: this.detail,
    };
  }
}

/**
 * A client's key: IPv6 clients by their /56, as a client usually holds a whole subnet; IPv4, and IPv4
 * written in IPv6 (`::ffff:192.0.2.1`), by their address.
 */
export function clientKey(address: string): string {
  if (!isIPv6(address)) return address;
  let text = address.split('%')[0]; // a zone (fe80::1%eth0) names an interface, not a client
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number);
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [left, right] = text.split('::');
  const head = left ? left.split(':') : [];
  const tail = right ? right.split(':') : [];
  const groups = [...head, ...Array<string>(8 - head.length - tail.length).fill('0'), ...tail].map((g) => parseInt(g, 16));
  if (dotted && groups.slice(0, 5).every((g) => g === 0) && (groups[5] === 0xffff || groups[5] === 0)) return dotted.slice(1).join('.');
  return `${groups.slice(0, 3).map((g) => g.toString(16)).join(':')}:${(groups[3] & 0xff00).toString(16)}::/56`;
}

/**
 * A strict limit on writes and a generous one on reads, per client address, for the API's paths (health
 * checks and Swagger UI's assets are not limited); left out where a gateway limits, and for benchmarks.
 * A request is counted once, on the bare request, before it is answered either way.
 */
export class RateLimits {
  private readonly writes: Limit;
  private readonly reads: Limit;
  private readonly trustProxy: boolean;

  constructor(config: Pick<Config, 'RATE_LIMIT_WINDOW_MS' | 'RATE_LIMIT_WRITES' | 'RATE_LIMIT_READS' | 'TRUST_PROXY'>) {
    this.writes = new Limit(config.RATE_LIMIT_WINDOW_MS, config.RATE_LIMIT_WRITES, 'uploads');
    this.reads = new Limit(config.RATE_LIMIT_WINDOW_MS, config.RATE_LIMIT_READS, 'requests');
    this.trustProxy = config.TRUST_PROXY;
  }

  /** Counts the request against its client's window; undefined for paths the limits leave alone. */
  count(req: IncomingMessage, path = requestPath(req)): Promise<RateVerdict> | undefined {
    if (!path.startsWith('/v1/')) return undefined;
    const writing = req.method === 'POST' || req.method === 'DELETE'; // DELETE: withdrawals
    return (writing ? this.writes : this.reads).count(this.clientOf(req));
  }

  /**
   * The client's address as express's `req.ip` gives it with `trust proxy` at one hop or off: behind one
   * proxy, the last address in X-Forwarded-For (the one the proxy added).
   */
  private clientOf(req: IncomingMessage): string {
    const forwarded = this.trustProxy ? req.headers['x-forwarded-for'] : undefined;
    const last = typeof forwarded === 'string' ? forwarded.split(',').map((a) => a.trim()).filter(Boolean).pop() : undefined;
    return clientKey(last ?? req.socket.remoteAddress ?? '');
  }
}
