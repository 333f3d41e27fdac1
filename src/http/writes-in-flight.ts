import type { RequestHandler } from 'express';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Counts the write requests this process is answering, from their first byte (a table is parsed while it
 * streams in) to their last. The delivery worker holds back while there are any, so that deliveries do not
 * take the event loop from uploads (issue 21: deliveries never slow an upload).
 */
export class WritesInFlight {
  private count = 0;

  get busy(): boolean {
    return this.count > 0;
  }

  readonly middleware: RequestHandler = (req, res, next) => {
    if (!READS.has(req.method)) {
      this.count++;
      res.once('close', () => this.count--);
    }
    next();
  };
}
