import { type Selectable, sql } from 'kysely';
import type { StoredEvent } from '../domain/events';
import type { ClaimedDelivery, DeliveryOutcome, EventFilter, EventStore, NewSubscription, SubscriptionRecord } from '../domain/ports';
import type { Engine } from './engine';
import { EventFeedQueries, spaced, toEvent, unspaced } from './events-store';
import { prepare } from './prepared';
import type { SubscriptionsTable } from './schema';

type SubscriptionRow = Selectable<SubscriptionsTable> & { pending: number };

const toSubscription = (r: SubscriptionRow): SubscriptionRecord => ({
  id: r.id, owner: r.owner, url: r.url, types: unspaced(r.types), regions: unspaced(r.regions), secret: r.secret,
  previousSecret: r.previous_secret, previousSecretUntil: r.previous_secret_until, createdAt: r.created_at,
  disabledAt: r.disabled_at, disabledReason: r.disabled_reason, consecutiveFailures: Number(r.consecutive_failures),
  delivered: Number(r.delivered), failed: Number(r.failed), pending: Number(r.pending),
  lastFailureAt: r.last_failure_at, lastFailureReason: r.last_failure_reason, lastSuccessAt: r.last_success_at,
});

interface Held { subscription: string; seq: number; token: string; attempts: number }

/**
 * The event feed, the subscriptions and the deliveries, on either engine; each query written once. The
 * events themselves are written by the figures' writes (figures-store.ts, events-store.ts). A delivery is
 * claimed in one statement that also leases it (PostgreSQL: FOR UPDATE SKIP LOCKED, so that instances
 * claiming at once take different ones); every later statement about it names the lease's token, so an
 * instance whose lease passed (it was presumed dead) changes nothing.
 */
export class EventsDatabase implements EventStore {
  private readonly feed;
  private readonly q;

  constructor(private readonly engine: Engine) {
    const db = engine.db;
    this.feed = new EventFeedQueries(db, engine.dialect);
    const pending = sql<number>`(select cast(count(*) as integer) from deliveries d where d.subscription_id = s.id and d.status = 'pending')`.as('pending');
    this.q = {
      event: prepare(db, (d, a: { seq: number }) => d.selectFrom('events').selectAll().where('seq', '=', a.seq)),
      insertSubscription: prepare(db, (d, a: { id: string; owner: string; url: string; types: string; regions: string; secret: string; createdAt: string }) => d.insertInto('subscriptions')
        .values({ id: a.id, owner: a.owner, url: a.url, types: a.types, regions: a.regions, secret: a.secret, created_at: a.createdAt })),
      subscription: prepare(db, (d, a: { id: string }) => d.selectFrom('subscriptions as s').selectAll('s').select(pending).where('s.id', '=', a.id)),
      subscriptions: prepare(db, (d, a: { owner: string }) => d.selectFrom('subscriptions as s').selectAll('s').select(pending).where('s.owner', '=', a.owner).orderBy('s.created_at').orderBy('s.id')),
      forgetDeliveries: prepare(db, (d, a: { id: string }) => d.deleteFrom('deliveries').where('subscription_id', '=', a.id)),
      deleteSubscription: prepare(db, (d, a: { id: string }) => d.deleteFrom('subscriptions').where('id', '=', a.id)),
      rotate: prepare(db, (d, a: { id: string; secret: string; previous: string; until: string }) => d.updateTable('subscriptions')
        .set({ secret: a.secret, previous_secret: a.previous, previous_secret_until: a.until }).where('id', '=', a.id)),
      claim: prepare(db, (d, a: { now: string; until: string; token: string; limit: number }) => d.updateTable('deliveries')
        .set((eb) => ({ lease_until: a.until, leased_by: a.token, attempts: eb('attempts', '+', 1) }))
        .where(sql<boolean>`(subscription_id, event_seq) in (${d.selectFrom('deliveries as c')
          .select(['c.subscription_id', 'c.event_seq'])
          .where('c.status', '=', 'pending').where('c.next_attempt_at', '<=', a.now)
          .where((eb) => eb.or([eb('c.lease_until', 'is', null), eb('c.lease_until', '<=', a.now)]))
          // Commit order per subscription and region: only the earliest delivery not yet done is due.
          .where((eb) => eb.not(eb.exists(eb.selectFrom('deliveries as e').select(sql`1`.as('one'))
            .whereRef('e.subscription_id', '=', 'c.subscription_id').whereRef('e.region_code', '=', 'c.region_code')
            .where('e.status', '=', 'pending').whereRef('e.event_seq', '<', 'c.event_seq'))))
          .where((eb) => eb.exists(eb.selectFrom('subscriptions as s').select(sql`1`.as('one')).whereRef('s.id', '=', 'c.subscription_id').where('s.disabled_at', 'is', null)))
          .orderBy('c.event_seq').limit(a.limit)
          .$if(engine.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked())})`)
        .returning(['subscription_id', 'event_seq', 'attempts', 'leased_by'])),
      succeeded: prepare(db, (d, a: Held) => d.updateTable('deliveries').set({ status: 'succeeded', lease_until: null, last_error: null })
        .where('subscription_id', '=', a.subscription).where('event_seq', '=', a.seq).where('leased_by', '=', a.token).where('attempts', '=', a.attempts).where('status', '=', 'pending')),
      countSuccess: prepare(db, (d, a: { id: string; now: string }) => d.updateTable('subscriptions')
        .set((eb) => ({ delivered: eb('delivered', '+', 1), consecutive_failures: 0, last_success_at: a.now })).where('id', '=', a.id)),
      retry: prepare(db, (d, a: Held & { next: string; error: string }) => d.updateTable('deliveries').set({ next_attempt_at: a.next, lease_until: null, last_error: a.error })
        .where('subscription_id', '=', a.subscription).where('event_seq', '=', a.seq).where('leased_by', '=', a.token).where('attempts', '=', a.attempts).where('status', '=', 'pending')),
      failed: prepare(db, (d, a: Held & { error: string }) => d.updateTable('deliveries').set({ status: 'failed', lease_until: null, last_error: a.error })
        .where('subscription_id', '=', a.subscription).where('event_seq', '=', a.seq).where('leased_by', '=', a.token).where('attempts', '=', a.attempts).where('status', '=', 'pending')),
      countFailure: prepare(db, (d, a: { id: string; now: string; error: string }) => d.updateTable('subscriptions')
        .set((eb) => ({ failed: eb('failed', '+', 1), consecutive_failures: eb('consecutive_failures', '+', 1), last_failure_at: a.now, last_failure_reason: a.error }))
        .where('id', '=', a.id)),
      disable: prepare(db, (d, a: { id: string; now: string; after: number; reason: string }) => d.updateTable('subscriptions').set({ disabled_at: a.now, disabled_reason: a.reason })
        .where('id', '=', a.id).where('disabled_at', 'is', null).where('consecutive_failures', '>=', a.after)),
      oldestPending: prepare(db, (d) => d.selectFrom('deliveries').select(sql<string | null>`min(next_attempt_at)`.as('at')).where('status', '=', 'pending')),
    };
  }

  private get db() {
    return this.engine.reads;
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      return this.engine.failed(error);
    }
  }

  async listEvents(filter: EventFilter): Promise<StoredEvent[]> {
    return (await this.run(() => this.feed.list(filter).rows(this.db, filter))).map(toEvent);
  }

  async eventBounds(): Promise<{ first?: number; last?: number }> {
    const [row] = await this.run(() => this.feed.bounds.rows(this.db, {}));
    return { first: row?.first === null || row?.first === undefined ? undefined : Number(row.first), last: row?.last === null || row?.last === undefined ? undefined : Number(row.last) };
  }

  async pruneEvents(before: string): Promise<number> {
    return this.run(async () => {
      await this.feed.prune.deliveries.run(this.db, { before });
      return (await this.feed.prune.events.run(this.db, { before })).affected;
    });
  }

  async createSubscription(s: NewSubscription): Promise<void> {
    await this.run(() => this.q.insertSubscription.run(this.db, { ...s, types: spaced(s.types), regions: spaced(s.regions) }));
  }

  async getSubscription(id: string): Promise<SubscriptionRecord | undefined> {
    const [row] = await this.run(() => this.q.subscription.rows(this.db, { id }));
    return row ? toSubscription(row) : undefined;
  }

  async listSubscriptions(owner: string): Promise<SubscriptionRecord[]> {
    return (await this.run(() => this.q.subscriptions.rows(this.db, { owner }))).map((r) => toSubscription(r));
  }

  async deleteSubscription(id: string): Promise<boolean> {
    return this.run(() => this.engine.transaction(async (db) => {
      const { affected } = await this.q.deleteSubscription.run(db, { id });
      await this.q.forgetDeliveries.run(db, { id });
      return affected > 0;
    }));
  }

  async rotateSecret(id: string, secret: string, previous: string, until: string): Promise<void> {
    await this.run(() => this.q.rotate.run(this.db, { id, secret, previous, until }));
  }

  async claimDeliveries(now: string, until: string, token: string, limit: number): Promise<ClaimedDelivery[]> {
    return this.run(async () => {
      const rows = await this.q.claim.rows(this.db, { now, until, token, limit });
      const claimed: ClaimedDelivery[] = [];
      for (const r of rows.sort((a, b) => Number(a.event_seq) - Number(b.event_seq))) {
        const [event] = await this.q.event.rows(this.db, { seq: Number(r.event_seq) });
        const [subscription] = await this.q.subscription.rows(this.db, { id: r.subscription_id });
        if (!event || !subscription) continue; // removed meanwhile: nothing to deliver
        claimed.push({ subscriptionId: r.subscription_id, eventSeq: Number(r.event_seq), attempts: Number(r.attempts), token, event: toEvent(event), subscription: toSubscription(subscription) });
      }
      return claimed;
    });
  }

  private held(d: ClaimedDelivery): Held {
    return { subscription: d.subscriptionId, seq: d.eventSeq, token: d.token, attempts: d.attempts };
  }

  // Each delivery's state and its subscription's counters commit together, so that a crash cannot leave the
  // counts off by one or a subscription not disabled; and a round's outcomes share one commit (on SQLite a
  // commit is an fsync on the event loop the uploads share).
  async recordOutcomes(outcomes: readonly DeliveryOutcome[], disableAfter: number): Promise<Array<{ recorded: boolean; disabled: boolean }>> {
    if (outcomes.length === 0) return [];
    // Subscriptions are updated in the order of their ids, so that two of these transactions (two instances,
    // or two batches of one) never lock the same two subscriptions in opposite orders (a deadlock on PostgreSQL).
    const order = outcomes.map((_, i) => i).sort((a, b) => (outcomes[a].delivery.subscriptionId < outcomes[b].delivery.subscriptionId ? -1
      : outcomes[a].delivery.subscriptionId > outcomes[b].delivery.subscriptionId ? 1 : a - b));
    return this.run(() => this.engine.transaction(async (db) => {
      const results: Array<{ recorded: boolean; disabled: boolean }> = new Array(outcomes.length);
      for (const i of order) {
        const o = outcomes[i];
        const held = this.held(o.delivery);
        const id = o.delivery.subscriptionId;
        if (o.kind === 'succeeded') {
          const { affected } = await this.q.succeeded.run(db, held);
          if (affected > 0) await this.q.countSuccess.run(db, { id, now: o.at });
          results[i] = { recorded: affected > 0, disabled: false };
        } else if (o.kind === 'retry') {
          const { affected } = await this.q.retry.run(db, { ...held, next: o.nextAttemptAt, error: o.error });
          results[i] = { recorded: affected > 0, disabled: false };
        } else {
          const { affected } = await this.q.failed.run(db, { ...held, error: o.error });
          if (affected === 0) {
            results[i] = { recorded: false, disabled: false };
            continue;
          }
          await this.q.countFailure.run(db, { id, now: o.at, error: o.error });
          const reason = `${disableAfter} consecutive deliveries failed; the last: ${o.error}`;
          const { affected: disabled } = await this.q.disable.run(db, { id, now: o.at, after: disableAfter, reason });
          results[i] = { recorded: true, disabled: disabled > 0 };
        }
      }
      return results;
    }));
  }

  async oldestPending(): Promise<string | undefined> {
    const [row] = await this.run(() => this.q.oldestPending.rows(this.db, {}));
    return row?.at ?? undefined;
  }
}
