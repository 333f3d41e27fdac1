import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { timingSafeEqual } from 'node:crypto';
import { ApiKeyEntry, secretDigest } from '../api-keys';
import { DomainError } from '../domain/errors';
import { Writer } from '../domain/writer';
import './request-state';

export const API_KEY_HEADER = 'x-api-key';

/** Secrets compared as digests, in constant time, against every entry, so timing tells nothing. */
export class ApiKeys {
  constructor(private readonly entries: readonly ApiKeyEntry[]) {}

  /** The key with this secret, if any. */
  identify(secret: string | undefined): Writer | undefined {
    if (!secret) return undefined;
    const offered = secretDigest(secret);
    let match: Writer | undefined;
    for (const entry of this.entries) if (timingSafeEqual(entry.digest, offered)) match = { name: entry.name, regions: entry.regions };
    return match;
  }
}

function unauthorized(req: Request, res: Response | undefined): DomainError {
  const offered = req.header(API_KEY_HEADER);
  res?.setHeader('WWW-Authenticate', 'ApiKey header="X-API-Key"'); // a 401 says how to authenticate
  if (offered === undefined && req.header('authorization') !== undefined) {
    return new DomainError('unauthorized', 'Unauthorized', 'This service does not read the Authorization header: send the API key in the X-API-Key header.', [
      { field: 'header.Authorization', detail: 'is not read; send the key as X-API-Key: <key>' },
    ]);
  }
  // The same answer for a wrong secret whatever the names of the keys: it never tells which names exist.
  return new DomainError('unauthorized', 'Unauthorized', 'This request needs a valid API key in the X-API-Key header.', [
    { field: 'header.X-API-Key', detail: offered ? 'is not a key of this service' : 'is missing' },
  ]);
}

/** The writer a request authenticated as; set by `requireApiKey` or by tsoa's authentication. */
export function writerOf(req: Request): Writer {
  if (!req.user) throw new Error('writerOf() runs only after the API key is checked');
  return req.user;
}

function authenticate(req: Request, res?: Response): Writer {
  if (req.user) return req.user;
  const writer = req.app.locals.apiKeys.identify(req.header(API_KEY_HEADER));
  if (!writer) throw unauthorized(req, res);
  req.user = writer;
  return writer;
}

/**
 * Runs first on every write, before the body is read or its content type judged: a request without a
 * valid key costs nothing more than this check.
 */
export const requireApiKey: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  try {
    authenticate(req, res);
    next();
  } catch (error) {
    next(error);
  }
};

/** tsoa calls this for every `@Security('apiKey')` route; the writer becomes `request.user`. */
export async function expressAuthentication(request: Request, securityName: string, _scopes?: string[], response?: Response): Promise<Writer> {
  if (securityName !== 'apiKey') throw unauthorized(request, response);
  return authenticate(request, response);
}
