import type { Kysely } from 'kysely';
import type { NewUpload } from '../domain/ports';
import type { Touched } from '../domain/staleness';
import type { Executor, Statement } from './prepared';
import type { Schema } from './schema';
import type { Dialect } from './migrations/migrations';

/**
 * Gemeente rows an import holds in memory before it writes them to the staging tables (on PostgreSQL in one
 * statement): memory bounded by this (plus one region's table) whatever the file's size; an import that
 * never passed it (every JSON upload) is written straight into the figures (EngineStaging.held).
 */
export const STAGING_BATCH_ROWS = 2000;

/**
 * What differs between SQLite and PostgreSQL beneath the one set of queries (figures-store.ts): how a write
 * takes its turn and tells others of it, how uploads are set aside while a file is read, how another
 * process's commits are noticed, and which errors mean the database cannot be reached.
 */
export interface Engine {
  readonly dialect: Dialect;
  /** Builds and compiles the queries (and runs the migrations at start-up). */
  readonly db: Kysely<Schema>;
  /** Runs a statement on its own: a read, or a write to the staging tables. */
  readonly reads: Executor;
  /**
   * Runs `body` in one write transaction that holds the write lock from its start (so that instants taken
   * inside follow commit order), then the `closing` statements it gives, and, when `body` says it changed
   * something, tells other processes so, with the regions and periods it `touched` when it says so.
   * PostgreSQL sends the closing statements with the COMMIT, in one round trip, as it does a batch
   * (Executor.batch): every round trip inside the lock waits for an event loop that is also serving reads.
   */
  write<T>(body: (db: Executor) => Promise<WriteOutcome<T>>): Promise<T>;
  /**
   * Runs `body` in one transaction that changes no figures: all of it commits or none. PostgreSQL takes only
   * the row locks its statements take (not the figures' write lock, so that it never waits for an upload);
   * SQLite takes its turn as every write does on its one connection. Not `durable`: it commits without
   * waiting for the disk, so a crash of the machine (not only of the process) may lose it, whole; for what a
   * crash makes happen again anyway, such as a delivery's lease or outcome (SQLite: without an fsync on the
   * event loop the uploads share).
   */
  transaction<T>(body: (db: Executor) => Promise<T>, options?: { durable?: boolean }): Promise<T>;
  /** A new import's staging: uploads set aside in the staging tables under one import id. */
  stage(): EngineStaging;
  /**
   * An engine's own write of held uploads into the figures, inside the write (PostgreSQL: one statement,
   * where a statement per row would be a round trip each); without it the store writes them a row at a time.
   */
  writeHeld?(db: Executor, uploads: NewUpload[], at: string): Promise<StagedUpload[]>;
  /** A driver's error as the domain sees it: a database out of reach becomes 'unavailable'; others stay as they are. */
  failed(error: unknown): never;
  externalChanges(): number;
  /** What other processes' commits touched, as far as the engine learnt it (FiguresStore.foreignChanges). */
  foreignChanges(): Touched[][];
  isAvailable(): boolean;
  close(): Promise<void>;
}

export interface WriteOutcome<T> {
  result: T;
  changed: boolean;
  /** The regions and periods a change wrote, for other processes to forget only what depends on them. */
  touched?: Touched[];
  /** Statements to run last, in order, whose outcomes the write does not need. */
  closing?: ReadonlyArray<Statement<unknown>>;
}

export interface EngineStaging {
  add(upload: NewUpload): Promise<void>;
  /** Writes what is still held in memory; the import's id and how many uploads it staged (none: undefined). */
  flush(): Promise<{ importId: number | string; count: number } | undefined>;
  /** The import's id once anything of it is in the staging tables. */
  stagedAs(): number | string | undefined;
  /**
   * While no upload of the import has left memory: its uploads, to be written straight into the figures
   * inside the write, without the staging tables; undefined once anything is staged, or when nothing was added.
   */
  held(): NewUpload[] | undefined;
}

/** A staged upload as a commit reads it back: its place in the import, its columns, and the ids' base (ids are base + seq). */
export interface StagedUpload {
  seq: number; region_code: string; period: string; register_total: number | null; uploaded_by: string; source: string;
  gemeente_count: number; base: number;
}
