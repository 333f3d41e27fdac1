import type { Logger } from 'pino';
import type { Config } from '../config';
import type { EventStore } from '../domain/ports';
import type { EventNaming } from '../domain/events';
import type { DeliverySettings } from './delivery-worker';
import type { EventSettings } from '../domain/service';
import { callbackCheck, type HostResolver } from './callback-urls';
import { secretKeeper } from './secrets';

/** What the feed and the subscriptions take from the configuration; `resolveHost` for a test's own DNS. */
export function eventSettingsOf(config: Config, resolveHost?: HostResolver): EventSettings {
  return {
    apiBase: `${config.PUBLIC_BASE_URL}/v1`,
    retentionMs: config.EVENT_RETENTION_DAYS * 86_400_000,
    secrets: config.WEBHOOK_SECRETS_KEY === undefined ? undefined : secretKeeper(config.WEBHOOK_SECRETS_KEY),
    checkCallback: callbackCheck(config.WEBHOOK_ALLOW_PRIVATE_URLS, resolveHost),
  };
}

/** The delivery worker's settings from the configuration; `extra` for what a test or the server adds. */
export function deliverySettingsOf(config: Config, store: EventStore, naming: EventNaming, logger: Logger, extra: Partial<DeliverySettings> = {}): DeliverySettings {
  const events = eventSettingsOf(config, extra.resolveHost);
  return {
    store, naming, logger, apiBase: events.apiBase, secrets: events.secrets, retentionMs: events.retentionMs,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS, schedule: config.WEBHOOK_RETRY_SCHEDULE, disableAfter: config.WEBHOOK_DISABLE_AFTER_FAILURES,
    leaseMs: config.WEBHOOK_LEASE_MS, pollMs: config.WEBHOOK_POLL_MS, allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_URLS,
    ...extra,
  };
}
