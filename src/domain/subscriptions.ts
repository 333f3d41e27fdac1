/**
 * Webhook subscriptions, the use case: a key subscribes a callback URL to event types and regions (a key
 * limited to regions, to its own only), gets the signing secret once, and sees, lists, rotates and deletes
 * only its own subscriptions.
 */
import { randomUUID } from 'node:crypto';
import { DomainError, invalid, notFound, ProblemItem } from './errors';
import { ALL_EVENT_TYPES } from './events';
import { extended } from './extended';
import { SubscriptionRecord } from './ports';
import { UseCaseContext } from './use-case';
import { forbiddenRegions, Writer } from './writer';

/** Makes, seals and opens signing secrets (webhooks/secrets.ts); absent without WEBHOOK_SECRETS_KEY. */
export interface SecretKeeper {
  newSecret(): string;
  seal(secret: string): string;
  open(sealed: string): string;
}

/** Why a callback URL may not be called (SSRF and scheme rules), or undefined. */
export type CallbackCheck = (url: string) => Promise<string | undefined>;

export interface SubscriptionSettings {
  secrets?: SecretKeeper;
  checkCallback: CallbackCheck;
}

/** How long the secret before a rotation still signs, beside the new one. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60 * 1000;

/**
 * A new subscription: the callback, and which events it wants (absent or empty: all).
 * @example { "url": "https://receiver.example.org/sonar-events", "types": ["nl.uwv.sonar-transparency.figures-published"], "regions": ["AM05"] }
 */
export interface SubscriptionRequest {
  /**
   * Where deliveries are POSTed: an https URL that does not resolve to a loopback, private, link-local or
   * metadata address.
   * @example "https://receiver.example.org/sonar-events"
   */
  url: string;
  /**
   * Event types to deliver; absent or empty: all.
   * @example ["nl.uwv.sonar-transparency.figures-published"]
   */
  types?: string[];
  /**
   * Regions (CBS code or name) whose events to deliver; absent or empty: all (a key limited to regions: its own).
   * @example ["AM05"]
   */
  regions?: string[];
}

/**
 * A webhook subscription and how its deliveries go.
 * @example { "id": "8d0f7a8e-3d0b-4f58-a2b1-6f7a4f3c2e11", "url": "https://receiver.example.org/sonar-events", "types": [], "regions": ["AM05"], "createdAt": "2026-07-01T09:00:00.000Z", "enabled": true, "disabledAt": null, "disabledReason": null, "counts": { "delivered": 3, "failed": 1, "pending": 0, "consecutiveFailures": 0 }, "lastFailure": { "at": "2026-07-02T09:30:00.000Z", "reason": "HTTP 500" }, "lastSuccessAt": "2026-07-03T09:30:00.120Z" }
 */
export interface SubscriptionView {
  /**
   * The subscription's id.
   * @example "8d0f7a8e-3d0b-4f58-a2b1-6f7a4f3c2e11"
   */
  id: string;
  /**
   * Where deliveries are POSTed.
   * @example "https://receiver.example.org/sonar-events"
   */
  url: string;
  /** Event types delivered; empty: all. */
  types: string[];
  /** CBS codes of the regions whose events are delivered; empty: all. */
  regions: string[];
  /**
   * When it was made.
   * @example "2026-07-01T09:00:00.000Z"
   */
  createdAt: string;
  /** False once disabled after too many consecutive failed deliveries (see `disabledReason`). */
  enabled: boolean;
  /** When it was disabled; null while enabled. */
  disabledAt: string | null;
  /** Why it was disabled; null while enabled. */
  disabledReason: string | null;
  /** Deliveries accepted (2xx), failed after every retry, and still to be made. */
  counts: DeliveryCounts;
  /** The last delivery that failed after every retry; absent when none did. */
  lastFailure?: DeliveryFailure;
  /** When a delivery was last accepted; null before the first. */
  lastSuccessAt: string | null;
}

/**
 * How a subscription's deliveries went.
 * @example { "delivered": 3, "failed": 1, "pending": 0, "consecutiveFailures": 0 }
 */
export interface DeliveryCounts {
  /**
   * Deliveries accepted with a 2xx.
   * @isInt
   * @minimum 0
   */
  delivered: number;
  /**
   * Deliveries given up after every retry.
   * @isInt
   * @minimum 0
   */
  failed: number;
  /**
   * Deliveries still to be made or retried.
   * @isInt
   * @minimum 0
   */
  pending: number;
  /**
   * Deliveries given up in a row since the last accepted one; at WEBHOOK_DISABLE_AFTER_FAILURES the subscription is disabled.
   * @isInt
   * @minimum 0
   */
  consecutiveFailures: number;
}

/**
 * A delivery that failed after every retry.
 * @example { "at": "2026-07-02T09:30:00.000Z", "reason": "HTTP 500" }
 */
export interface DeliveryFailure {
  /** When it was given up. */
  at: string;
  /** The last attempt's outcome: an HTTP status, a timeout or a connection error. */
  reason: string;
}

/**
 * A subscription as created or rotated: with its signing secret, shown this once.
 * @example { "id": "8d0f7a8e-3d0b-4f58-a2b1-6f7a4f3c2e11", "url": "https://receiver.example.org/sonar-events", "types": [], "regions": ["AM05"], "createdAt": "2026-07-01T09:00:00.000Z", "enabled": true, "disabledAt": null, "disabledReason": null, "counts": { "delivered": 0, "failed": 0, "pending": 0, "consecutiveFailures": 0 }, "lastSuccessAt": null, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }
 */
export interface SubscriptionWithSecret extends SubscriptionView {
  /**
   * The Standard Webhooks signing secret; shown once, stored encrypted.
   * @example "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
   */
  secret: string;
}

/**
 * The subscriptions of the key asking.
 * @example { "subscriptions": [ { "id": "8d0f7a8e-3d0b-4f58-a2b1-6f7a4f3c2e11", "url": "https://receiver.example.org/sonar-events", "types": [], "regions": ["AM05"], "createdAt": "2026-07-01T09:00:00.000Z", "enabled": true, "disabledAt": null, "disabledReason": null, "counts": { "delivered": 3, "failed": 0, "pending": 0, "consecutiveFailures": 0 }, "lastSuccessAt": "2026-07-01T09:30:00.120Z" } ] }
 */
export interface SubscriptionList {
  /** Oldest first. */
  subscriptions: SubscriptionView[];
}

export const subscriptionView = (s: SubscriptionRecord): SubscriptionView => ({
  id: s.id, url: s.url, types: s.types, regions: s.regions, createdAt: s.createdAt, enabled: s.disabledAt === null,
  disabledAt: s.disabledAt, disabledReason: s.disabledReason,
  counts: { delivered: s.delivered, failed: s.failed, pending: s.pending, consecutiveFailures: s.consecutiveFailures },
  ...(s.lastFailureAt === null ? {} : { lastFailure: { at: s.lastFailureAt, reason: s.lastFailureReason ?? '' } }),
  lastSuccessAt: s.lastSuccessAt,
});

const keeperOf = (settings: SubscriptionSettings): SecretKeeper => {
  if (!settings.secrets) {
    throw new DomainError('not-configured', 'Service Unavailable',
      'Subscribing needs WEBHOOK_SECRETS_KEY (at least 32 characters) in the configuration, to store signing secrets encrypted; it is not set. Everything else works.');
  }
  return settings.secrets;
};

export async function createSubscription(ctx: UseCaseContext, settings: SubscriptionSettings, writer: Writer, input: SubscriptionRequest): Promise<SubscriptionWithSecret> {
  const keeper = keeperOf(settings);
  const problems: ProblemItem[] = [];
  const why = await settings.checkCallback(input.url);
  if (why) problems.push({ field: 'url', detail: why, found: input.url });
  const types = [...new Set(input.types ?? [])];
  types.forEach((type, i) => {
    if (!(ALL_EVENT_TYPES as readonly string[]).includes(type)) problems.push({ field: `types[${i}]`, detail: `is not an event type; they are ${ALL_EVENT_TYPES.join(', ')}`, found: type });
  });
  const regions: string[] = [];
  (input.regions ?? []).forEach((key, i) => {
    const region = ctx.reference.findRegion(key);
    if (!region) problems.push({ field: `regions[${i}]`, detail: 'is not a region (CBS code or name)', found: key });
    else if (forbiddenRegions(writer, [region.code]).length > 0) problems.push({ field: `regions[${i}]`, detail: `is ${region.name} (${region.code}), a region this key may not write, so it may not subscribe to it`, found: key });
    else if (!regions.includes(region.code)) regions.push(region.code);
  });
  if (problems.length > 0) throw invalid(`The subscription has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was stored.`, problems);
  const secret = keeper.newSecret();
  const id = randomUUID();
  await ctx.store.events.createSubscription({
    id, owner: writer.name, url: input.url, types, regions: regions.length > 0 ? regions : [...(writer.regions ?? [])],
    secret: keeper.seal(secret), createdAt: ctx.clock().toISOString(),
  });
  return extended(subscriptionView(await ownSubscription(ctx, writer, id)), { secret });
}

async function ownSubscription(ctx: UseCaseContext, writer: Writer, id: string): Promise<SubscriptionRecord> {
  const found = await ctx.store.events.getSubscription(id);
  if (!found || found.owner !== writer.name) throw notFound(`There is no subscription ${id} of the key "${writer.name}".`);
  return found;
}

export async function getSubscription(ctx: UseCaseContext, writer: Writer, id: string): Promise<SubscriptionView> {
  return subscriptionView(await ownSubscription(ctx, writer, id));
}

export async function listSubscriptions(ctx: UseCaseContext, writer: Writer): Promise<SubscriptionList> {
  return { subscriptions: (await ctx.store.events.listSubscriptions(writer.name)).map(subscriptionView) };
}

export async function deleteSubscription(ctx: UseCaseContext, writer: Writer, id: string): Promise<void> {
  await ownSubscription(ctx, writer, id);
  await ctx.store.events.deleteSubscription(id);
}

/** A new secret; the one before keeps signing beside it for ROTATION_OVERLAP_MS, so receivers can switch. */
export async function rotateSecret(ctx: UseCaseContext, settings: SubscriptionSettings, writer: Writer, id: string): Promise<SubscriptionWithSecret> {
  const found = await ownSubscription(ctx, writer, id);
  const keeper = keeperOf(settings);
  const secret = keeper.newSecret();
  const until = new Date(ctx.clock().getTime() + ROTATION_OVERLAP_MS).toISOString();
  await ctx.store.events.rotateSecret(id, keeper.seal(secret), found.secret, until);
  return extended(subscriptionView(await ownSubscription(ctx, writer, id)), { secret });
}
