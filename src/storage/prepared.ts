import { CompiledQuery, type Compilable, type Kysely, type QueryResult, type RawBuilder } from 'kysely';
import type { Schema } from './schema';

/** Where a prepared query runs: the store's Kysely, or one connection of it inside a write. */
export type Executor = Kysely<Schema>;

/**
 * A query built with Kysely once and compiled once, then run with new arguments: Kysely would otherwise
 * build and compile the same query on every call, which costs as much as a short read itself. The query is
 * built with a marker for each argument; compiling it tells in which places of the SQL each one goes.
 */
export interface Prepared<A, R> {
  run(executor: Executor, args: A): Promise<QueryResult<R>>;
  rows(executor: Executor, args: A): Promise<R[]>;
}

const MARK = '\u0000arg:';

export function prepare<A extends object, R>(db: Kysely<Schema>, build: (db: Kysely<Schema>, args: A) => Compilable<R> | RawBuilder<R>): Prepared<A, R> {
  let compiled: { sql: string; places: Array<{ name: string } | { value: unknown }> } | undefined;
  const compile = () => {
    const markers = new Proxy({}, { get: (_target, name) => `${MARK}${String(name)}` }) as A;
    const built = build(db, markers);
    const query = 'isRawBuilder' in built ? built.compile(db) : built.compile();
    const places = query.parameters.map((p) => (typeof p === 'string' && p.startsWith(MARK) ? { name: p.slice(MARK.length) } : { value: p }));
    return { sql: query.sql, places };
  };
  const run = (executor: Executor, args: A): Promise<QueryResult<R>> => {
    compiled ??= compile();
    const values = compiled.places.map((p) => ('name' in p ? (args as Record<string, unknown>)[p.name] : p.value));
    return executor.executeQuery(CompiledQuery.raw(compiled.sql, values)) as Promise<QueryResult<R>>;
  };
  return { run, rows: async (executor, args) => (await run(executor, args)).rows };
}
