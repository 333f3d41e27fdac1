import type { Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
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

/** An entry with its headers laid out once, as `writeHead` takes them (name, value, name, value …). */
interface Kept extends Entry {
  ok: string[];
  notModified: string[];
}

/** What a kept answer holds in memory, roughly: its body, its key (a long Accept makes a long key) and its headers. */
const sizeOf = (key: string, entry: Kept): number =>
  entry.body.length + key.length + entry.ok.reduce((n, line) => n + line.length, 0) + entry.notModified.reduce((n, line) => n + line.length, 0);

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

/** The headers of a 304 (validators and what varies) and of a 200 (those, its type and, when known, length). */
function headLines(entry: Omit<Entry, 'body'>, length?: number): Pick<Kept, 'ok' | 'notModified'> {
  const notModified = [...(entry.headers ?? []).flat(), 'ETag', entry.etag, 'Cache-Control', READ_CACHE_CONTROL, 'Vary', 'Accept'];
  const ok = [...notModified, 'Content-Type', entry.contentType ?? 'application/json; charset=utf-8'];
  if (length !== undefined) ok.push('Content-Length', String(length)); // also for HEAD, which sends no body
  return { ok, notModified };
}

const kept = (entry: Entry): Kept => ({ ...entry, ...headLines(entry, entry.body.length) });

/**
 * Writes the status and every header at once (one `writeHead`: headers set one by one cost more than the
 * rest of a cached answer), after `leading` ones, and says whether a body is still to be sent (no 304).
 */
function begin(req: IncomingMessage, res: ServerResponse, head: Pick<Kept, 'etag' | 'ok' | 'notModified'>, leading: readonly string[]): boolean {
  if (matches(req.headers['if-none-match'], head.etag)) {
    res.writeHead(304, leading.length ? [...leading, ...head.notModified] : head.notModified).end();
    return false;
  }
  res.writeHead(200, leading.length ? [...leading, ...head.ok] : head.ok);
  return true;
}

function send(req: IncomingMessage, res: ServerResponse, entry: Kept, leading: readonly string[] = []): void {
  if (begin(req, res, entry, leading)) res.end(entry.body);
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
async function sendRendering(req: Request, res: Response, rendering: Rendering, view: unknown, maxBytes: number): Promise<Kept | undefined> {
  const headers = renderingHeaders(rendering);
  const contentType = rendering.contentType;
  if (rendering.file) {
    const body = await rendering.file();
    return sendKept(req, res, kept({ body, etag: strongEtag(body), contentType, headers }));
  }
  const chunks = (rendering.chunks ?? [])[Symbol.iterator]();
  const first = chunks.next();
  const second = first.done ? first : chunks.next();
  if (second.done) { // one chunk: sent at once, with its length, like JSON
    const body = Buffer.from(first.done ? '' : first.value, 'utf8');
    return sendKept(req, res, kept({ body, etag: strongEtag(body), contentType, headers }));
  }
  const etag = strongEtag(Buffer.from(`${rendering.form}\n${contentType}\n${rendering.fileName}\n${JSON.stringify(view)}`));
  if (!begin(req, res, { etag, ...headLines({ etag, contentType, headers }) }, [])) return undefined;
  const parts: Buffer[] = [];
  let bytes = 0;
  const rest = function* (): Generator<string> {
    yield first.value as string;
    yield second.value as string;
    for (let next = chunks.next(); !next.done; next = chunks.next()) yield next.value;
  };
  for (const chunk of rest()) {
    const buffer = Buffer.from(chunk, 'utf8');
    bytes += buffer.length;
    if (bytes <= maxBytes) parts.push(buffer);
    if (!res.write(buffer)) await drainedOrClosed(res);
    if (res.destroyed) return undefined; // the client went away
  }
  res.end();
  return bytes <= maxBytes ? kept({ body: Buffer.concat(parts), etag, contentType, headers }) : undefined;
}

/** Waits for the client to take what was written, or to go away; leaves no listener behind either way. */
function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

function sendKept(req: IncomingMessage, res: ServerResponse, entry: Kept): Kept {
  send(req, res, entry);
  return entry;
}

export interface ReadCache {
  /** Serves what it keeps and keeps what the routes after it answer; in express, after the rate limits. */
  middleware: RequestHandler;
  /**
   * Serves a kept answer to a bare request, before express has set it up, after the `leading` headers
   * that the middleware before it would have set; false when it keeps no answer for the request.
   */
  answer(req: IncomingMessage, res: ServerResponse, leading: readonly string[]): boolean;
}

const isRead = (method: string | undefined, url: string, prefix: string): boolean =>
  (method === 'GET' || method === 'HEAD') && url.startsWith(prefix);

/**
 * The figures change only when an upload commits, so every successful read is derived once per data
 * version and then served as stored bytes until the next commit. The service bumps its version before
 * the upload's 201 is written, so no read that starts after that 201 can get the previous figures.
 * Keys are the full URL and, unless `format` decides, the Accept header; the room is bounded in bytes
 * (bodies, keys and headers), oldest answer out first, so that odd query strings or Accept headers cannot
 * make it grow.
 * HEAD is GET without the body (express routes it to the GET handler): same key, headers and 304.
 */
export function readCache(source: Versioned, prefix: string, maxBytes = 32 * 1024 * 1024): ReadCache {
  let version = source.version;
  const entries = new Map<string, Kept & { size: number }>();
  let bytes = 0;
  const keep = (key: string, entry: Kept) => {
    const size = sizeOf(key, entry);
    if (size > maxBytes) return;
    while (bytes + size > maxBytes) {
      const [oldest, old] = entries.entries().next().value as [string, Kept & { size: number }];
      entries.delete(oldest);
      bytes -= old.size;
    }
    entries.set(key, { ...entry, size });
    bytes += size;
  };
  /** The answer kept under `key`, after forgetting every answer of an earlier data version. */
  const lookup = (key: string): Kept | undefined => {
    if (source.version !== version) {
      entries.clear();
      bytes = 0;
      version = source.version;
    }
    return entries.get(key);
  };

  const middleware: RequestHandler = (req, res, next) => {
    if (!isRead(req.method, req.originalUrl, prefix)) return next();
    const key = representationKey(req.originalUrl, req.headers.accept);
    const hit = lookup(key);
    if (hit) return send(req, res, hit);

    const startedAt = version;
    // An upload that committed while this answer was being derived makes it unfit to keep.
    const keepIfCurrent = (entry: Kept) => {
      if (source.version === startedAt && version === startedAt && !entries.has(key)) keep(key, entry);
    };
    const json = res.json.bind(res);
    res.json = (data: unknown) => {
      if (res.statusCode !== 200) return json(data);
      const rendering = renderingOf(res);
      if (rendering) {
        sendRendering(req, res, rendering, data, maxBytes).then((entry) => {
          if (entry) keepIfCurrent(entry);
        }, (error: unknown) => {
          if (!res.headersSent) next(error);
          else res.destroy(error as Error);
        });
        return res;
      }
      const headers = KEPT_HEADERS.filter((name) => res.getHeader(name) !== undefined).map((name): [string, string] => [name, String(res.getHeader(name))]);
      const body = Buffer.from(JSON.stringify(data));
      const entry = kept({ body, etag: strongEtag(body), ...(headers.length ? { headers } : {}) });
      keepIfCurrent(entry);
      send(req, res, entry);
      return res;
    };
    next();
  };

  const answer = (req: IncomingMessage, res: ServerResponse, leading: readonly string[]): boolean => {
    const url = req.url ?? '';
    if (!isRead(req.method, url, prefix)) return false;
    const hit = lookup(representationKey(url, req.headers.accept));
    if (!hit) return false;
    send(req, res, hit, leading);
    return true;
  };

  return { middleware, answer };
}
