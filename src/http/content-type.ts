import type { RequestHandler } from 'express';
import { sendProblem } from './problem';

/** Writes say what they send; a body of another type is refused before anything reads it. */
export function requireContentType(types: readonly string[]): RequestHandler {
  return (req, res, next) => {
    if (req.is(types as string[])) return next();
    const detail = `Send the body as ${types.join(', ')}; got ${req.headers['content-type'] ?? 'no Content-Type'}.`;
    sendProblem(res, { status: 415, detail, errors: [{ field: 'header.Content-Type', detail: 'is not a type this request accepts', found: req.headers['content-type'] ?? '' }] });
  };
}
