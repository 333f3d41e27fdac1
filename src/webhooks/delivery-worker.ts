import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { Logger } from 'pino';
import { Counter, Gauge, Registry } from 'prom-client';
import { Webhook } from 'standardwebhooks';
import { cloudEventOf, type EventNaming } from '../domain/events';
import { extended } from '../domain/extended';
import type { ClaimedDelivery, DeliveryOutcome, EventStore } from '../domain/ports';
import type { SecretKeeper } from '../domain/subscriptions';
import { deliveryRefusal, failureReason, guardedLookup, type HostResolver } from './callback-urls';

export interface DeliverySettings {
  store: EventStore;
  /** The live service's classifications: read at each delivery, so a year loaded meanwhile names its regions. */
  naming: EventNaming;
  /** The events' source and the base of their dataref (`https://…/v1`). */
  apiBase: string;
  secrets?: SecretKeeper;
  timeoutMs: number;
  /** Waits before each retry; after the last, the delivery has failed. */
  schedule: readonly number[];
  disableAfter: number;
  leaseMs: number;
  pollMs: number;
  allowPrivate: boolean;
  /** How callback host names are resolved (the system's resolver unless a test gives its own). */
  resolveHost?: HostResolver;
  retentionMs: number;
  logger: Logger;
  /** Where the delivery metrics are registered. */
  registry?: Registry;
  /** Schedules retries and leases; the signature's timestamp is the wall clock, which receivers check theirs against. */
  clock?: () => Date;
  random?: () => number;
  /** Deliveries claimed at once. */
  batch?: number;
}

/** ±20% around each wait, so that retries of many deliveries spread out. */
const JITTER = 0.2;
const PRUNE_EVERY_MS = 60 * 60 * 1000;
const REPAIR_EVERY_MS = 60 * 1000;
const IDLE_CONNECTION_MS = 4000;
/** Secrets opened and kept at most (a few per subscription: more are opened again). */
const MAX_SIGNERS = 1000;

interface Outcome { ok: boolean; status?: number; reason: string }
/** An attempt made: what is to become of its delivery, and what its log line says. */
interface Attempted { outcome: DeliveryOutcome; log: object }

/** How long an ended attempt's outcome waits for others to share its commit. */
const OUTCOMES_GATHER_MS = 5;

/**
 * Delivers the outbox's pending deliveries: claims a few under a lease, POSTs each in CloudEvents structured
 * mode signed the Standard Webhooks way, and records the outcome under the same lease (a 2xx ends it;
 * anything else is retried on the schedule with jitter, then failed; a subscription with too many failed
 * deliveries in a row is disabled). Any number of workers may share a database: each delivery is held by
 * one at a time, and one whose worker died is taken up by another once its lease has passed, with the same
 * `webhook-id`, so that a receiver can recognise the redelivery. Its timers are unref'd: it never keeps a
 * process alive, and `stop` waits for the attempts in flight.
 */
export class DeliveryWorker {
  private readonly clock: () => Date;
  private readonly random: () => number;
  private readonly metrics;
  private stopped = true;
  private running: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private nudged = false;
  private prunedAt = -Infinity;
  private repairedAt = -Infinity;
  private gathered: Array<Attempted & { resolve: () => void; reject: (error: unknown) => void }> = [];
  private gathering: NodeJS.Timeout | undefined;
  /**
   * Connections kept open between deliveries to one receiver: a new one for each would cost the uploads'
   * event loop more than the delivery itself. The receiver's name is checked before each delivery, and the
   * address a new connection is made to as it is looked up.
   */
  private readonly agents: { http: http.Agent; https: https.Agent };
  /** Signers by sealed secret: a secret is opened once, not at every delivery. */
  private readonly signers = new Map<string, Webhook>();

  constructor(private readonly s: DeliverySettings) {
    const lookup = guardedLookup(s.allowPrivate, s.resolveHost);
    // An idle connection is closed before a receiver's own idle timeout (node's default: 5 s) would close it under a delivery.
    const kept = { keepAlive: true, timeout: IDLE_CONNECTION_MS, lookup };
    this.agents = { http: new http.Agent(kept), https: new https.Agent(kept) };
    this.clock = s.clock ?? (() => new Date());
    this.random = s.random ?? Math.random;
    const registers = s.registry ? [s.registry] : [];
    const store = s.store;
    const clock = this.clock;
    this.metrics = {
      attempted: new Counter({ name: 'webhook_deliveries_attempted_total', help: 'Webhook delivery attempts made by this instance', registers }),
      succeeded: new Counter({ name: 'webhook_deliveries_succeeded_total', help: 'Webhook deliveries a receiver accepted (2xx)', registers }),
      retried: new Counter({ name: 'webhook_deliveries_retried_total', help: 'Webhook delivery attempts that failed and will be retried', registers }),
      failed: new Counter({ name: 'webhook_deliveries_failed_total', help: 'Webhook deliveries given up after every retry', registers }),
      written: new Gauge({
        name: 'events_written', help: 'Events written so far (numbered from 1 in commit order, by every instance)', registers,
        async collect() { this.set((await store.eventBounds().catch(() => ({ last: undefined }))).last ?? 0); },
      }),
      oldest: new Gauge({
        name: 'webhook_oldest_pending_delivery_age_seconds', help: 'How long the oldest pending webhook delivery has been due', registers,
        async collect() {
          const due = await store.oldestPending().catch(() => undefined);
          this.set(due === undefined ? 0 : Math.max(0, (clock().getTime() - Date.parse(due)) / 1000));
        },
      }),
    };
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.running = this.loop();
  }

  /**
   * Looks for work at once (after a commit of this instance) instead of at the next poll; when there is a
   * subscriber to deliver to. Without, a commit would cost a claim's transaction (four round trips on
   * PostgreSQL) for nothing; one made on another instance is learnt at the next poll.
   */
  nudge(): void {
    if (!this.s.store.subscribed) return;
    this.nudged = true;
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.running;
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let attempted = 0;
      try {
        attempted = await this.runOnce();
        await this.upkeep();
      } catch (error) {
        this.s.logger.warn({ err: error }, 'webhook deliveries: could not claim; trying again');
      }
      if (attempted === 0 && !this.stopped) await this.sleep();
    }
  }

  private sleep(): Promise<void> {
    if (this.nudged) {
      this.nudged = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, this.s.pollMs);
      timer.unref();
      const self = this;
      function done() {
        clearTimeout(timer);
        self.wake = undefined;
        self.nudged = false;
        resolve();
      }
      this.wake = done;
    });
  }

  /** Now and then: forgets events past their retention, and moves on any line of deliveries left without a head. */
  private async upkeep(): Promise<void> {
    const now = this.clock().getTime();
    if (now - this.repairedAt >= REPAIR_EVERY_MS) {
      this.repairedAt = now;
      const repaired = await this.s.store.repairLines(new Date(now).toISOString());
      if (repaired > 0) this.s.logger.warn({ repaired }, 'webhook deliveries: lines of deliveries found without one due, made due');
    }
    if (now - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = now;
    const pruned = await this.s.store.pruneEvents(new Date(now - this.s.retentionMs).toISOString());
    if (pruned > 0) this.s.logger.info({ pruned }, 'events older than the retention forgotten');
  }

  /**
   * One round: claims the deliveries due now and attempts them at once, each outcome recorded as soon as its
   * attempt ends (a slow receiver never holds back the others' records); how many were attempted.
   */
  async runOnce(): Promise<number> {
    const now = this.clock();
    const claimed = await this.s.store.claimDeliveries(now.toISOString(), new Date(now.getTime() + this.s.leaseMs).toISOString(), randomUUID(), this.s.batch ?? 16);
    // An event claimed for several subscriptions is the same body to each.
    const bodies = new Map<number, string>();
    const bodyOf = (d: ClaimedDelivery) => bodies.get(d.eventSeq) ?? bodies.set(d.eventSeq, JSON.stringify(cloudEventOf(d.event, this.s.naming, this.s.apiBase))).get(d.eventSeq) as string;
    await Promise.all(claimed.map(async (d) => this.record(await this.attempt(d, bodyOf))));
    return claimed.length;
  }

  /**
   * Records an outcome together with the others that end within OUTCOMES_GATHER_MS (one commit for them all,
   * on the event loop the uploads share); resolves once it is committed.
   */
  private record(attempt: Attempted): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.gathered.push(extended(attempt, { resolve, reject }));
      this.gathering ??= setTimeout(() => void this.recordGathered(), OUTCOMES_GATHER_MS);
    });
  }

  private async recordGathered(): Promise<void> {
    this.gathering = undefined;
    const gathered = this.gathered.splice(0);
    let results: Array<{ disabled: boolean }>;
    try {
      results = await this.s.store.recordOutcomes(gathered.map((g) => g.outcome), this.s.disableAfter);
    } catch (error) {
      for (const g of gathered) g.reject(error);
      return;
    }
    gathered.forEach(({ outcome, log, resolve }, i) => {
      if (outcome.kind === 'succeeded') {
        this.metrics.succeeded.inc();
        this.s.logger.info(extended(log, { outcome: 'delivered' }), 'webhook delivery');
      } else if (outcome.kind === 'retry') {
        this.metrics.retried.inc();
        this.s.logger.info(extended(log, { outcome: 'retry', reason: outcome.error, nextAttemptAt: outcome.nextAttemptAt }), 'webhook delivery');
      } else {
        this.metrics.failed.inc();
        this.s.logger.warn(extended(log, { outcome: 'failed', reason: outcome.error, disabled: results[i].disabled }), 'webhook delivery');
      }
      resolve();
    });
  }

  /** One attempt, and what is to become of the delivery. */
  private async attempt(d: ClaimedDelivery, bodyOf: (d: ClaimedDelivery) => string): Promise<Attempted> {
    const started = Date.now();
    const webhookId = `evt_${d.event.seq}`;
    let sent: Outcome;
    try {
      sent = await this.post(d, webhookId, bodyOf);
    } catch (error) {
      sent = { ok: false, reason: (error as Error).message };
    }
    this.metrics.attempted.inc();
    const now = this.clock();
    const at = now.toISOString();
    const log = { subscription: d.subscriptionId, event: d.event.seq, webhookId, attempt: d.attempts, status: sent.status, ms: Date.now() - started };
    if (sent.ok) return { outcome: { delivery: d, at, kind: 'succeeded' }, log };
    const wait = this.s.schedule[d.attempts - 1];
    if (wait === undefined) return { outcome: { delivery: d, at, kind: 'failed', error: sent.reason }, log };
    const next = new Date(now.getTime() + Math.round(wait * (1 + JITTER * (2 * this.random() - 1))));
    return { outcome: { delivery: d, at, kind: 'retry', nextAttemptAt: next.toISOString(), error: sent.reason }, log };
  }

  private signer(keeper: SecretKeeper, sealed: string): Webhook {
    let found = this.signers.get(sealed);
    if (!found) {
      if (this.signers.size >= MAX_SIGNERS) this.signers.clear();
      found = new Webhook(keeper.open(sealed));
      this.signers.set(sealed, found);
    }
    return found;
  }

  /** The signed POST; never the secret or the body in any message. */
  private async post(d: ClaimedDelivery, webhookId: string, bodyOf: (d: ClaimedDelivery) => string): Promise<Outcome> {
    const keeper = this.s.secrets;
    if (!keeper) return { ok: false, reason: 'WEBHOOK_SECRETS_KEY is not configured: deliveries cannot be signed' };
    const url = new URL(d.subscription.url);
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (url.protocol !== 'https:' && !(this.s.allowPrivate && url.protocol === 'http:')) return { ok: false, reason: 'the URL is not https' };
    const refused = this.s.allowPrivate ? undefined : await deliveryRefusal(host, this.s.resolveHost);
    if (refused) return { ok: false, reason: refused };
    const body = bodyOf(d);
    const signedAt = new Date();
    const signatures = [this.signer(keeper, d.subscription.secret).sign(webhookId, signedAt, body)];
    const { previousSecret, previousSecretUntil } = d.subscription;
    if (previousSecret && previousSecretUntil && previousSecretUntil > this.clock().toISOString()) {
      signatures.push(this.signer(keeper, previousSecret).sign(webhookId, signedAt, body));
    }
    const headers = {
      'content-type': 'application/cloudevents+json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
      'webhook-id': webhookId,
      'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
      'webhook-signature': signatures.join(' '),
      'user-agent': 'sonar-transparency-webhooks/1',
    };
    // A kept connection the receiver closed just as it was reused fails at once: sent again on a new one.
    const sent = await this.send(url, headers, body);
    return sent.closedUnderUs ? this.send(url, headers, body) : sent;
  }

  /** One POST, on a kept connection if there is one; `closedUnderUs` when a reused one was reset before any answer. */
  private send(url: URL, headers: Record<string, string>, body: string): Promise<Outcome & { closedUnderUs?: boolean }> {
    const [client, agent] = url.protocol === 'https:' ? [https, this.agents.https] : [http, this.agents.http];
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: Outcome & { closedUnderUs?: boolean }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(outcome);
      };
      const req = client.request(url, { method: 'POST', headers, agent }, (res) => {
        res.resume(); // the receiver's body is not ours to keep
        res.on('end', () => settle({ ok: res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300, status: res.statusCode, reason: `HTTP ${res.statusCode}` }));
        res.on('error', (error) => settle({ ok: false, status: res.statusCode, reason: error.message }));
      });
      const timer = setTimeout(() => {
        settle({ ok: false, reason: `no answer within ${this.s.timeoutMs} ms` });
        req.destroy();
      }, this.s.timeoutMs);
      timer.unref();
      req.on('error', (error: NodeJS.ErrnoException) => settle({ ok: false, reason: failureReason(error),
        closedUnderUs: req.reusedSocket && error.code === 'ECONNRESET' }));
      req.end(body);
    });
  }
}
