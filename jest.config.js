/**
 * Tests run against the real app, the real generated tsoa routes and a real store per test file: every file
 * on SQLite, and the store-agnostic suites (API, tables, exports, writes) once more on PostgreSQL. The store
 * contract suite runs on both by itself.
 */
const common = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testTimeout: 30000,
};

/** Suites that exercise the service through its port only, whatever store is under it. */
const STORE_AGNOSTIC = ['api', 'tables', 'exports', 'writes', 'events'].map((folder) => `<rootDir>/test/${folder}/**/*.test.ts`);

module.exports = {
  testTimeout: 30000,
  // One throwaway PostgreSQL cluster for the run; each test file that needs it copies a database of its own.
  globalSetup: '<rootDir>/test/support/postgres-global-setup.ts',
  globalTeardown: '<rootDir>/test/support/postgres-global-teardown.ts',
  projects: [
    { ...common, displayName: 'sqlite', testMatch: ['**/*.test.ts'] },
    { ...common, displayName: 'postgres', testMatch: STORE_AGNOSTIC, setupFiles: ['<rootDir>/test/support/on-postgres.ts'] },
  ],
};
