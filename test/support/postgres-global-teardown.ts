/** Jest's global tear-down: stops the run's pgbouncer, then stops and removes its PostgreSQL cluster. */
import type { Pgbouncer } from './pgbouncer';
import type { Cluster } from './postgres-cluster';

export default async function tearDown(): Promise<void> {
  const run = globalThis as { sonarTestCluster?: Cluster; sonarTestPgbouncer?: Pgbouncer };
  try {
    await run.sonarTestPgbouncer?.stop();
  } finally {
    run.sonarTestPgbouncer = undefined;
    run.sonarTestCluster?.remove();
    run.sonarTestCluster = undefined;
  }
}
