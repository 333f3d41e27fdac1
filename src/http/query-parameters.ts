import type { RequestHandler } from 'express';
import { shown } from '../domain/errors';
import { NameIndex } from '../domain/names';
import { findPath, KnownPath } from './operations';
import { sendProblem } from './problem';

/**
 * A request with a query parameter its operation does not declare is refused, so that a typo (`?perod=`)
 * never answers the latest figures as if nothing was asked, nor withdraws an upload while ignoring what was
 * asked of it. The parameters come from the OpenAPI document, so every operation declared with `@Query` is
 * covered. Reads are checked for every request; a write mounts this after its key check, except uploads,
 * which check their own parameters against the body's content type.
 */
export function rejectUnknownQueryParameters(paths: readonly KnownPath[], methods: readonly string[] = ['GET', 'HEAD']): RequestHandler {
  return (req, res, next) => {
    if (!methods.includes(req.method)) return next();
    const names = Object.keys(req.query);
    if (names.length === 0) return next();
    const accepted = findPath(paths, req.path)?.query.get(req.method === 'HEAD' ? 'GET' : req.method);
    if (!accepted) return next();
    const unknown = names.filter((name) => !accepted.includes(name));
    if (unknown.length === 0) return next();
    const close = new NameIndex(accepted.map((name) => ({ name })));
    const takes = accepted.length ? `it takes ${accepted.join(', ')}` : 'it takes no query parameters';
    sendProblem(res, {
      status: 400,
      detail: `${req.path} has no query parameter ${unknown.map((n) => `"${n}"`).join(', ')}; ${takes}.`,
      errors: unknown.map((name) => {
        const suggestions = close.suggest(name);
        return { field: `query.${name}`, detail: `is not a query parameter of this operation; ${takes}`, found: shown(req.query[name]), ...(suggestions.length ? { suggestions } : {}) };
      }),
    });
  };
}
