import type { Logger } from 'pino';
import { Config } from '../../config';
import { sharesServerSessions } from './pool-mode';
import { FiguresDatabase } from '../figures-store';
import { openPostgres } from './postgres-engine';

/**
 * The PostgreSQL store of DATABASE_URL, migrated and listening for other instances' commits. A pooler in
 * transaction mode taken for a session stops start-up: its named statements would fail at random later.
 */
export async function openPostgresStore(config: Pick<Config, 'DATABASE_URL' | 'DATABASE_VERSION_CHECK_MS' | 'DATABASE_POOL_MODE'>, logger?: Logger): Promise<FiguresDatabase> {
  if (!config.DATABASE_URL) throw new Error('DATABASE_URL is not set');
  if (config.DATABASE_POOL_MODE === 'session' && await sharesServerSessions({ connectionString: config.DATABASE_URL, connectionTimeoutMillis: 2000 })) {
    throw new Error('DATABASE_URL leads to a pooler in transaction mode (its connections share server sessions): set DATABASE_POOL_MODE=transaction');
  }
  return openPostgres(config.DATABASE_URL, { logger, versionCheckMs: config.DATABASE_VERSION_CHECK_MS, poolMode: config.DATABASE_POOL_MODE });
}

/** The database as logs may name it: a PostgreSQL URL without its password. */
export function databaseForLogs(config: Pick<Config, 'DATABASE_URL' | 'DATABASE_PATH'>): string {
  if (!config.DATABASE_URL) return config.DATABASE_PATH;
  try {
    const url = new URL(config.DATABASE_URL);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'postgres://…';
  }
}
