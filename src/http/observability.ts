import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { requestPath } from './request-path';
import './request-state';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** Query parameters that look like credentials: a caller who puts a key in the URL still keeps it out of the logs. */
const SECRET_PARAMETER = /([?&][^=&]*(?:key|token|secret|password|auth)[^=&]*=)[^&]*/gi;

/** The URL as logged: credential-like query values replaced. */
export const loggedUrl = (url: string): string => (url.includes('?') ? url.replace(SECRET_PARAMETER, '$1[redacted]') : url);

/** A response, with the locals express gives it once it routes the request (an audit is one). */
type ObservedResponse = ServerResponse & { locals?: Partial<Express.Locals> };

export interface Observability {
  registry: Registry;
  /**
   * Gives a request an id (the caller's X-Request-Id when it is sane) and returns it, for its answer to
   * echo; when the answer is done, writes one log line and counts it. Called on the bare request, before
   * express sees it, so that answers served before express's router are logged and counted too. Headers
   * are never logged, so API keys never appear.
   */
  observe(req: IncomingMessage, res: ObservedResponse, path?: string): string;
}

/** Why a write was refused, by its status: the label of refused_writes_total. */
const REFUSAL_REASON: Readonly<Record<number, string>> = {
  400: 'invalid', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 405: 'method-not-allowed', 409: 'conflict',
  413: 'too-large', 415: 'unsupported-type', 422: 'key-reused', 429: 'rate-limited', 499: 'aborted',
};

const writeOperation = (method: string, route: string): 'upload' | 'withdraw' | undefined =>
  method === 'POST' && route === '/v1/uploads' ? 'upload' : method === 'DELETE' && route === '/v1/uploads/{id}' ? 'withdraw' : undefined;

/** Request logs and Prometheus metrics, in one listener per request since every read pays for it. */
export function observeRequests(logger: Logger, routeOf: (path: string) => string): Observability {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'http_request_duration_seconds', help: 'Time to answer an HTTP request', labelNames, registers: [registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const uploads = new Counter({ name: 'uploads_total', help: 'Uploads accepted and rejected', labelNames: ['outcome'], registers: [registry] });
  const withdrawals = new Counter({ name: 'withdrawals_total', help: 'Uploads withdrawn', registers: [registry] });
  const refusedWrites = new Counter({ name: 'refused_writes_total', help: 'Uploads and withdrawals refused, by reason', labelNames: ['operation', 'reason'], registers: [registry] });

  // One child per label set, found by a string key: cheaper than prom-client hashing a labels object.
  const series = new Map<string, { count: { inc(): void }; time: { observe(value: number): void } }>();
  const seriesOf = (method: string, route: string, status: string) => {
    const key = `${method} ${route} ${status}`;
    let found = series.get(key);
    if (!found) {
      found = { count: requests.labels(method, route, status), time: duration.labels(method, route, status) };
      series.set(key, found);
    }
    return found;
  };

  const observe = (req: IncomingMessage, res: ObservedResponse, path = requestPath(req)): string => {
    const offered = req.headers['x-request-id'];
    const id = typeof offered === 'string' && REQUEST_ID.test(offered) ? offered : randomUUID();
    const { method = '', url = '' } = req; // as the client sent them: routing rewrites req.url
    const start = process.hrtime.bigint();
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - start) / 1e9;
      const finished = res.writableFinished; // false: the client went away before the answer was out
      const status = finished ? res.statusCode : 499;
      const route = routeOf(path);
      const { count, time } = seriesOf(method, route, String(status));
      count.inc();
      time.observe(seconds);
      if (method === 'POST' && route === '/v1/uploads') uploads.inc({ outcome: status < 300 ? 'accepted' : 'rejected' });
      const write = writeOperation(method, route);
      if (write === 'withdraw' && status < 300) withdrawals.inc();
      if (write && status >= 400) refusedWrites.inc({ operation: write, reason: REFUSAL_REASON[status] ?? String(status) });
      // Who withdrew what (the key's name, never its secret), on the request's own line.
      const audit = res.locals?.audit;
      const line = { req: { id, method, url: loggedUrl(url) }, res: { status }, responseTime: Math.round(seconds * 1000), ...(audit ? { audit } : {}) };
      if (status >= 500) logger.error(line, 'request failed');
      else if (!finished) logger.warn(line, 'request aborted');
      else logger.info(line, 'request');
    });
    return id;
  };
  return { registry, observe };
}

/** Reads answered from the kept answers: beside http_requests_total, how long answers stay kept while the figures change. */
export function observeKeptAnswers(registry: Registry, served: () => number): void {
  new Counter({
    name: 'kept_answers_served_total', help: 'Reads answered from kept answers, without deriving them again', registers: [registry],
    collect() {
      this.reset();
      this.inc(served());
    },
  });
}
