import type { CatalogueSettings } from '../domain/catalogue';
import type { ProblemItem } from '../domain/errors';
import type { SonarService } from '../domain/service';
import type { Writer } from '../domain/writer';
import type { ApiIndex } from './api-index';
import type { ApiKeys } from './authentication';
import type { KeptAnswers, KeepTicket } from './kept-answers';

/**
 * Everything the service keeps on express's objects, typed in this one place (declaration merging).
 * express types `app.locals` and `res.locals` with the same interface: the app-wide values are set once
 * by createApp and read through `req.app.locals`; the optional ones are a single answer's.
 */
declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Locals {
      service: SonarService;
      apiKeys: ApiKeys;
      /** Largest table upload, in bytes. */
      tableBodyLimit: number;
      /** Largest JSON upload, as express.json takes it. */
      jsonBodyLimit: number | string;
      /** The API index, derived from the OpenAPI document once. */
      apiIndex: ApiIndex;
      /** Who publishes the figures, for the catalogue and the report's schema.org description. */
      catalogue: CatalogueSettings;
      /** The answers kept per data version, and where `answer` hands new ones to. */
      answers: KeptAnswers;
      /** Who withdrew what (the key's name, never its secret), logged on the request's own line. */
      audit?: Record<string, unknown>;
      /** The content problems of a JSON upload, listed beside its shape problems should that check fail. */
      contentProblems?: () => ProblemItem[];
    }
    interface Request {
      /** The key's writer, once the API key is checked (tsoa's authentication sets the same). */
      user?: Writer;
      /** SHA-256 of the raw JSON body, for Idempotency-Key. */
      bodyDigest?: string;
      /** Under which key and data version this read's answer may be kept. */
      keeping?: KeepTicket;
    }
  }
}

export {};
