/**
 * Jest's global set-up: one throwaway PostgreSQL cluster for the whole run, with a migrated template from
 * which every test file copies a database of its own. Its port reaches the test workers through the
 * environment (they start after this); the global tear-down removes it.
 */
import { Cluster, startCluster } from './postgres-cluster';
import { CLUSTER_PORT_VARIABLE, createTemplate } from './postgres-database';

export default async function setUp(): Promise<void> {
  const cluster = await startCluster();
  (globalThis as { sonarTestCluster?: Cluster }).sonarTestCluster = cluster;
  try {
    await createTemplate(cluster.port);
  } catch (error) {
    cluster.remove();
    throw error;
  }
  process.env[CLUSTER_PORT_VARIABLE] = String(cluster.port);
}
