import pino, { type Logger } from 'pino';
import { Config } from './config';

/** JSON lines on stdout. Request lines hold method, URL, status and duration, never headers, so never a key. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino(
    {
      level: config.LOG_LEVEL,
      base: { service: 'sonar-transparency' },
    },
    // Written in the background rather than one write per line; pino flushes it when the process exits.
    pino.destination({ dest: 1, sync: false }),
  );
}
