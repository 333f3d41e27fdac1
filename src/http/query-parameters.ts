import type { RequestHandler } from 'express';
import { shown } from '../domain/errors';
import { NameIndex } from '../domain/names';
import { findPath, KnownPath } from './operations';
import { sendProblem } from './problem';

/**
 * A read with a query parameter its operation does not declare is refused, so that a typo (`?perod=`)
 * never answers the latest figures as if nothing was asked. The parameters come from the OpenAPI
 * document, so every operation declared with `@Query` is covered. Writes check their own parameters.
 */
export function rejectUnknownQueryParameters(paths: readonly KnownPath[]): RequestHandler {
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const names = Object.keys(req.query);
    if (names.length === 0) return next();
    const accepted = findPath(paths, req.path)?.query.get('GET');
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
        return { field: `query.${name}`, detail: `is not a query parameter of this read; ${takes}`, found: shown(req.query[name]), ...(suggestions.length ? { suggestions } : {}) };
      }),
    });
  };
}
