import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { deepFreeze } from '../../src/domain/frozen';
import { jsonAnswer, MAX_RUNS } from '../../src/exports/json';

/** A view as reads give them: members of any JSON value, some of them lists of objects, frozen or not. */
const views = fc.dictionary(
  fc.string(),
  fc.oneof(
    fc.jsonValue(),
    fc.constant(undefined),
    fc.constant(() => 1),
    fc.constant(new Date(Date.UTC(2026, 5, 30))),
    fc.tuple(fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { minLength: 1 }), fc.boolean())
      .map(([items, frozen]) => (frozen ? items.map((item) => deepFreeze(item)) : items)),
  ),
);

const text = (view: unknown) => jsonAnswer(view).bytes.toString('utf8');
const digest = (view: unknown) => jsonAnswer(view).digest.toString('hex');
const points = (totals: number[]) => totals.map((total, i) => deepFreeze({ period: `2026-0${i + 1}`, total }));

describe('JSON of a view with frozen points', () => {
  test('When any view is written, then its bytes are exactly those of JSON.stringify, whether its lists are frozen or not', () => {
    fc.assert(fc.property(views, (view) => {
      expect(text(view)).toBe(JSON.stringify(view));
      expect(text(view)).toBe(JSON.stringify(view)); // again, with the frozen points' bytes kept
    }), { numRuns: 500 });
  });

  test('When two views are written, then their digests differ exactly when their bytes do, for views made the same way', () => {
    // Views of one shape, frozen lists in the same places: equal bytes must give equal digests, as they give equal ETags.
    const shaped = fc.tuple(fc.jsonValue(), fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { minLength: 1 }), fc.string())
      .map(([before, items, after]) => ({ before, series: items.map((item) => deepFreeze(structuredClone(item))), after }));
    fc.assert(fc.property(shaped, shaped, (a, b) => {
      expect(digest(a) === digest(b)).toBe(text(a) === text(b));
      expect(digest(a)).toBe(digest({ ...a, series: a.series.map((item) => deepFreeze(structuredClone(item))) })); // other objects, same bytes
    }), { numRuns: 300 });
  });

  test('When a view holds no frozen list, then its digest is the SHA-256 of its bytes', () => {
    const view = { region: { code: 'AM28', name: 'Twente' }, series: [{ period: '2026-06', total: 7898 }] };
    expect(digest(view)).toBe(createHash('sha256').update(JSON.stringify(view)).digest('hex'));
  });

  test('When the same frozen points are written again, then the answer is the bytes already made; when one point differs, new bytes', () => {
    const series = points([7898, 7901, 7950]);
    const first = jsonAnswer({ series: series.slice() });
    const again = jsonAnswer({ series: series.slice() }); // another list of the same objects, as another URL's selection gives

    expect(again.bytes).toBe(first.bytes);
    expect(again.digest).toBe(first.digest);

    const changed = jsonAnswer({ series: [...series.slice(0, 2), deepFreeze({ period: '2026-03', total: 7951 })] });
    expect(changed.bytes.toString()).toBe('{"series":[{"period":"2026-01","total":7898},{"period":"2026-02","total":7901},{"period":"2026-03","total":7951}]}');
    expect(changed.digest.equals(first.digest)).toBe(false);
    expect(jsonAnswer({ asOf: '2026-07-01T00:00:00Z', series: series.slice() }).bytes.toString()).toBe(JSON.stringify({ asOf: '2026-07-01T00:00:00Z', series }));
  });

  test('When more lists of frozen points are written than are kept, then the least recently used is joined anew, with the same bytes', () => {
    const lists = Array.from({ length: MAX_RUNS + 1 }, (_, k) => points([k, k + 1]));
    const first = jsonAnswer({ series: lists[0] });
    for (const list of lists.slice(1, MAX_RUNS)) jsonAnswer({ series: list });

    expect(jsonAnswer({ series: lists[0] }).bytes).toBe(first.bytes); // still kept: used again, so now the most recent

    for (const list of lists.slice(1)) jsonAnswer({ series: list }); // the other 16 are used after it
    const again = jsonAnswer({ series: lists[0] });
    expect(again.bytes).not.toBe(first.bytes);
    expect(again.bytes.equals(first.bytes)).toBe(true);
    expect(again.digest.equals(first.digest)).toBe(true);
  });

  test('When a list holds objects frozen only on the outside, then they are written anew each time: what is inside may have changed', () => {
    const inner = { total: 1 };
    const view = { series: [Object.freeze({ period: '2026-06', change: inner })] };
    expect(text(view)).toBe(JSON.stringify(view));

    inner.total = 2;

    expect(text(view)).toBe('{"series":[{"period":"2026-06","change":{"total":2}}]}');
  });

  test('When frozen points are written again in other views, then each is written as it is, whatever view held it first', () => {
    const frozen = ['2026-03', '2026-06', '2026-09'].map((period, i) => deepFreeze({ period, total: 7898 + i, name: 'Súdwest-Fryslân', change: i === 0 ? null : { total: 1 } }));
    const all = { series: frozen };
    const last = { series: frozen.slice(1), region: { code: 'AM02', name: 'Friesland' }, note: undefined };

    expect(text(all)).toBe(JSON.stringify(all));
    expect(text(last)).toBe(JSON.stringify(last));
    expect(text({ series: [...frozen].reverse() })).toBe(JSON.stringify({ series: [...frozen].reverse() }));
    expect(text([frozen[0]])).toBe(JSON.stringify([frozen[0]]));
    expect(text({ a: frozen, b: frozen.slice(0, 2), c: 1 })).toBe(JSON.stringify({ a: frozen, b: frozen.slice(0, 2), c: 1 }));
  });
});
