import type { RequestHandler } from 'express';
import { findPath, KnownPath } from './operations';
import { sendProblem } from './problem';

/**
 * After every route: a known path asked with a method it does not have is 405 with `Allow` (RFC 9110
 * 15.5.6), not 404. An OPTIONS that CORS did not answer as a preflight is answered with `Allow` (9.3.7).
 */
export function methodNotAllowed(paths: readonly KnownPath[]): RequestHandler {
  return (req, res, next) => {
    const known = findPath(paths, req.path);
    if (!known) return next();
    const allow = [...known.allowed, 'OPTIONS'].join(', ');
    if (req.method === 'OPTIONS') {
      res.setHeader('Allow', allow);
      res.status(204).end();
      return;
    }
    if (known.allowed.includes(req.method)) return next();
    res.setHeader('Allow', allow);
    sendProblem(res, { status: 405, detail: `${req.path} answers ${allow}; not ${req.method}.` });
  };
}
