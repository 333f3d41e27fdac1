import cors from 'cors';
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { REPORT_CSS_HASH } from '../report/style';

const YEAR = 365 * 24 * 60 * 60;
const hsts = { maxAge: YEAR, includeSubDomains: true };

/**
 * JSON answers load nothing and are framed by no one. Headers that only mean something to HTML pages
 * (DNS prefetch, download options, Flash policies, the XSS auditor, agent clusters, opener policy) are
 * left off: every read pays for every header.
 */
const apiHeaders = helmet({
  contentSecurityPolicy: { useDefaults: false, directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginResourcePolicy: { policy: 'cross-origin' }, // reads are open to every origin, see CORS below
  crossOriginOpenerPolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xXssProtection: false,
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

/** The report loads nothing at all: its one inline style sheet is allowed by its hash, no script runs. */
const reportHeaders = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: [REPORT_CSS_HASH],
      imgSrc: ["'none'"],
      formAction: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
  },
  frameguard: { action: 'deny' },
  hsts,
});

/** Any web page may read the figures and the OpenAPI document; writes come from scripts, not browsers. */
const readCors = cors({
  origin: '*',
  methods: ['GET', 'HEAD'],
  allowedHeaders: ['If-None-Match', 'X-Request-Id'],
  exposedHeaders: ['API-Version', 'ETag', 'X-Request-Id', 'Content-Disposition', 'Total-Count'],
  maxAge: 600,
});

/**
 * The headers the middleware below gives an API answer to a request without Origin, as `writeHead` takes
 * them: for the read cache, which serves kept answers before the middleware runs. Taken from helmet
 * itself, once, so that the two ways of answering cannot drift apart.
 */
export function apiAnswerHeaders(apiVersion: string): string[] {
  const lines = ['API-Version', apiVersion];
  const recorder = { setHeader: (name: string, value: unknown) => lines.push(name, String(value)), removeHeader: () => undefined };
  apiHeaders({} as Request, recorder as unknown as Response, () => undefined);
  return lines;
}

/**
 * Every answer's headers: the API version, security headers for an API (looser for Swagger UI's page),
 * and CORS for reads when a browser asks (only browsers send Origin).
 */
export function responseHeaders(apiVersion: string): RequestHandler {
  return (req, res, next) => {
    res.setHeader('API-Version', apiVersion);
    const security = req.path === '/docs' || req.path.startsWith('/docs/') ? docsHeaders
      : req.path === '/rapport' || req.path.startsWith('/rapport/') ? reportHeaders : apiHeaders;
    security(req, res, () => {
      const read = req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS';
      if (read && req.headers.origin !== undefined) readCors(req, res, next);
      else next();
    });
  };
}
