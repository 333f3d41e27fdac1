/**
 * Frozen views: an object frozen with everything in it never changes, so what is derived from it (its JSON,
 * exports/json.ts) may be kept for as long as the object lives.
 */
export function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
