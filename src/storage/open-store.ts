import type { Logger } from 'pino';
import { Config } from '../config';
import { FiguresStore } from '../domain/ports';
import { databaseForLogs, openPostgresStore } from './postgres/open-postgres';
import { openSqliteStore } from './sqlite/sqlite-engine';

/**
 * The one place that turns configuration into a store: migrated, with its reference data loaded, ready to
 * serve: PostgreSQL when DATABASE_URL is set (several instances may share it), else the SQLite file at
 * DATABASE_PATH.
 */
export async function openStore(config: Config, logger: Logger): Promise<FiguresStore> {
  if (config.DATABASE_URL) {
    const store = await openPostgresStore(config, logger);
    logger.debug({ database: databaseForLogs(config) }, 'store opened');
    return store;
  }
  const store = await openSqliteStore(config.DATABASE_PATH);
  logger.debug({ database: config.DATABASE_PATH }, 'store opened');
  return store;
}
