import pino, { type Logger } from 'pino';
import { Config } from './config';

/** JSON lines on stdout; the API key header is redacted wherever a request is logged. */
export function createLogger(config: Pick<Config, 'LOG_LEVEL'>): Logger {
  return pino({
    level: config.LOG_LEVEL,
    base: { service: 'sonar-transparency' },
    redact: { paths: ['req.headers["x-api-key"]', 'req.headers.authorization', 'req.headers.cookie'], censor: '[redacted]' },
  });
}
