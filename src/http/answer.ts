import type { Request, Response } from 'express';
import { extended } from '../domain/extended';
import { asOfInstant } from '../domain/instant';
import { asOfThen, Dependency, EVERYTHING } from '../domain/staleness';
import { Format, RENDERERS, Rendering, Sheet } from '../exports/formats';
import { beginAnswer, headLines, keptAnswer, KeptAnswer, sendAnswer, strongEtag } from './kept-answers';
import { chosenFormat, OfferedFormat } from './representation';
import './request-state';

/** What an answer depends on (staleness.ts): a write touching none of it leaves it kept. Everything when not said. */
export interface Depending {
  dependsOn?: Dependency;
  /** When the answer turns wrong by the clock alone, without a write (the event feed's retention): not kept past it. */
  keptUntil?: Date;
  /** The read's `asOf`, as asked: a write stored after that instant leaves the answer kept. */
  asOf?: string;
}

/** The forms a read offers besides JSON's default: the `format` values it takes (its default first), and its sheet if a form needs one. */
export interface Offer<V> extends Depending {
  formats: readonly OfferedFormat[];
  sheet?: (view: V) => Sheet;
}

/** JSON, or CSV when the request asks for it (`format=csv` or Accept: text/csv). */
export const jsonOrCsv = <V>(sheet: (view: V) => Sheet, dependsOn?: Dependency, asOf?: string): Offer<V> => ({ formats: ['json', 'csv'], sheet, dependsOn, asOf });

/** Headers that belong to a JSON answer, such as a list's paging. */
export interface OwnHeaders extends Depending {
  headers?: Record<string, string>;
}

/**
 * A read's answer: its view in the form the request asks for among those `offer`ed (JSON without an offer),
 * written with its validators (or as a 304), and handed to the kept answers. Returns the view once its head
 * is written: tsoa writes nothing more for an answer that has begun.
 */
export function answer<V>(req: Request, view: V, own?: OwnHeaders): V;
export function answer<V>(req: Request, view: V, offer: Offer<V>): Promise<V>;
export function answer<V>(req: Request, view: V, how?: OwnHeaders | Offer<V>): V | Promise<V> {
  const res = req.res;
  if (!res) throw new Error('answer() needs the response of an express request');
  const offer = how && 'formats' in how ? how : undefined;
  const own = how && 'headers' in how && how.headers ? Object.entries(how.headers) : [];
  const format: Format = offer ? chosenFormat(req, offer.formats) : 'json';
  const rendering: Rendering = RENDERERS[format].render({
    view,
    sheet: () => {
      if (!offer?.sheet) throw new Error(`${format} needs a sheet, and this read offers none`);
      return offer.sheet(view);
    },
  });
  const head = { contentType: rendering.contentType, headers: [...own, ...rendering.headers] };
  const keep = (kept: KeptAnswer) => {
    if (req.keeping) req.app.locals.answers.keep(req.keeping, kept, asOfThen(how?.dependsOn ?? EVERYTHING, asOfInstant(how?.asOf)), how?.keptUntil?.getTime());
  };
  const whole = (body: Buffer, digest?: Buffer): void => {
    const kept = keptAnswer(body, head, digest);
    sendAnswer(req, res, kept);
    keep(kept);
  };
  const { body } = rendering;
  if (Buffer.isBuffer(body)) {
    whole(body, rendering.digest);
    return offer ? Promise.resolve(view) : view;
  }
  if (body instanceof Promise) return body.then((bytes) => (whole(bytes), view));
  const chunks = body[Symbol.iterator]();
  const first = chunks.next();
  const second = first.done ? first : chunks.next();
  if (second.done) { // one chunk: sent at once, with its length, like JSON
    whole(Buffer.from(first.done ? '' : first.value, 'utf8'));
    return Promise.resolve(view);
  }
  // Longer: sent chunk by chunk as the client takes them. The same view always renders to the same bytes,
  // so the ETag of view and form is known before the first byte.
  const etag = strongEtag(`${format}\n${JSON.stringify(head)}\n${JSON.stringify(view)}`);
  if (!beginAnswer(req, res, headLines(extended(head, { etag })))) return Promise.resolve(view);
  const rest = function* (): Generator<string> {
    yield first.value as string;
    yield second.value as string;
    for (let next = chunks.next(); !next.done; next = chunks.next()) yield next.value;
  };
  stream(res, rest(), req.app.locals.answers.maxBytes).then((body) => {
    if (body) keep({ body, ...headLines(extended(head, { etag }), body.length) });
  }, (error: unknown) => res.destroy(error as Error));
  return Promise.resolve(view);
}

/** Writes chunks as the client takes them; returns the bytes sent, unless they outgrew `maxBytes` or the client went away. */
async function stream(res: Response, chunks: Iterable<string>, maxBytes: number): Promise<Buffer | undefined> {
  const parts: Buffer[] = [];
  let bytes = 0;
  for (const chunk of chunks) {
    const buffer = Buffer.from(chunk, 'utf8');
    bytes += buffer.length;
    if (bytes <= maxBytes) parts.push(buffer);
    if (!res.write(buffer)) await drainedOrClosed(res);
    if (res.destroyed) return undefined;
  }
  res.end();
  return bytes <= maxBytes ? Buffer.concat(parts) : undefined;
}

/** Waits for the client to take what was written, or to go away; leaves no listener behind either way. */
function drainedOrClosed(res: Response): Promise<void> {
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
