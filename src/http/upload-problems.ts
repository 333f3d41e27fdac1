import type { RequestHandler } from 'express';
import { invalid } from '../domain/errors';
import './request-state';
import { MAX_GEMEENTEN } from '../domain/upload';

/**
 * Runs before tsoa checks a JSON upload's shape. Should that check fail, the error handler also lists
 * the content problems (unknown gemeenten, totals that do not add up), so the caller sees all at once.
 * A list longer than any region is refused first: checking thousands of entries one by one takes tsoa
 * seconds, for an answer nobody can use.
 */
export const listContentProblems: RequestHandler = (req, res, next) => {
  const entries = (req.body as { gemeenten?: unknown } | undefined)?.gemeenten;
  if (Array.isArray(entries) && entries.length > MAX_GEMEENTEN) {
    next(invalid(`No region has ${entries.length} gemeenten.`, [
      { field: 'gemeenten', detail: `lists ${entries.length} entries; no region has more than ${MAX_GEMEENTEN} gemeenten` },
    ]));
    return;
  }
  const { service } = req.app.locals;
  res.locals.contentProblems = () => service.uploadProblems(req.body);
  next();
};
