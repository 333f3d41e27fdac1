import type { Request } from 'express';
import { createHash, type Hash } from 'node:crypto';
import './request-state';

export const REPLAYED_HEADER = 'Idempotent-Replayed';
export const digestOf = (hash: Hash): string => hash.digest('base64url');

/** express.json's `verify`: fingerprints the raw JSON bytes of every request, for idempotent uploads. */
export function rememberBodyDigest(req: Request, _res: unknown, body: Buffer): void {
  req.bodyDigest = digestOf(createHash('sha256').update(body));
}

export const bodyDigestOf = (req: Request): string => req.bodyDigest ?? '';
