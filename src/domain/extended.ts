/**
 * `{ ...base, ...more }` for plain data objects, the same keys in the same order, built without V8's slow
 * path: on Node 20 an object literal that begins with a spread, and any property added to such a copy, goes
 * through the runtime, about a microsecond per property after the spread (v8:11536,
 * https://bugs.chromium.org/p/v8/issues/detail?id=11536). Made once per uploaded row, such a literal was
 * about a seventh of a table import's CPU. test/unit/spread-first.test.ts keeps such literals out of src.
 * Unlike a spread, an own `__proto__` key (as JSON.parse makes one) would set the copy's prototype, and
 * `more` is not checked for excess properties: add `satisfies` where a misspelt key would pass silently.
 */

/** What `{ ...base, ...more }` is typed as: `more`'s keys replace `base`'s, for each member of a union. */
export type Extended<T, U> = T extends unknown ? Omit<T, keyof U> & U : never;

export const extended = <T extends object, U extends object>(base: T, more: U): Extended<T, U> => Object.assign({}, base, more) as unknown as Extended<T, U>;
