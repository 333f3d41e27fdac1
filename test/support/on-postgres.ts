/**
 * Jest set-up file of the `postgres` project: the store-agnostic suites run on PostgreSQL (see stores.ts);
 * `TEST_STORE=pgbouncer npx jest --selectProjects postgres` runs them through pgbouncer in transaction mode.
 */
if (process.env.TEST_STORE !== 'pgbouncer') process.env.TEST_STORE = 'postgres';
