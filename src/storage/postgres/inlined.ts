import { escapeLiteral } from 'pg';
import type { Statement } from '../prepared';

/**
 * An argument as a literal: quoted and untyped, as pg would send it as a parameter, so that the server
 * gives it the type its place in the statement asks for, as it does a parameter's.
 */
function literal(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (Array.isArray(value)) return escapeLiteral(`{${value.map(element).join(',')}}`);
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return escapeLiteral(String(value));
  throw new TypeError(`No literal is written for an argument of type ${typeof value}`);
}

/** An element of an array literal: quoted, with its backslashes and double quotes escaped. */
function element(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `"${String(value).replace(/[\\"]/g, '\\$&')}"`;
  throw new TypeError(`No array literal is written for an element of type ${typeof value}`);
}

/** A quoted string or identifier (left as it is), or a placeholder `$n`. */
const PLACES = /'(?:[^']|'')*'|"(?:[^"]|"")*"|\$(\d+)/g;

/**
 * The statement's text with its arguments written in as literals: the simple query protocol, which alone
 * takes several statements in one round trip, takes no parameters. Placeholders are `$1`, `$2`, … as Kysely
 * compiles them; every one must be filled, and every argument placed.
 */
export function inlined(statement: Statement<unknown>): string {
  const { sql, parameters } = statement;
  const placed = new Set<number>();
  const text = sql.replace(PLACES, (found: string, n: string | undefined) => {
    if (n === undefined) return found;
    placed.add(Number(n));
    if (Number(n) > parameters.length) throw new TypeError(`The statement has a placeholder $${n} for ${parameters.length} arguments`);
    return literal(parameters[Number(n) - 1]);
  });
  if (placed.size !== parameters.length) throw new TypeError(`The statement places ${placed.size} of its ${parameters.length} arguments`);
  return text;
}
