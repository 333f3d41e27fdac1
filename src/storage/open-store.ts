import type { Logger } from 'pino';
import { Config } from '../config';
import { FiguresStore } from '../domain/ports';
import { openDatabase } from './database';
import { SqliteStore } from './sqlite-store';

/**
 * The one place that turns configuration into a store: migrated, with its reference data loaded, ready to
 * serve. Today the SQLite file at DATABASE_PATH.
 */
export async function openStore(config: Config, logger: Logger): Promise<FiguresStore> {
  const store = new SqliteStore(openDatabase(config.DATABASE_PATH));
  logger.debug({ database: config.DATABASE_PATH }, 'store opened');
  return store;
}
