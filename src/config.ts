import path from 'node:path';
import { z } from 'zod';
import { parseApiKeys } from './api-keys';
import { PROJECT_ROOT } from './paths';
import { extended } from './domain/extended';

/** Key entries (see api-keys.ts); the name is recorded on each upload, the secret is never logged or stored. */
const apiKeys = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const { entries, problems } = parseApiKeys(value);
    for (const message of problems) ctx.addIssue({ code: 'custom', message });
    return entries;
  });

const BYTE_UNITS: Readonly<Record<string, number>> = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

/** "200mb" → bytes. */
const byteSize = z
  .string()
  .regex(/^\d+(b|kb|mb|gb)?$/i, 'must be a size such as 1mb or 512kb')
  .transform((text) => {
    const [, digits, unit = 'b'] = /^(\d+)(b|kb|mb|gb)?$/i.exec(text) as RegExpExecArray;
    return Number(digits) * BYTE_UNITS[unit.toLowerCase()];
  });

const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "5s,30s,2m,1h" → milliseconds, each at least 1 ms. */
const durations = z
  .string()
  .regex(/^\s*\d+(ms|s|m|h|d)\s*(,\s*\d+(ms|s|m|h|d)\s*)*$/, 'must be durations such as 5s,30s,2m,1h separated by commas')
  .transform((text) => text.split(',').map((part) => {
    const [, digits, unit] = /(\d+)(ms|s|m|h|d)/.exec(part) as RegExpExecArray;
    return Number(digits) * DURATION_UNITS[unit];
  }));

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_PATH: z.string().min(1).default('data/sonar.db'),
  /** When set, the figures live in this PostgreSQL database (shared by several instances) instead of DATABASE_PATH. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL').optional(),
  /** How often each instance compares the database's version: heartbeat, and fallback for a lost notification. */
  DATABASE_VERSION_CHECK_MS: z.coerce.number().int().min(50).default(1000),
  /** `transaction` when DATABASE_URL is a pooler in transaction mode (pgbouncer): see storage/postgres/pool-mode.ts. */
  DATABASE_POOL_MODE: z.enum(['session', 'transaction']).default('session'),
  API_KEYS: apiKeys,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  JSON_BODY_LIMIT: byteSize.prefault('256kb'),
  TABLE_BODY_LIMIT: byteSize.prefault('20mb'),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  TRUST_PROXY: z.stringbool().default(false),
  RATE_LIMIT: z.stringbool().default(true),
  RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1000).default(60_000),
  RATE_LIMIT_WRITES: z.coerce.number().int().min(1).default(60),
  RATE_LIMIT_READS: z.coerce.number().int().min(1).default(6000),
  /**
   * Where clients reach the service from outside (default http://localhost:$PORT): the base of every IRI in
   * the catalogue (/v1/catalog), and of the events' `source` and `dataref`.
   */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  CATALOG_PUBLISHER_NAME: z.string().min(1).default('UWV'),
  /** The publisher's IRI, preferably its TOOI URI (identifier.overheid.nl); without one, an IRI in the catalogue itself. */
  CATALOG_PUBLISHER_URI: z.url().optional(),
  CATALOG_CONTACT_NAME: z.string().min(1).default('Sonar-transparantieservice'),
  /** A placeholder by default: set the real address before a portal harvests the catalogue. */
  CATALOG_CONTACT_EMAIL: z.email().default('opendata@example.org'),
  /** A licence from the EU licence code list (publications.europa.eu/resource/authority/licence). */
  CATALOG_LICENCE: z.url().default('http://publications.europa.eu/resource/authority/licence/CC0'),
  EVENT_RETENTION_DAYS: z.coerce.number().int().min(1).default(90),
  /** Webhook signing secrets are stored encrypted with a key derived from this; without it, subscribing is refused. */
  WEBHOOK_SECRETS_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** Tests and local development only: callbacks over http and to loopback and private addresses. */
  WEBHOOK_ALLOW_PRIVATE_URLS: z.stringbool().default(false),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** The waits before each retry; after the last, the delivery has failed. Each gets up to 20% jitter either way; the default spans over 24 hours even at -20%. */
  WEBHOOK_RETRY_SCHEDULE: durations.prefault('5s,30s,2m,10m,30m,1h,2h,4h,8h,16h'),
  WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).default(5),
  /** How long an instance holds a delivery it attempts; one killed meanwhile leaves it to another after this. */
  WEBHOOK_LEASE_MS: z.coerce.number().int().min(1000).default(60_000),
  WEBHOOK_POLL_MS: z.coerce.number().int().min(10).default(500),
  /** false: this instance delivers nothing (others sharing the database do). */
  WEBHOOK_DELIVERY: z.stringbool().default(true),
}).refine((c) => c.WEBHOOK_LEASE_MS > c.WEBHOOK_TIMEOUT_MS, { path: ['WEBHOOK_LEASE_MS'], message: 'must be longer than WEBHOOK_TIMEOUT_MS' });

export type Config = Omit<z.output<typeof schema>, 'PUBLIC_BASE_URL'> & { PUBLIC_BASE_URL: string };

/** Parses the environment once, at start-up; throws one message listing every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // `PORT=` in a .env file means "not set", not port 0.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const result = schema.safeParse(given);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(environment)'}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const config = result.data;
  const file = config.DATABASE_PATH;
  const publicUrl = (config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`).replace(/\/+$/, '');
  return extended(config, { PUBLIC_BASE_URL: publicUrl, DATABASE_PATH: file === ':memory:' ? file : path.resolve(PROJECT_ROOT, file) });
}
