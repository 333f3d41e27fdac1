import cors from 'cors';
import type { RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import helmet from 'helmet';
import { Config } from '../config';
import { sendProblem } from './problem';

const YEAR = 365 * 24 * 60 * 60;
const hsts = { maxAge: YEAR, includeSubDomains: true };

/** JSON answers load nothing and are framed by no one. */
const apiHeaders = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginResourcePolicy: { policy: 'cross-origin' }, // reads are open to every origin, see CORS below
  frameguard: { action: 'deny' },
  hsts,
});

/** Swagger UI needs its own scripts, inline styles and data: images; still never framed. */
const docsHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
      baseUri: ["'self'"],
    },
  },
  frameguard: { action: 'deny' },
  hsts,
});

export const securityHeaders: RequestHandler = (req, res, next) =>
  (req.path === '/docs' || req.path.startsWith('/docs/') ? docsHeaders : apiHeaders)(req, res, next);

/** Any web page may read the figures and the OpenAPI document; writes come from scripts, not browsers. */
const readCors = cors({
  origin: '*',
  methods: ['GET', 'HEAD'],
  allowedHeaders: ['If-None-Match', 'X-Request-Id'],
  exposedHeaders: ['API-Version', 'ETag', 'X-Request-Id'],
  maxAge: 600,
});

export const openReads: RequestHandler = (req, res, next) =>
  req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS' ? readCors(req, res, next) : next();

function limiter(windowMs: number, limit: number, what: string): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    handler: (_req, res) => {
      sendProblem(res, { status: 429, detail: `Too many ${what}: at most ${limit} per ${windowMs / 1000} s from one client. Retry after the Retry-After header's seconds.` });
    },
  });
}

/** A strict limit on writes and a generous one on reads; off where a gateway limits, and for benchmarks. */
export function rateLimits(config: Config): RequestHandler {
  if (!config.RATE_LIMIT) return (_req, _res, next) => next();
  const writes = limiter(config.RATE_LIMIT_WINDOW_MS, config.RATE_LIMIT_WRITES, 'uploads');
  const reads = limiter(config.RATE_LIMIT_WINDOW_MS, config.RATE_LIMIT_READS, 'requests');
  return (req, res, next) => (req.method === 'GET' || req.method === 'HEAD' ? reads : writes)(req, res, next);
}
