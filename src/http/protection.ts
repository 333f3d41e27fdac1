import cors from 'cors';
import { REPORT_CSS_HASH } from '../report/style';

/** One policy: its directives, as Content-Security-Policy writes them (`default-src 'none';frame-ancestors 'none'`). */
const policy = (directives: Record<string, string[]>): string =>
  Object.entries(directives).map(([name, sources]) => `${name} ${sources.join(' ')}`).join(';');

/** What every answer carries: never framed, never sniffed, HTTPS only, no referrer. */
const ALWAYS = [
  'Referrer-Policy', 'no-referrer',
  'Strict-Transport-Security', 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options', 'nosniff',
  'X-Frame-Options', 'DENY',
];

/** What only means something to an HTML page: isolation from other windows and old browsers' features. */
const PAGE = [
  'Cross-Origin-Opener-Policy', 'same-origin',
  'Cross-Origin-Resource-Policy', 'same-origin',
  'Origin-Agent-Cluster', '?1',
  'X-DNS-Prefetch-Control', 'off',
  'X-Download-Options', 'noopen',
  'X-Permitted-Cross-Domain-Policies', 'none',
  'X-XSS-Protection', '0',
];

/**
 * The security headers of every answer, by what it is, as `writeHead` takes them (name, value …): laid out
 * once, since every read pays for every header. JSON answers load nothing, are framed by no one and are
 * open to every origin (see CORS below).
 */
export const SECURITY_HEADERS = {
  api: ['Content-Security-Policy', policy({ 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] }), 'Cross-Origin-Resource-Policy', 'cross-origin', ...ALWAYS],
  /** Swagger UI needs its own scripts, inline styles and data: images. */
  docs: ['Content-Security-Policy', policy({
    'default-src': ["'self'"], 'script-src': ["'self'"], 'style-src': ["'self'", "'unsafe-inline'"], 'img-src': ["'self'", 'data:'],
    'connect-src': ["'self'"], 'frame-ancestors': ["'none'"], 'object-src': ["'none'"], 'base-uri': ["'self'"],
  }), ...PAGE, ...ALWAYS],
  /** The report loads nothing at all: its one inline style sheet is allowed by its hash, no script runs. */
  report: ['Content-Security-Policy', policy({
    'default-src': ["'none'"], 'style-src': [REPORT_CSS_HASH], 'img-src': ["'none'"], 'form-action': ["'none'"], 'frame-ancestors': ["'none'"], 'base-uri': ["'none'"],
  }), ...PAGE, ...ALWAYS],
};

export type AnswerKind = keyof typeof SECURITY_HEADERS;

/** Which security headers a path's answers carry. */
export function answerKindOf(path: string): AnswerKind {
  if (path === '/docs' || path.startsWith('/docs/')) return 'docs';
  if (path === '/rapport' || path.startsWith('/rapport/')) return 'report';
  return 'api';
}

/** Any web page may read the figures and the OpenAPI document; writes come from scripts, not browsers. */
const corsForReads = cors({
  origin: '*',
  methods: ['GET', 'HEAD'],
  allowedHeaders: ['If-None-Match', 'X-Request-Id'],
  exposedHeaders: ['API-Version', 'ETag', 'X-Request-Id', 'Content-Disposition', 'Total-Count'],
  maxAge: 600,
});

type Cors = ReturnType<typeof cors>;

/** CORS for reads when a browser asks (only browsers send Origin); on bare requests too. */
export const readCors = (...[req, res, next]: Parameters<Cors>): void => {
  const read = req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS';
  if (read && req.headers.origin !== undefined) corsForReads(req, res, next);
  else next();
};
