import { createHash } from 'node:crypto';

/**
 * One `API_KEYS` entry: a key's name, the SHA-256 digest of its secret, and the regions it may write
 * (null: every region). A name may appear in several entries, one per secret, so that a secret can be
 * replaced without downtime: both work until the old entry is removed.
 */
export interface ApiKeyEntry {
  name: string;
  digest: Buffer;
  regions: readonly string[] | null;
}

const NAME = /^[A-Za-z0-9_.-]+$/;
const REGIONS = /^AM[0-9]{2}(\+AM[0-9]{2})*$/;
const HASHED = /^sha256:([0-9a-f]{64})$/;
export const MIN_SECRET_LENGTH = 16;

export const secretDigest = (secret: string): Buffer => createHash('sha256').update(secret).digest();

/**
 * Reads `name:secret`, `name:secret:AM05+AM14`, `name:sha256:<hex>` or `name:sha256:<hex>:AM05`, entries
 * separated by commas. A plain secret may hold colons; a last part that is a list of region codes is read
 * as the regions. Returns the entries, or one message per bad entry (never quoting a secret).
 */
export function parseApiKeys(value: string): { entries: ApiKeyEntry[]; problems: string[] } {
  const entries: ApiKeyEntry[] = [];
  const problems: string[] = [];
  value.split(',').map((e) => e.trim()).filter(Boolean).forEach((entry, index) => {
    const colon = entry.indexOf(':');
    const name = entry.slice(0, colon);
    if (colon < 1 || !NAME.test(name)) {
      problems.push(`entry ${index + 1} must be written name:secret[:regions], the name of letters, digits, _ . -`);
      return;
    }
    let rest = entry.slice(colon + 1);
    let regions: string[] | null = null;
    const last = rest.lastIndexOf(':');
    if (last >= 0 && REGIONS.test(rest.slice(last + 1))) {
      regions = rest.slice(last + 1).split('+');
      rest = rest.slice(0, last);
    }
    const hashed = HASHED.exec(rest);
    if (!hashed && rest.startsWith('sha256:')) {
      problems.push(`key "${name}": a hashed secret is written sha256: and 64 lowercase hex digits (npm run hash-key prints one)`);
      return;
    }
    if (!hashed && rest.length < MIN_SECRET_LENGTH) {
      problems.push(`the secret of key "${name}" must be at least ${MIN_SECRET_LENGTH} characters`);
      return;
    }
    const digest = hashed ? Buffer.from(hashed[1], 'hex') : secretDigest(rest);
    if (entries.some((e) => e.digest.equals(digest))) {
      problems.push(`key "${name}" repeats a secret`);
      return;
    }
    const sameName = entries.find((e) => e.name === name);
    if (sameName && String(sameName.regions) !== String(regions)) {
      problems.push(`key "${name}" is given with different regions; every secret of one name writes the same regions`);
      return;
    }
    entries.push({ name, digest, regions });
  });
  return { entries, problems };
}
