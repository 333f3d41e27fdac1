import type { Request, Response } from 'express';
import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../domain/errors';

export const API_KEY_HEADER = 'x-api-key';

/** Secrets compared as digests, in constant time, against every key, so timing tells nothing. */
export class ApiKeys {
  private readonly digests: Array<{ name: string; digest: Buffer }>;

  constructor(keys: ReadonlyMap<string, string>) {
    this.digests = [...keys].map(([name, secret]) => ({ name, digest: digest(secret) }));
  }

  /** The name of the key with this secret, if any. */
  identify(secret: string | undefined): string | undefined {
    if (!secret) return undefined;
    const offered = digest(secret);
    let match: string | undefined;
    for (const key of this.digests) if (timingSafeEqual(key.digest, offered)) match = key.name;
    return match;
  }
}

function digest(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** tsoa calls this for every `@Security('apiKey')` route; the key's name becomes `request.user`. */
export async function expressAuthentication(request: Request, securityName: string, _scopes?: string[], response?: Response): Promise<string> {
  const keys = request.app.locals.apiKeys as ApiKeys;
  const offered = request.header(API_KEY_HEADER);
  const name = securityName === 'apiKey' ? keys.identify(offered) : undefined;
  if (!name) {
    response?.setHeader('WWW-Authenticate', 'ApiKey header="X-API-Key"'); // a 401 says how to authenticate
    throw new DomainError('unauthorized', 'Unauthorized', 'This request needs a valid API key in the X-API-Key header.', [
      { field: 'header.X-API-Key', detail: offered ? 'is not a key of this service' : 'is missing' },
    ]);
  }
  return name;
}
