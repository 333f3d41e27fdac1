/** Jest's global tear-down: stops and removes the run's PostgreSQL cluster. */
import type { Cluster } from './postgres-cluster';

export default function tearDown(): void {
  const run = globalThis as { sonarTestCluster?: Cluster };
  run.sonarTestCluster?.remove();
  run.sonarTestCluster = undefined;
}
