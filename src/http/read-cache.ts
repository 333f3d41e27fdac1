import type { Request, RequestHandler, Response } from 'express';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { Rendering } from '../exports/rendering';
import { renderingOf, representationKey } from './representation';

/** Anything whose answers stay the same until its `version` changes. */
export interface Versioned {
  readonly version: number;
}

interface Entry {
  body: Buffer;
  etag: string;
  /** JSON unless the answer is another representation (CSV, TSV, xlsx). */
  contentType?: string;
  /** Headers the answer carries besides its body, such as a list's paging Link or a file's name. */
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

/** Sets the headers of a 200 answer and says whether its body is still to be sent (no 304). */
function begin(req: Request, res: Response, entry: Omit<Entry, 'body'>): boolean {
  for (const [name, value] of entry.headers ?? []) res.setHeader(name, value);
  res.setHeader('ETag', entry.etag);
  res.setHeader('Cache-Control', READ_CACHE_CONTROL);
  res.setHeader('Vary', 'Accept');
  if (matches(req.headers['if-none-match'], entry.etag)) {
    res.statusCode = 304;
    res.end();
    return false;
  }
  res.statusCode = 200;
  res.setHeader('Content-Type', entry.contentType ?? 'application/json; charset=utf-8');
  return true;
}

function send(req: Request, res: Response, entry: Entry): void {
  if (!begin(req, res, entry)) return;
  res.setHeader('Content-Length', entry.body.length); // also for HEAD, which sends no body
  res.end(entry.body);
}

function renderingHeaders(rendering: Rendering): Array<[string, string]> {
  return [
    ['Content-Disposition', `attachment; filename="${rendering.fileName}"`],
    ...(rendering.rowCount === undefined ? [] : [['Total-Count', String(rendering.rowCount)] as [string, string]]),
  ];
}

/**
 * Writes a rendering: a file or a one-chunk text at once, a longer text chunk by chunk as the client takes
 * them. A streamed answer's ETag is that of its view and form (the same view always renders to the same
 * bytes), so that it is known before the first byte. Returns the bytes sent, for the cache, unless they
 * outgrew `maxBytes`.
 */
async function sendRendering(req: Request, res: Response, rendering: Rendering, view: unknown, maxBytes: number): Promise<Entry | undefined> {
  const headers = renderingHeaders(rendering);
  const contentType = rendering.contentType;
  if (rendering.file) {
    const body = await rendering.file();
    const entry = { body, etag: strongEtag(body), contentType, headers };
    send(req, res, entry);
    return entry;
  }
  const chunks = (rendering.chunks ?? [])[Symbol.iterator]();
  const first = chunks.next();
  const second = first.done ? first : chunks.next();
  if (second.done) { // one chunk: sent at once, with its length, like JSON
    const entry = { body: Buffer.from(first.done ? '' : first.value, 'utf8'), etag: '', contentType, headers };
    entry.etag = strongEtag(entry.body);
    send(req, res, entry);
    return entry;
  }
  const etag = strongEtag(Buffer.from(`${rendering.form}\n${contentType}\n${rendering.fileName}\n${JSON.stringify(view)}`));
  if (!begin(req, res, { etag, contentType, headers })) return undefined;
  const kept: Buffer[] = [];
  let bytes = 0;
  const rest = function* (): Generator<string> {
    yield first.value as string;
    yield second.value as string;
    for (let next = chunks.next(); !next.done; next = chunks.next()) yield next.value;
  };
  for (const chunk of rest()) {
    const buffer = Buffer.from(chunk, 'utf8');
    bytes += buffer.length;
    if (bytes <= maxBytes) kept.push(buffer);
    if (!res.write(buffer)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    if (res.destroyed) return undefined; // the client went away
  }
  res.end();
  return bytes <= maxBytes ? { body: Buffer.concat(kept), etag, contentType, headers } : undefined;
}

/**
 * The figures change only when an upload commits, so every successful read is derived once per data
 * version and then served as stored bytes until the next commit. The service bumps its version before
 * the upload's 201 is written, so no read that starts after that 201 can get the previous figures.
 * Keys are the full URL and, unless `format` decides, the Accept header; the room is bounded in bytes,
 * oldest answer out first, so that odd query strings or Accept headers cannot make it grow.
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
    // HEAD is GET without the body (express routes it to the GET handler): same key, headers and 304.
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !req.originalUrl.startsWith(prefix)) return next();
    if (source.version !== version) {
      entries.clear();
      bytes = 0;
      version = source.version;
    }
    const key = `${representationKey(req)}\n${req.originalUrl}`;
    const hit = entries.get(key);
    if (hit) return send(req, res, hit);

    const startedAt = version;
    const json = res.json.bind(res);
    res.json = (data: unknown) => {
      if (res.statusCode !== 200) return json(data);
      const rendering = renderingOf(res);
      if (rendering) {
        sendRendering(req, res, rendering, data, maxBytes).then((entry) => {
          if (entry && source.version === startedAt && version === startedAt && !entries.has(key)) keep(key, entry);
        }, (error: unknown) => {
          if (!res.headersSent) next(error);
          else res.destroy(error as Error);
        });
        return res;
      }
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
