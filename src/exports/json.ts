/**
 * JSON of a view, byte for byte what JSON.stringify gives, with each deeply frozen object in a list of the
 * view written once and its bytes kept while it lives (domain/frozen.ts): a series of 160 points of which
 * one changed is then one point serialized and a join, not 160 points serialized for every answer.
 */
import { isDeeplyFrozen } from '../domain/frozen';

const written = new WeakMap<object, Buffer>();

const isPlain = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype && !('toJSON' in value);

const hasFrozenItems = (value: unknown): value is object[] => Array.isArray(value) && value.length > 0 && value.every(isDeeplyFrozen);

function itemBytes(item: object): Buffer {
  let bytes = written.get(item);
  if (!bytes) {
    bytes = Buffer.from(JSON.stringify(item) ?? 'null'); // as in a list, where a toJSON giving undefined writes null
    written.set(item, bytes);
  }
  return bytes;
}

const COMMA = Buffer.from(',');

export function jsonBytes(view: unknown): Buffer {
  if (!isPlain(view) || !Object.values(view).some(hasFrozenItems)) return Buffer.from(JSON.stringify(view));
  const parts: Buffer[] = [];
  let text = '{'; // written since the last list of frozen items
  let first = true;
  for (const [key, value] of Object.entries(view)) {
    const frozen = hasFrozenItems(value);
    const json: string | undefined = frozen ? '[' : JSON.stringify(value);
    if (json === undefined) continue; // left out, as JSON.stringify leaves out undefined and functions
    text += `${first ? '' : ','}${JSON.stringify(key)}:${json}`;
    first = false;
    if (!frozen) continue;
    parts.push(Buffer.from(text));
    value.forEach((item, i) => {
      if (i > 0) parts.push(COMMA);
      parts.push(itemBytes(item));
    });
    text = ']';
  }
  parts.push(Buffer.from(`${text}}`));
  return Buffer.concat(parts);
}
