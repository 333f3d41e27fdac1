/**
 * JSON of a view, byte for byte what JSON.stringify gives, and a digest of it for the ETag. Whatever is deeply
 * frozen (domain/frozen.ts) never changes, so what is made of it may be kept: each frozen object's bytes in a
 * list (while the object lives), and the lists of such objects lately written, joined, each with the last
 * answers made with it. A series of 160 points of which one changed is then one point serialized and one
 * join; the same points asked for under another URL are the bytes already made. The digest is made of the
 * parts' digests, so kept bytes are never hashed again.
 */
import { createHash } from 'node:crypto';
import { isDeeplyFrozen } from '../domain/frozen';

export interface JsonAnswer {
  bytes: Buffer;
  /** SHA-256 over the parts: different bytes always give a different digest; the same parts, the same one. */
  digest: Buffer;
}

interface Written {
  bytes: Buffer;
  digest: Buffer;
}

/** A list of frozen objects as written between its brackets, and the last answers made with it (newest first). */
interface Run extends Written {
  items: readonly object[];
  answers: Array<{ parts: readonly Part[]; answer: JsonAnswer }>;
}

/** What an answer is made of: text, and joined lists. */
type Part = string | Run;

/**
 * Runs kept at most, the least recently used out first: the selections clients make (any start, end or
 * count of points) cannot make them grow, and each holds its points, its bytes and its answers.
 */
export const MAX_RUNS = 16;
/** Per run: the same points with the surrounding members of a couple of different reads. */
const ANSWERS_PER_RUN = 2;
/** Leads the digest of an answer made of parts, so that it is never the digest of some body's bytes alone. */
const PARTS_TAG = 'json parts\n';

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

const runsByFirstItem = new WeakMap<object, Run[]>();
/** Every run kept, least recently used first. */
const recentRuns: Run[] = [];
const COMMA = Buffer.from(',');

function used(run: Run): Run {
  const at = recentRuns.indexOf(run);
  if (at !== recentRuns.length - 1) recentRuns.push(...recentRuns.splice(at, 1));
  return run;
}

function keepRun(run: Run): void {
  const first = run.items[0];
  runsByFirstItem.set(first, [...(runsByFirstItem.get(first) ?? []), run]);
  recentRuns.push(run);
  if (recentRuns.length <= MAX_RUNS) return;
  const old = recentRuns.shift() as Run;
  const others = (runsByFirstItem.get(old.items[0]) ?? []).filter((r) => r !== old);
  if (others.length > 0) runsByFirstItem.set(old.items[0], others);
  else runsByFirstItem.delete(old.items[0]);
}

/** The run of exactly these objects, joined once; undefined unless the value is a list of deeply frozen objects. */
function runOf(value: unknown): Run | undefined {
  if (!Array.isArray(value) || value.length === 0 || typeof value[0] !== 'object' || value[0] === null) return undefined;
  const list = value as object[];
  const runs = runsByFirstItem.get(list[0]);
  const known = runs?.find((run) => run.items.length === list.length && run.items.every((item, i) => item === list[i]));
  if (known) return used(known); // its objects were all deeply frozen when it was joined, and stay so
  if (!list.every(isDeeplyFrozen)) return undefined;
  const written = list.map(itemWritten);
  const hash = createHash('sha256');
  for (const w of written) hash.update(w.digest);
  const run: Run = { items: [...list], bytes: Buffer.concat(written.flatMap((w, i) => (i === 0 ? [w.bytes] : [COMMA, w.bytes]))), digest: hash.digest(), answers: [] };
  keepRun(run);
  return run;
}

const sameParts = (a: readonly Part[], b: readonly Part[]) => a.length === b.length && a.every((part, i) => part === b[i]);

function made(parts: readonly Part[]): JsonAnswer {
  const hash = createHash('sha256').update(PARTS_TAG);
  for (const part of parts) {
    // Each part with its kind and length first, so that no two sequences of parts hash alike.
    if (typeof part === 'string') hash.update(`t${Buffer.byteLength(part)}:`).update(part);
    else hash.update('r').update(part.digest);
  }
  return { bytes: Buffer.concat(parts.map((part) => (typeof part === 'string' ? Buffer.from(part) : part.bytes))), digest: hash.digest() };
}

/**
 * The digest depends on how the view is made as well as on its bytes: a list of frozen points and the same
 * bytes from objects not frozen get different ones. Each read makes its views one way (the national series
 * always of frozen points), so a URL's answer keeps one ETag on every instance.
 */
export function jsonAnswer(view: unknown): JsonAnswer {
  const plain = isPlain(view);
  const runs = plain ? Object.values(view).map(runOf) : [];
  const first = runs.find((run) => run !== undefined);
  if (!plain || first === undefined) {
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
  first.answers.unshift({ parts, answer });
  first.answers.length = Math.min(first.answers.length, ANSWERS_PER_RUN);
  return answer;
}
