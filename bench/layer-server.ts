/**
 * An express app built from the service's own middleware, one layer at a time, to measure what each layer
 * costs: `node dist/bench/layer-server.js <depth> <bodies.json>`, run by layers.ts.
 *
 *   0  bare express, defaults (as bare-server.ts)
 *   1  + the service's express settings and its read cache (answers served as stored bytes with an ETag)
 *   2  + request id and the pino-http request log (one JSON line per request on stdout, sent to /dev/null)
 *   3  + the Prometheus metrics middleware
 *   4  + API-Version header, helmet security headers and CORS
 *   5  + the rate-limit middleware as configured with RATE_LIMIT=false
 *
 * The middleware is loaded from dist/src at run time, in the order app.ts uses it, so that a change of its
 * signatures breaks this probe only, never the build.
 */
import express, { type RequestHandler } from 'express';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

const [depthArg, file] = process.argv.slice(2);
const depth = Number(depthArg);
const encoded = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
const bodies = new Map(Object.entries(encoded).map(([p, b]) => [p, Buffer.from(b, 'base64')]));

const dist = path.join(__dirname, '..', 'src');
const load = <T>(module: string): T => require(path.join(dist, module)) as T;

const app = express();
if (depth === 0) {
  for (const [p, body] of bodies) {
    app.get(p, (_req, res) => {
      res.type('application/json').send(body);
    });
  }
} else {
  type Factory = (...args: never[]) => RequestHandler;
  const { loadConfig } = load<{ loadConfig: (env: NodeJS.ProcessEnv) => unknown }>('config');
  const { createLogger } = load<{ createLogger: (config: unknown) => unknown }>('logger');
  const observability = load<{ requestId: RequestHandler; requestLogger: Factory; createMetrics: (routeOf: (p: string) => string) => { middleware: RequestHandler } }>('http/observability');
  const protection = load<{ securityHeaders: RequestHandler; openReads: RequestHandler; rateLimits: Factory }>('http/protection');
  const { readCache } = load<{ readCache: (source: { version: number }) => RequestHandler }>('http/read-cache');
  const { routeLabeler } = load<{ routeLabeler: (base: string, paths: string[], fixed: string[]) => (p: string) => string }>('http/route-label');
  const openapi = load<{ paths: Record<string, unknown> }>('generated/swagger.json');
  const config = loadConfig({ ...process.env, LOG_LEVEL: 'info', RATE_LIMIT: 'false' });

  app.set('strict routing', true);
  app.set('case sensitive routing', true);
  app.set('x-powered-by', false);
  app.set('etag', false);
  app.set('query parser', 'simple');
  if (depth >= 2) app.use(observability.requestId, (observability.requestLogger as (logger: unknown) => RequestHandler)(createLogger(config)));
  if (depth >= 3) app.use(observability.createMetrics(routeLabeler('/v1', Object.keys(openapi.paths), ['/health', '/ready', '/metrics', '/v1/openapi.json'])).middleware);
  if (depth >= 4) {
    app.use((_req, res, next) => {
      res.setHeader('API-Version', '1.0.0');
      next();
    });
    app.use(protection.securityHeaders, protection.openReads);
  }
  if (depth >= 5) app.use((protection.rateLimits as (c: unknown) => RequestHandler)(config));
  app.use('/v1', readCache({ version: 0 }));
  for (const [p, body] of bodies) {
    const data: unknown = JSON.parse(body.toString());
    app.get(p, (_req, res) => {
      res.json(data); // derived once, then served by the read cache
    });
  }
}

const server = app.listen(0, '127.0.0.1');
server.once('listening', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
