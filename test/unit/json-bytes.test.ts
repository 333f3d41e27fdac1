import fc from 'fast-check';
import { deepFreeze } from '../../src/domain/frozen';
import { jsonBytes } from '../../src/exports/json';

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

describe('JSON of a view with frozen points', () => {
  test('When any view is written, then its bytes are exactly those of JSON.stringify, whether its lists are frozen or not', () => {
    fc.assert(fc.property(views, (view) => {
      expect(jsonBytes(view).toString('utf8')).toBe(JSON.stringify(view));
      expect(jsonBytes(view).toString('utf8')).toBe(JSON.stringify(view)); // again, with the frozen points' bytes kept
    }), { numRuns: 500 });
  });

  test('When a list holds objects frozen only on the outside, then they are written anew each time: what is inside may have changed', () => {
    const inner = { total: 1 };
    const view = { series: [Object.freeze({ period: '2026-06', change: inner })] };
    expect(jsonBytes(view).toString()).toBe(JSON.stringify(view));

    inner.total = 2;

    expect(jsonBytes(view).toString()).toBe('{"series":[{"period":"2026-06","change":{"total":2}}]}');
  });

  test('When frozen points are written again in other views, then each is written as it is, whatever view held it first', () => {
    const points = ['2026-03', '2026-06', '2026-09'].map((period, i) => deepFreeze({ period, total: 7898 + i, name: 'Súdwest-Fryslân', change: i === 0 ? null : { total: 1 } }));
    const all = { series: points };
    const last = { series: points.slice(1), region: { code: 'AM02', name: 'Friesland' }, note: undefined };

    expect(jsonBytes(all).toString()).toBe(JSON.stringify(all));
    expect(jsonBytes(last).toString()).toBe(JSON.stringify(last));
    expect(jsonBytes({ series: [...points].reverse() }).toString()).toBe(JSON.stringify({ series: [...points].reverse() }));
    expect(jsonBytes([points[0]]).toString()).toBe(JSON.stringify([points[0]]));
  });
});
