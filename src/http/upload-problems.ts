import type { RequestHandler } from 'express';
import { SonarService } from '../domain/service';

/**
 * Runs before tsoa checks a JSON upload's shape. Should that check fail, the error handler also lists
 * the content problems (unknown gemeenten, totals that do not add up), so the caller sees all at once.
 */
export const listContentProblems: RequestHandler = (req, res, next) => {
  const service = req.app.locals.service as SonarService;
  res.locals.contentProblems = () => service.uploadProblems(req.body);
  next();
};
