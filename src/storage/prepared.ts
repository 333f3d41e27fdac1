import type { Compilable, Kysely, RawBuilder } from 'kysely';
import type { Schema } from './schema';

/**
 * Where compiled SQL runs: the engine's own connection(s), not Kysely's executor, whose per-query work
 * (connection hand-over, query ids, result transformation) costs as much as a short read itself. Kysely
 * builds and compiles every query; each engine runs them as its driver does best (engine.ts).
 */
export interface Executor {
  query<R>(sql: string, parameters: readonly unknown[]): Promise<{ rows: R[]; affected: number }>;
}

/**
 * A query built with Kysely once and compiled once, then run with new arguments. It is built with a marker
 * for each argument; compiling it tells in which places of the SQL each one goes.
 */
export interface Prepared<A, R> {
  run(executor: Executor, args: A): Promise<{ rows: R[]; affected: number }>;
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
  const run = (executor: Executor, args: A) => {
    compiled ??= compile();
    const values = compiled.places.map((p) => ('name' in p ? (args as Record<string, unknown>)[p.name] : p.value));
    return executor.query<R>(compiled.sql, values);
  };
  return { run, rows: async (executor, args) => (await run(executor, args)).rows };
}
