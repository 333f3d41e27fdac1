import type { Express } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Lets `first` see every request before express does, and answer it outright when it can (returning true).
 * Express sets every request up for its router (prototypes, a final handler, the router's walk) at a cost
 * several times that of writing a kept answer; `first` answers without it. The hook is the app's own
 * `handle`, which express calls for every request, whether the app listens itself or is mounted at the
 * root of another (mounted under a path, `req.url` would lose that path and no longer be what `first` keys by).
 */
export function answerFirst(app: Express, first: (req: IncomingMessage, res: ServerResponse) => boolean, onError: (error: unknown) => void): void {
  const routed = app as unknown as { handle: (req: IncomingMessage, res: ServerResponse, done?: unknown) => void };
  const handle = routed.handle.bind(app);
  routed.handle = (req, res, done) => {
    try {
      if (first(req, res)) return;
    } catch (error) {
      onError(error);
      if (res.headersSent) {
        res.destroy();
        return;
      }
    }
    handle(req, res, done);
  };
}
