import type { Config } from '../config';
import type { EventSettings } from '../domain/service';
import { callbackCheck } from './callback-urls';
import { secretKeeper } from './secrets';

/** What the feed and the subscriptions take from the configuration. */
export function eventSettingsOf(config: Config): EventSettings {
  return {
    apiBase: `${config.PUBLIC_URL}/v1`,
    retentionMs: config.EVENT_RETENTION_DAYS * 86_400_000,
    secrets: config.WEBHOOK_SECRETS_KEY === undefined ? undefined : secretKeeper(config.WEBHOOK_SECRETS_KEY),
    checkCallback: callbackCheck(config.WEBHOOK_ALLOW_PRIVATE_URLS),
  };
}
