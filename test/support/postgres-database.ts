/**
 * A fresh PostgreSQL database per test file, copied from a migrated template (CREATE DATABASE … TEMPLATE is
 * a file copy, much faster than migrating and loading the reference data again), in the cluster jest's
 * global set-up started (its port in SONAR_TEST_POSTGRES_PORT).
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openPostgres } from '../../src/storage/postgres/postgres-engine';

export const TEMPLATE_DATABASE = 'sonar_template';
export const CLUSTER_PORT_VARIABLE = 'SONAR_TEST_POSTGRES_PORT';
/** The port of the run's pgbouncer (transaction mode) in front of the cluster. */
export const PGBOUNCER_PORT_VARIABLE = 'SONAR_TEST_PGBOUNCER_PORT';

const urlOn = (port: string | number, database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;

/** Creates the migrated template in a running cluster; done once, by the global set-up or the first file. */
export async function createTemplate(port: number): Promise<void> {
  await admin(port, (client) => client.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`));
  const store = await openPostgres(urlOn(port, TEMPLATE_DATABASE));
  await store.close();
}

async function admin<T>(port: string | number, body: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: urlOn(port, 'postgres') });
  await client.connect();
  try {
    return await body(client);
  } finally {
    await client.end();
  }
}

/** The port of the run's cluster, which jest's global set-up started. */
export function clusterPort(): number {
  const given = process.env[CLUSTER_PORT_VARIABLE];
  if (!given) throw new Error(`${CLUSTER_PORT_VARIABLE} is not set: run the tests through jest, whose global set-up starts the PostgreSQL cluster.`);
  return Number(given);
}

/** The port of the run's pgbouncer, which jest's global set-up started in front of the cluster. */
export function pgbouncerPort(): number {
  const given = process.env[PGBOUNCER_PORT_VARIABLE];
  if (!given) throw new Error(`${PGBOUNCER_PORT_VARIABLE} is not set: run the tests through jest, whose global set-up starts pgbouncer.`);
  return Number(given);
}

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database, ending whatever connections are still open to it. */
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  const port = clusterPort();
  const name = `sonar_${randomBytes(6).toString('hex')}`;
  await admin(port, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`));
  return {
    url: urlOn(port, name),
    name,
    drop: () => admin(port, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/** Every table uploads write, emptied between the tests of a file; ids start at 1 again. */
const WRITTEN_TABLES = 'uploads, upload_figures, upload_sums, current_uploads, national_sums, idempotency_keys, staged_uploads, staged_figures, events, subscriptions, deliveries';

const idle: TestDatabase[] = [];

/**
 * A database for one test's store: this file's own, emptied (TRUNCATE is far cheaper than creating one per
 * test), or a fresh copy when every database of this file is still in use. Jest loads this module once per
 * test file, so files never share one. `release` hands it back; the cluster's removal removes it.
 */
export async function borrowDatabase(): Promise<{ url: string; name: string; release(): void }> {
  const reused = idle.pop();
  let database: TestDatabase;
  if (reused) {
    const client = new Client({ connectionString: reused.url });
    await client.connect();
    try {
      // Events are numbered from 1 again: so are the deliveries written for them.
      await client.query(`TRUNCATE ${WRITTEN_TABLES} RESTART IDENTITY; UPDATE delivery_cursor SET seq = 0`);
    } finally {
      await client.end();
    }
    database = reused;
  } else {
    database = await freshDatabase();
  }
  let released = false;
  return {
    url: database.url,
    name: database.name,
    release: () => {
      if (released) return;
      released = true;
      idle.push(database);
    },
  };
}
