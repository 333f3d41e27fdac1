/** Jest set-up file of the `postgres` project: the store-agnostic suites run on PostgreSQL (see stores.ts). */
process.env.TEST_STORE = 'postgres';
