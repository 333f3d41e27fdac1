/**
 * Jest's global set-up: one throwaway PostgreSQL cluster for the whole run, with a migrated template from
 * which every test file copies a database of its own, and a pgbouncer in transaction mode in front of it.
 * Their ports reach the test workers through the environment (they start after this); the global
 * tear-down removes both.
 */
import { Pgbouncer, startPgbouncer } from './pgbouncer';
import { Cluster, startCluster } from './postgres-cluster';
import { CLUSTER_PORT_VARIABLE, createTemplate, PGBOUNCER_PORT_VARIABLE } from './postgres-database';

export default async function setUp(): Promise<void> {
  const run = globalThis as { sonarTestCluster?: Cluster; sonarTestPgbouncer?: Pgbouncer };
  const cluster = await startCluster();
  run.sonarTestCluster = cluster;
  try {
    await createTemplate(cluster.port);
    run.sonarTestPgbouncer = await startPgbouncer(cluster.port);
  } catch (error) {
    cluster.remove();
    throw error;
  }
  process.env[CLUSTER_PORT_VARIABLE] = String(cluster.port);
  process.env[PGBOUNCER_PORT_VARIABLE] = String(run.sonarTestPgbouncer.port);
}
