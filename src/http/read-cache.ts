import type { Request, RequestHandler, Response } from 'express';
import { createHash } from 'node:crypto';

/** Anything whose answers stay the same until its `version` changes. */
export interface Versioned {
  readonly version: number;
}

interface Entry {
  body: Buffer;
  etag: string;
  /** Headers the answer carries besides its body, such as a list's paging Link. */
  headers?: Array<[string, string]>;
}

/** Headers of an answer that belong to it, so a kept answer is served with them. */
const KEPT_HEADERS = ['Link', 'Total-Count'];

export const READ_CACHE_CONTROL = 'public, no-cache';

/** Strong validator of an answer's bytes: equal bytes, equal ETag, whatever the data version. */
function strongEtag(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/** If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x". */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

function send(req: Request, res: Response, entry: Entry): void {
  for (const [name, value] of entry.headers ?? []) res.setHeader(name, value);
  res.setHeader('ETag', entry.etag);
  res.setHeader('Cache-Control', READ_CACHE_CONTROL);
  if (matches(req.headers['if-none-match'], entry.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.end(entry.body);
}

/**
 * The figures change only when an upload commits, so every successful read is derived once per data
 * version and then served as stored bytes until the next commit. The service bumps its version before
 * the upload's 201 is written, so no read that starts after that 201 can get the previous figures.
 * Keys are the full URL; the room is bounded in bytes, oldest answer out first, so that odd query strings
 * cannot make it grow.
 */
export function readCache(source: Versioned, prefix: string, maxBytes = 32 * 1024 * 1024): RequestHandler {
  let version = source.version;
  const entries = new Map<string, Entry>();
  let bytes = 0;
  const keep = (key: string, entry: Entry) => {
    if (entry.body.length > maxBytes) return;
    while (bytes + entry.body.length > maxBytes) {
      const [oldest, old] = entries.entries().next().value as [string, Entry];
      entries.delete(oldest);
      bytes -= old.body.length;
    }
    entries.set(key, entry);
    bytes += entry.body.length;
  };

  return (req, res, next) => {
    if (req.method !== 'GET' || !req.originalUrl.startsWith(prefix)) return next();
    if (source.version !== version) {
      entries.clear();
      bytes = 0;
      version = source.version;
    }
    const key = req.originalUrl;
    const hit = entries.get(key);
    if (hit) return send(req, res, hit);

    const startedAt = version;
    const json = res.json.bind(res);
    res.json = (data: unknown) => {
      if (res.statusCode !== 200) return json(data);
      const headers = KEPT_HEADERS.filter((name) => res.getHeader(name) !== undefined).map((name): [string, string] => [name, String(res.getHeader(name))]);
      const entry: Entry = { body: Buffer.from(JSON.stringify(data)), etag: '', ...(headers.length ? { headers } : {}) };
      entry.etag = strongEtag(entry.body);
      // An upload that committed while this answer was being derived makes it unfit to keep.
      if (source.version === startedAt && version === startedAt && !entries.has(key)) keep(key, entry);
      send(req, res, entry);
      return res;
    };
    next();
  };
}
