/**
 * A fresh PostgreSQL database per test file, copied from a migrated template (CREATE DATABASE … TEMPLATE is
 * a file copy, much faster than migrating and loading the reference data again). The cluster is the one
 * jest's global set-up started (its URL in SONAR_TEST_POSTGRES_PORT); without it, this process starts its
 * own for its lifetime.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { PostgresStore } from '../../src/storage/postgres/postgres-store';
import { Cluster, startCluster } from './postgres-cluster';

export const TEMPLATE_DATABASE = 'sonar_template';
export const CLUSTER_PORT_VARIABLE = 'SONAR_TEST_POSTGRES_PORT';

const urlOn = (port: string | number, database: string) => `postgres://postgres@127.0.0.1:${port}/${database}`;

/** Creates the migrated template in a running cluster; done once, by the global set-up or the first file. */
export async function createTemplate(port: number): Promise<void> {
  await admin(port, (client) => client.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`));
  const store = await PostgresStore.open(urlOn(port, TEMPLATE_DATABASE));
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

let own: Promise<Cluster> | undefined;

/** The port of the cluster the tests use: the global one, or one started for this process. */
export async function clusterPort(): Promise<number> {
  const given = process.env[CLUSTER_PORT_VARIABLE];
  if (given) return Number(given);
  own ??= (async () => {
    const cluster = await startCluster();
    process.once('exit', () => cluster.remove());
    await createTemplate(cluster.port);
    return cluster;
  })();
  return (await own).port;
}

export interface TestDatabase {
  url: string;
  name: string;
  /** Drops the database, ending whatever connections are still open to it. */
  drop(): Promise<void>;
}

export async function freshDatabase(): Promise<TestDatabase> {
  const port = await clusterPort();
  const name = `sonar_${randomBytes(6).toString('hex')}`;
  await admin(port, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`));
  return {
    url: urlOn(port, name),
    name,
    drop: () => admin(port, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
