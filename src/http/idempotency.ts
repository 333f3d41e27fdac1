import type { Request } from 'express';
import { createHash, type Hash } from 'node:crypto';
import { invalid } from '../domain/errors';
import './request-state';

export const REPLAYED_HEADER = 'Idempotent-Replayed';
const KEY = /^[\x21-\x7E]{1,255}$/;

/** The Idempotency-Key header, checked as the OpenAPI document describes it. */
export function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.header('idempotency-key');
  if (key !== undefined && !KEY.test(key)) {
    throw invalid('The Idempotency-Key header is malformed.', [{ field: 'header.Idempotency-Key', detail: 'must be 1 to 255 visible ASCII characters', found: key }]);
  }
  return key;
}

export const digestOf = (hash: Hash): string => hash.digest('base64url');

/** express.json's `verify`: fingerprints the raw JSON bytes of every request, for idempotent uploads. */
export function rememberBodyDigest(req: Request, _res: unknown, body: Buffer): void {
  req.bodyDigest = digestOf(createHash('sha256').update(body));
}

export const bodyDigestOf = (req: Request): string => req.bodyDigest ?? '';
