import express, { type RequestHandler } from 'express';
import { invalid, shown } from '../domain/errors';
import { rememberBodyDigest } from './idempotency';
import { listContentProblems } from './upload-problems';
import { classificationsOfUpload, permittedJsonRegion } from './write-access';

/**
 * A JSON upload carries everything in its body: a query parameter would be dropped silently, so it is
 * refused. And the body must be an object: `null`, `0`, `"x"` and `true` are valid JSON, but no upload.
 */
export const checkJsonUpload: RequestHandler = (req, _res, next) => {
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

/** The body parser of the app's JSON_BODY_LIMIT (app.locals.jsonBodyLimit), made once per app. */
const parsers = new WeakMap<object, RequestHandler>();
export const readJsonBody: RequestHandler = (req, res, next) => {
  let parse = parsers.get(req.app);
  if (!parse) {
    // strict: false, so that a body of `null` or `0` is answered by checkJsonUpload's words, not the parser's.
    parse = express.json({ limit: req.app.locals.jsonBodyLimit, strict: false, type: 'application/json', verify: rememberBodyDigest });
    parsers.set(req.app, parse);
  }
  parse(req, res, next);
};

const onlyJson = (handler: RequestHandler): RequestHandler => (req, res, next) => (req.is('application/json') ? handler(req, res, next) : next());

/**
 * POST /v1/uploads with a JSON body, before tsoa checks its shape: the body read (and fingerprinted for
 * Idempotency-Key), refused when it is no object or comes with query parameters, a region the key may not
 * write refused with 403, and its content problems kept to be listed with any shape problem. Any upload
 * (a table too: its period is a query parameter) first makes sure its period's year is taken up if loaded.
 */
export const jsonUpload: RequestHandler[] = [
  ...[readJsonBody, checkJsonUpload].map(onlyJson), classificationsOfUpload, ...[permittedJsonRegion, listContentProblems].map(onlyJson),
];
