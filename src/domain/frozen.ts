/**
 * Deeply frozen views: an object frozen with everything in it never changes, so what is derived from it
 * (its JSON, exports/json.ts) may be kept for as long as the object lives. Object.isFrozen says only that
 * the object itself is frozen, so the deeply frozen ones are known by name.
 */
const deeplyFrozen = new WeakSet<object>();

export function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null && !deeplyFrozen.has(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
    deeplyFrozen.add(value);
  }
  return value;
}

export const isDeeplyFrozen = (value: unknown): value is object => typeof value === 'object' && value !== null && deeplyFrozen.has(value);
