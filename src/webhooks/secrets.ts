import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { SecretKeeper } from '../domain/subscriptions';

const SEALED = /^v1\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]+)$/;

/**
 * Signing secrets in the Standard Webhooks form (`whsec_` and 24 random bytes in base64), stored sealed with
 * AES-256-GCM under a key derived (HKDF-SHA256) from WEBHOOK_SECRETS_KEY: a dump of the database shows no
 * secret, and a sealed secret altered in the database fails to open instead of signing with garbage.
 */
export function secretKeeper(configuredKey: string): SecretKeeper {
  const key = Buffer.from(hkdfSync('sha256', configuredKey, 'sonar-transparency', 'webhook signing secrets v1', 32));
  return {
    newSecret: () => `whsec_${randomBytes(24).toString('base64')}`,
    seal(secret) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return `v1.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${sealed.toString('base64url')}`;
    },
    open(sealed) {
      const parts = SEALED.exec(sealed);
      if (!parts) throw new Error('A stored webhook secret is not in the sealed form');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(parts[1], 'base64url'));
      decipher.setAuthTag(Buffer.from(parts[2], 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(parts[3], 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
