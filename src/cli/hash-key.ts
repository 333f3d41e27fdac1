import { randomBytes } from 'node:crypto';
import { parseApiKeys } from '../api-keys';

/** 32 random bytes, URL-safe: 43 characters, far past the 16 a secret needs. */
export const newSecret = (): string => randomBytes(32).toString('base64url');

/** The API_KEYS entry that holds only the secret's SHA-256 digest, with the regions the key may write. */
export function hashedEntry(name: string, secret: string, regions: readonly string[] = []): string {
  const hex = parseApiKeys(`${name}:${secret}`).entries[0]?.digest.toString('hex');
  if (hex === undefined) throw new Error(`"${name}" is no key name (letters, digits, _ . -)`);
  return `${name}:sha256:${hex}${regions.length ? `:${regions.join('+')}` : ''}`;
}

const USAGE = `Usage: npm run hash-key -- NAME [AM05 AM14 …]
  Prints a new random secret (give it to the client, as its X-API-Key) and the API_KEYS entry that holds
  only its SHA-256 digest, limited to the regions given (none: every region). Add the entry beside an old
  one of the same name to rotate without downtime; remove the old one when the client has switched.`;

/** The command: prints the secret and the entry, or the usage (exit code 2). */
export function hashKeyCommand(argv: readonly string[], out: { log(line: string): void; error(line: string): void }): number {
  const [name, ...regions] = argv;
  const problems = name ? parseApiKeys(`${name}:${'x'.repeat(16)}${regions.length ? `:${regions.join('+')}` : ''}`).problems : ['no name'];
  if (!name || name.startsWith('-') || problems.length > 0 || regions.some((r) => !/^AM[0-9]{2}$/.test(r))) {
    out.error(USAGE);
    return 2;
  }
  const secret = newSecret();
  out.log(`secret (for the client's X-API-Key header; shown once): ${secret}`);
  out.log(`API_KEYS entry: ${hashedEntry(name, secret, regions)}`);
  return 0;
}

if (require.main === module) process.exit(hashKeyCommand(process.argv.slice(2), console));
