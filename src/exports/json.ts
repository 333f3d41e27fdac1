/**
 * JSON of a view, byte for byte what JSON.stringify gives, and a digest of it for the ETag. Whatever is deeply
 * frozen (domain/frozen.ts) never changes, so what is made of it is kept while it lives: each frozen object's
 * bytes in a list, a list of such objects joined, and the answers lately made with that list. A series of 160
 * points of which one changed is then one point serialized and one join; the same points asked for under
 * another URL are the bytes already made. The digest is made of the parts' digests, so kept bytes are never
 * hashed again.
 */
import { createHash } from 'node:crypto';
import { isDeeplyFrozen } from '../domain/frozen';

export interface JsonAnswer {
  bytes: Buffer;
  /** SHA-256 over the parts: different bytes always give a different digest; equal parts, the same one. */
  digest: Buffer;
}

interface Written {
  bytes: Buffer;
  digest: Buffer;
}

/** A list of frozen objects as written between its brackets, and the answers lately made with it. */
interface Run extends Written {
  items: readonly object[];
  answers: Array<{ parts: readonly Part[]; answer: JsonAnswer }>;
}

/** What an answer is made of: text, and joined lists. */
type Part = string | Run;

/** A few per first object: a series now and as of an instant before its latest change share their first point. */
const RUNS_PER_FIRST_ITEM = 4;
/** A few per list: the same points with the surrounding members of a few different reads. */
const ANSWERS_PER_RUN = 4;

const sha256 = (data: Buffer | string): Buffer => createHash('sha256').update(data).digest();

const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype && !('toJSON' in value);

const writtenItems = new WeakMap<object, Written>();

function itemWritten(item: object): Written {
  let written = writtenItems.get(item);
  if (!written) {
    const bytes = Buffer.from(JSON.stringify(item) ?? 'null'); // as in a list, where a toJSON giving undefined writes null
    written = { bytes, digest: sha256(bytes) };
    writtenItems.set(item, written);
  }
  return written;
}

/** Newest first, at most `max`. */
function remember<T>(list: T[], value: T, max: number): void {
  list.unshift(value);
  if (list.length > max) list.pop();
}

const runsByFirstItem = new WeakMap<object, Run[]>();
const COMMA = Buffer.from(',');

/** The run of exactly these objects, joined once; undefined unless the value is a list of deeply frozen objects. */
function runOf(value: unknown): Run | undefined {
  if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== 'object' || value[0] === null) return undefined;
  const list = value as object[];
  const runs = runsByFirstItem.get(list[0]);
  const known = runs?.find((run) => run.items.length === list.length && run.items.every((item, i) => item === list[i]));
  if (known) return known; // its objects were all deeply frozen when it was joined, and stay so
  if (!list.every(isDeeplyFrozen)) return undefined;
  const written = list.map(itemWritten);
  const hash = createHash('sha256');
  for (const w of written) hash.update(w.digest);
  const run: Run = { items: [...list], bytes: Buffer.concat(written.flatMap((w, i) => (i === 0 ? [w.bytes] : [COMMA, w.bytes]))), digest: hash.digest(), answers: [] };
  if (runs) remember(runs, run, RUNS_PER_FIRST_ITEM);
  else runsByFirstItem.set(list[0], [run]);
  return run;
}

const sameParts = (a: readonly Part[], b: readonly Part[]) => a.length === b.length && a.every((part, i) => part === b[i]);

function made(parts: readonly Part[]): JsonAnswer {
  const hash = createHash('sha256');
  for (const part of parts) {
    // Each part with its kind and length first, so that no two sequences of parts hash alike.
    if (typeof part === 'string') hash.update(`t${Buffer.byteLength(part)}:`).update(part);
    else hash.update('r').update(part.digest);
  }
  return { bytes: Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part.bytes))), digest: hash.digest() };
}

export function jsonAnswer(view: unknown): JsonAnswer {
  const runs = isPlain(view) ? Object.values(view).map(runOf) : [];
  const first = runs.find((run) => run !== undefined);
  if (!isPlain(view) || first === undefined) {
    const bytes = Buffer.from(JSON.stringify(view));
    return { bytes, digest: sha256(bytes) };
  }
  const parts: Part[] = [];
  let text = '{'; // written since the last run
  let separator = '';
  Object.entries(view).forEach(([key, value], i) => {
    const run = runs[i];
    const json: string | undefined = run ? '[' : JSON.stringify(value);
    if (json === undefined) return; // left out, as JSON.stringify leaves out undefined and functions
    text += `${separator}${JSON.stringify(key)}:${json}`;
    separator = ',';
    if (!run) return;
    parts.push(text, run);
    text = ']';
  });
  parts.push(`${text}}`);
  const again = first.answers.find((a) => sameParts(a.parts, parts));
  if (again) return again.answer;
  const answer = made(parts);
  remember(first.answers, { parts, answer }, ANSWERS_PER_RUN);
  return answer;
}
