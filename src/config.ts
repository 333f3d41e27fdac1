import path from 'node:path';
import { z } from 'zod';
import { parseApiKeys } from './api-keys';
import { PROJECT_ROOT } from './paths';

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
  /** Where the service is reached from outside: the base of every IRI in the catalogue (/v1/catalog). */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, '')).default('http://localhost:3000'),
  CATALOG_PUBLISHER_NAME: z.string().min(1).default('UWV'),
  /** The publisher's IRI, preferably its TOOI URI (identifier.overheid.nl); without one, an IRI in the catalogue itself. */
  CATALOG_PUBLISHER_URI: z.url().optional(),
  CATALOG_CONTACT_NAME: z.string().min(1).default('Sonar-transparantieservice'),
  /** A placeholder by default: set the real address before a portal harvests the catalogue. */
  CATALOG_CONTACT_EMAIL: z.email().default('opendata@example.org'),
  /** A licence from the EU licence code list (publications.europa.eu/resource/authority/licence). */
  CATALOG_LICENCE: z.url().default('http://publications.europa.eu/resource/authority/licence/CC0'),
});

export type Config = z.output<typeof schema>;

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
  return { ...config, DATABASE_PATH: file === ':memory:' ? file : path.resolve(PROJECT_ROOT, file) };
}
