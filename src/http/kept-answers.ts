import type { Request, RequestHandler, Response } from 'express';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import { finished } from 'node:stream';
import { extended } from '../domain/extended';
import { affects, Dependency, EVERYTHING, forAnyLatest, Touched } from '../domain/staleness';
import { representationKey } from './representation';
import './request-state';

/** Anything whose answers stay the same until its `version` changes, and that says what each change touched. */
export interface Versioned {
  readonly version: number;
  /** What the changes after `version` touched; undefined when unknown. */
  changedSince(version: number): readonly Touched[] | undefined;
}

/** An answer as it is kept: its bytes, and its headers laid out once as `writeHead` takes them (name, value …). */
export interface KeptAnswer {
  body: Buffer;
  etag: string;
  /** The headers of its 200: those of its 304, its type and its length. */
  ok: string[];
  /** The headers of its 304: its own (a file's name, a list's paging), validators and what varies. */
  notModified: string[];
}

/** What an answer says of itself besides its body, before it is laid out. */
export interface AnswerHead {
  etag: string;
  contentType: string;
  /** Headers that belong to the answer, such as a list's paging Link or a file's name. */
  headers: ReadonlyArray<readonly [string, string]>;
}

/** Under which key, and for which data version, a read that was not kept may keep its answer. */
export interface KeepTicket {
  key: string;
  version: number;
  /** The derivation this read leads, which others asking meanwhile wait for. */
  flight?: Flight;
}

/** One derivation of an answer, at the data version it began at. */
interface Flight {
  version: number;
  /** The answer, once derived; none when the read failed or gave no answer to keep. */
  answer?: KeptAnswer;
  /** Settles once the answer is derived, or once the leading request ended without one. */
  done: Promise<void>;
  /** Settles `done` and lets the next request for the key lead a derivation of its own. */
  end(): void;
}

export const READ_CACHE_CONTROL = 'public, no-cache';

/** Strong validator from a SHA-256 that changes whenever the answer's bytes do, whatever the data version. */
const etagOf = (digest: Buffer): string => `"${digest.toString('base64url').slice(0, 32)}"`;

/** Strong validator of an answer's bytes: equal bytes, equal ETag, whatever the data version. */
export const strongEtag = (bytes: Buffer | string): string => etagOf(createHash('sha256').update(bytes).digest());

/** If-None-Match uses the weak comparison (RFC 9110 13.1.2): W/"x" matches "x". */
function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

/** The headers of a 304 and of a 200 (with the length when known: also for HEAD, which sends no body). */
export function headLines(head: AnswerHead, length?: number): Pick<KeptAnswer, 'etag' | 'ok' | 'notModified'> {
  const notModified = [...head.headers.flat(), 'ETag', head.etag, 'Cache-Control', READ_CACHE_CONTROL, 'Vary', 'Accept'];
  const ok = [...notModified, 'Content-Type', head.contentType];
  if (length !== undefined) ok.push('Content-Length', String(length));
  return { etag: head.etag, ok, notModified };
}

/** `digest`: the renderer's, when it has one cheaper than hashing the body (exports/json.ts). */
export const keptAnswer = (body: Buffer, head: Omit<AnswerHead, 'etag'>, digest?: Buffer): KeptAnswer =>
  ({ body, ...headLines(extended(head, { etag: digest ? etagOf(digest) : strongEtag(body) }), body.length) });

/**
 * Writes the status and every header at once (one `writeHead`: headers set one by one cost more than the
 * rest of a kept answer), after `leading` ones, and says whether a body is still to be sent (no 304).
 */
export function beginAnswer(req: IncomingMessage, res: ServerResponse, head: Pick<KeptAnswer, 'etag' | 'ok' | 'notModified'>, leading: readonly string[] = []): boolean {
  if (matches(req.headers['if-none-match'], head.etag)) {
    res.writeHead(304, leading.length ? [...leading, ...head.notModified] : head.notModified).end();
    return false;
  }
  res.writeHead(200, leading.length ? [...leading, ...head.ok] : head.ok);
  return true;
}

export function sendAnswer(req: IncomingMessage, res: ServerResponse, answer: KeptAnswer, leading?: readonly string[]): void {
  if (beginAnswer(req, res, answer, leading)) res.end(answer.body);
}

/** What a kept answer holds in memory, roughly: its body, its key (a long Accept makes a long key) and its headers. */
const sizeOf = (key: string, answer: KeptAnswer): number =>
  answer.body.length + key.length + answer.ok.reduce((n, line) => n + line.length, 0) + answer.notModified.reduce((n, line) => n + line.length, 0);

type Kept = KeptAnswer & { dependsOn: Dependency; until: number };

/** Room for the keys whose dependency is remembered, by their length (a key holds the URL and Accept, so it may be long). */
const MAX_DEPENDENCY_BYTES = 1024 * 1024;

/** Values by key, bounded by the sizes given with them: the oldest out first to make room. */
class Room<V> {
  private readonly entries = new Map<string, { value: V; size: number }>();
  private bytes = 0;

  constructor(readonly maxBytes: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key)?.value;
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Puts `value` under `key` as the newest, unless it alone is larger than the room. */
  set(key: string, value: V, size: number): void {
    this.delete(key);
    if (size > this.maxBytes) return;
    while (this.bytes + size > this.maxBytes) this.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, size });
    this.bytes += size;
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.bytes -= entry.size;
  }

  /** Deletes every entry `stale` holds for. */
  deleteWhere(stale: (value: V) => boolean): void {
    for (const [key, { value }] of this.entries) if (stale(value)) this.delete(key);
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

/**
 * The figures change only when a write commits, and each write touches some regions in some periods, so
 * every successful read is derived once and then served as kept bytes and headers until a write touches
 * what it depends on (staleness.ts); a write to another region leaves it kept. The service raises its
 * version, saying what the write touched, before the upload's 201 is written, so no read that starts after
 * that 201 can get the previous figures.
 * Keys are the full URL and, unless `format` decides, the Accept header; the room is bounded in bytes
 * (bodies, keys and headers), oldest answer out first, so that odd query strings or Accept headers cannot
 * make it grow. HEAD is GET without the body: same key, headers and 304.
 */
export class KeptAnswers {
  private version: number;
  private readonly kept: Room<Kept>;
  /** Answers served as kept, for the metrics. */
  served = 0;
  /** Reads being derived, by key, until their answer is sent: others asking meanwhile wait for it (single flight). */
  private readonly deriving = new Map<string, Flight>();
  /** Requests that waited before express for a derivation that gave no answer, with the version each derives its own at. */
  private readonly alone = new WeakMap<IncomingMessage, number>();
  /**
   * What each key's answer may depend on, as its last derivation said (kept or not), newest last. An
   * answer's dependency follows from its request and the classifications alone, except that an answer about
   * the latest period may come to be about another (forAnyLatest), so a derivation under way depends on no
   * more than this; a write that touches none of it cannot change that derivation, and who asks after the
   * write may wait for it. Forgotten at a change of unknown scope (a classification loaded). A route whose
   * dependency followed from the figures otherwise would have to be remembered as everything.
   */
  private readonly dependencies = new Room<Dependency>(MAX_DEPENDENCY_BYTES);

  /** `now`: the service's clock, in ms, against which answers kept until an instant expire. */
  constructor(private readonly source: Versioned, private readonly prefix: string, readonly maxBytes = 32 * 1024 * 1024, private readonly now: () => number = Date.now) {
    this.version = source.version;
    this.kept = new Room(maxBytes);
  }

  /** The key of a read under the prefix, as the client sent its target; undefined for anything else. */
  private keyOf(req: IncomingMessage, url: string): string | undefined {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || !url.startsWith(this.prefix)) return undefined;
    return representationKey(url, req.headers.accept);
  }

  /** Forgets what the writes since the last look made stale: what depends on what they touched, or everything. */
  private catchUp(): void {
    const version = this.source.version;
    if (version === this.version) return;
    const touched = this.source.changedSince(this.version);
    this.version = version;
    if (touched === undefined) {
      this.kept.clear();
      this.dependencies.clear(); // e.g. a classification loaded: what answers depend on may have changed
      return;
    }
    this.kept.deleteWhere((kept) => affects(touched, kept.dependsOn));
  }

  /** The answer kept under `key`, once the stale ones are forgotten. */
  private lookup(key: string): KeptAnswer | undefined {
    this.catchUp();
    const found = this.kept.get(key);
    if (found && found.until !== Infinity && found.until <= this.now()) { // the clock is read only for answers that expire
      this.kept.delete(key);
      return undefined;
    }
    if (found) this.served++;
    return found;
  }

  /**
   * The kept answer to a bare request, before express has seen it; or, while another request derives it
   * (as `middleware` says when a request may wait for that), that derivation's answer once there (undefined
   * when it gives none: express answers then). After a write, every read of an answer it made stale waits
   * for the one derivation; here it waits without going through express's routing, CORS and query parsing
   * first.
   */
  find(req: IncomingMessage): KeptAnswer | Promise<KeptAnswer | undefined> | undefined {
    const key = this.keyOf(req, req.url ?? '');
    if (key === undefined) return undefined;
    const found = this.lookup(key);
    if (found) return found;
    return this.joined(key)?.then((joined) => {
      if ('answer' in joined) return joined.answer;
      this.alone.set(req, joined.version);
      return undefined;
    });
  }

  /**
   * The answer of the derivation under way for `key`, once there, if the writes since it began left that
   * answer as it was; when it gives none, the version at which the waiter derives its own. Undefined when no
   * such derivation is under way.
   */
  private joined(key: string): Promise<{ answer: KeptAnswer } | { version: number }> | undefined {
    const flight = this.deriving.get(key);
    if (flight === undefined || !this.unchangedSince(flight.version, this.dependencies.get(key))) return undefined;
    return flight.done.then(() => {
      if (flight.answer) return { answer: flight.answer };
      this.catchUp(); // its own answer may be kept for the version it is derived at
      return { version: this.version };
    });
  }

  /**
   * In express, for the reads the bare lookup leaves to it (a browser's, after CORS): serves a kept answer,
   * or notes under which key and data version the answer about to be derived may be kept. While one request
   * derives an answer, others for the same key wait for it instead of deriving it too: after a write, a
   * hundred clients asking for the national series cost one derivation, not a hundred on the one event loop.
   * A request joins a derivation only if no write known to have committed since it began touched what the
   * key's answer may depend on (`dependencies`: a write to another region leaves a region's answer as it
   * was), so what it gets is at least as new as what any 201 before it promised; it gets that answer even
   * when a write committing meanwhile makes it unfit to keep (the read and that write overlap, so either
   * figures are right), instead of every waiter deriving its own. When the derivation gives no answer (it
   * failed, or its answer is never kept), each waiter derives its own, at once.
   */
  readonly middleware: RequestHandler = (req, res, next) => {
    const key = this.keyOf(req, req.originalUrl);
    if (key === undefined) return next();
    const alone = this.alone.get(req);
    if (alone !== undefined) {
      req.keeping = { key, version: alone };
      return next();
    }
    const hit = this.lookup(key);
    if (hit) return sendAnswer(req, res, hit);
    const joined = this.joined(key);
    if (joined) {
      void joined.then((j) => {
        if ('answer' in j) return sendAnswer(req, res, j.answer);
        req.keeping = { key, version: j.version };
        next();
      });
      return;
    }
    this.lead(key, req, res);
    next();
  };

  /** Makes the request derive the answer under `key` for the current version, for itself and whoever asks meanwhile. */
  private lead(key: string, req: Request, res: Response): void {
    let settle = () => {};
    const flight: Flight = {
      version: this.version,
      done: new Promise<void>((resolve) => (settle = resolve)),
      end: () => {
        if (this.deriving.get(key) === flight) this.deriving.delete(key);
        settle();
      },
    };
    this.deriving.set(key, flight);
    req.keeping = { key, version: this.version, flight };
    // Also when the response has ended already (its client gone); its listeners go with it, an error's too.
    const cleanUp = finished(res, () => {
      cleanUp();
      flight.end();
    });
  }

  /** What the writes since `version` touched, none when it is the current one; undefined when unknown. */
  private touchedSince(version: number): readonly Touched[] | undefined {
    this.catchUp();
    return version === this.version ? [] : this.source.changedSince(version);
  }

  /** Whether no write since `version` touched `dependsOn` (none known, or no `dependsOn`: it may have). */
  private unchangedSince(version: number, dependsOn: Dependency | undefined): boolean {
    const touched = this.touchedSince(version);
    if (version === this.version) return true;
    return touched !== undefined && dependsOn !== undefined && !affects(touched, dependsOn);
  }

  /**
   * Hands the answer to the requests waiting for it, and keeps it as depending on `dependsOn` (and holding
   * until `until`, in ms of the clock), unless a write that committed while it was derived touched that (or
   * may have: unknown), which makes it unfit.
   */
  keep(ticket: KeepTicket, answer: KeptAnswer, dependsOn: Dependency = EVERYTHING, until = Infinity): void {
    if (ticket.flight) {
      ticket.flight.answer = answer;
      ticket.flight.end();
    }
    const touched = this.touchedSince(ticket.version);
    if (touched !== undefined) this.dependencies.set(ticket.key, forAnyLatest(dependsOn), ticket.key.length);
    if (until <= this.now() || touched === undefined || affects(touched, dependsOn)) return;
    if (this.kept.has(ticket.key)) return;
    this.kept.set(ticket.key, extended(answer, { dependsOn, until }), sizeOf(ticket.key, answer));
  }
}
