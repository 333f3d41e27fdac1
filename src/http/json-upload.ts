import type { RequestHandler } from 'express';
import { invalid, shown } from '../domain/errors';

/**
 * A JSON upload carries everything in its body: a query parameter would be dropped silently, so it is
 * refused. And the body must be an object: `null`, `0`, `"x"` and `true` are valid JSON, but no upload.
 */
export const checkJsonUpload: RequestHandler = (req, _res, next) => {
  if (!req.is('application/json')) {
    next();
    return;
  }
  const names = Object.keys(req.query);
  if (names.length > 0) {
    next(invalid(`A JSON upload takes no query parameters; it carries period, region and registerTotal in its body. Nothing was stored.`,
      names.map((name) => ({ field: `query.${name}`, detail: 'is not used by a JSON upload; put it in the body, or leave it out', found: shown(req.query[name]) }))));
    return;
  }
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const kind = body === null ? 'null' : Array.isArray(body) ? 'an array' : `a ${typeof body}`;
    next(invalid(`The body is valid JSON, but ${kind}: an upload is a JSON object with period, region and gemeenten. Nothing was stored.`,
      [{ field: '(body)', detail: 'must be a JSON object with period, region and gemeenten', found: shown(body) }]));
    return;
  }
  next();
};
