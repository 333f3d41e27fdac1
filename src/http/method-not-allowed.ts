import type { RequestHandler } from 'express';
import { findPath, KnownPath } from './operations';
import { sendProblem } from './problem';

/**
 * After every route: a known path asked with a method it does not have is 405 with `Allow` (RFC 9110
 * 15.5.6), not 404. OPTIONS is left to CORS and express, which answer it as before.
 */
export function methodNotAllowed(paths: readonly KnownPath[]): RequestHandler {
  return (req, res, next) => {
    const known = req.method === 'OPTIONS' ? undefined : findPath(paths, req.path);
    if (!known || known.allowed.includes(req.method)) return next();
    res.setHeader('Allow', known.allowed.join(', '));
    sendProblem(res, { status: 405, detail: `${req.path} answers ${known.allowed.join(', ')}; not ${req.method}.` });
  };
}
