import type { RequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Takes the caller's X-Request-Id when it is sane, makes one otherwise, and echoes it. */
export const requestId: RequestHandler = (req, res, next) => {
  const offered = req.header('x-request-id');
  const id = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
  (req as { id?: string }).id = id;
  res.setHeader('X-Request-Id', id);
  next();
};

/** One JSON line per request. Only method, URL, status and duration: headers (and so API keys) never appear. */
export function requestLogger(logger: Logger): RequestHandler {
  return pinoHttp({
    logger,
    genReqId: (req) => (req as { id?: string }).id ?? randomUUID(),
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ status: res.statusCode }),
    },
  });
}

export interface Metrics {
  registry: Registry;
  /** Counts and times every request by route and status. */
  middleware: RequestHandler;
  uploads: Counter<'outcome'>;
}

export function createMetrics(routeOf: (path: string) => string): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['method', 'route', 'status'] as const;
  const requests = new Counter({ name: 'http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'http_request_duration_seconds', help: 'Time to answer an HTTP request', labelNames, registers: [registry],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  const uploads = new Counter({ name: 'uploads_total', help: 'Uploads accepted and rejected', labelNames: ['outcome'], registers: [registry] });

  const middleware: RequestHandler = (req, res, next) => {
    const start = process.hrtime.bigint();
    res.once('finish', () => {
      const labels = { method: req.method, route: routeOf(req.path), status: String(res.statusCode) };
      requests.inc(labels);
      duration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
      if (req.method === 'POST' && labels.route === '/v1/uploads') {
        uploads.inc({ outcome: res.statusCode < 300 ? 'accepted' : 'rejected' });
      }
    });
    next();
  };
  return { registry, middleware, uploads };
}
