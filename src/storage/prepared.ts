import type { Compilable, Kysely, RawBuilder } from 'kysely';
import type { Schema } from './schema';

/**
 * Where compiled SQL runs: the engine's own connection(s), not Kysely's executor, whose per-query work
 * (connection hand-over, query ids, result transformation) costs as much as a short read itself. Kysely
 * builds and compiles every query; each engine runs them as its driver does best (engine.ts).
 */
export interface Executor {
  query<R>(sql: string, parameters: readonly unknown[]): Promise<Outcome<R>>;
  /**
   * Runs `statements` in order, each seeing what the ones before it wrote; their outcomes in that order. An
   * engine may send them at once (PostgreSQL inside a transaction: one round trip, postgres-engine.ts).
   */
  batch<S extends ReadonlyArray<Statement<unknown>> | []>(statements: S): Promise<{ -readonly [K in keyof S]: Outcome<RowOf<S[K]>> }>;
}

export interface Outcome<R> { rows: R[]; affected: number }

/** A compiled statement with its arguments in place, to be run in a batch; `R` is its row. */
export interface Statement<R> { readonly sql: string; readonly parameters: readonly unknown[]; readonly row?: R }
export type RowOf<S> = S extends Statement<infer R> ? R : never;

/** An executor that runs a batch one statement after another. */
export function oneByOne(query: Executor['query']): Executor {
  return {
    query,
    batch: (async (statements: ReadonlyArray<Statement<unknown>>) => {
      const outcomes: Array<Outcome<unknown>> = [];
      for (const s of statements) outcomes.push(await query(s.sql, s.parameters));
      return outcomes;
    }) as Executor['batch'],
  };
}

/**
 * A query built with Kysely once and compiled once, then run with new arguments. It is built with a marker
 * for each argument; compiling it tells in which places of the SQL each one goes.
 */
export interface Prepared<A, R> {
  run(executor: Executor, args: A): Promise<Outcome<R>>;
  rows(executor: Executor, args: A): Promise<R[]>;
  /** The statement with `args`, for Executor.batch or a write's closing statements (engine.ts). */
  with(args: A): Statement<R>;
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
  const withArgs = (args: A): Statement<R> => {
    compiled ??= compile();
    return { sql: compiled.sql, parameters: compiled.places.map((p) => ('name' in p ? (args as Record<string, unknown>)[p.name] : p.value)) };
  };
  const run = (executor: Executor, args: A) => {
    const { sql, parameters } = withArgs(args);
    return executor.query<R>(sql, parameters);
  };
  return { run, rows: async (executor, args) => (await run(executor, args)).rows, with: withArgs };
}
