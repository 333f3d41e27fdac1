import { type Kysely, type RawBuilder, type Selectable, sql } from 'kysely';
import type { StoredEvent } from '../domain/events';
import { extended } from '../domain/extended';
import type { ClaimedDelivery, DeliveryOutcome, DeliveryTarget, EventFilter, EventStore, NewSubscription, SubscriptionRecord } from '../domain/ports';
import type { Engine } from './engine';
import { EventFeedQueries, lastEventSeq, spaced, toEvent, unspaced } from './events-store';
import { type Executor, type Outcome, prepare, type Prepared, type RowOf, type Statement } from './prepared';
import type { EventsTable, Schema, SubscriptionsTable } from './schema';

type SubscriptionRow = Selectable<SubscriptionsTable> & { pending: number };

const toSubscription = (r: SubscriptionRow): SubscriptionRecord => ({
  id: r.id, owner: r.owner, url: r.url, types: unspaced(r.types), regions: unspaced(r.regions), secret: r.secret,
  previousSecret: r.previous_secret, previousSecretUntil: r.previous_secret_until, createdAt: r.created_at,
  disabledAt: r.disabled_at, disabledReason: r.disabled_reason, consecutiveFailures: Number(r.consecutive_failures),
  delivered: Number(r.delivered), failed: Number(r.failed), pending: Number(r.pending),
  lastFailureAt: r.last_failure_at, lastFailureReason: r.last_failure_reason, lastSuccessAt: r.last_success_at,
});

interface Held { subscription: string; seq: number; token: string; attempts: number }

/** Lines made due by one statement (each is two parameters). */
const LINES_AT_ONCE = 16;
/** Events whose deliveries one claim writes at most. */
const EVENTS_AT_ONCE = 100;

/**
 * A pending delivery's next_attempt_at while an earlier one of its subscription and region is pending: only the
 * head of that line is due (delivery in commit order), and the one behind it is made due when the head ends.
 */
export const WAITING = '9999-12-31T23:59:59.999Z';

/**
 * 'pending' written into the SQL, not bound: the indexes on deliveries hold pending ones only (migration 13),
 * and neither engine uses such an index for a query whose status is a parameter.
 */
const PENDING = sql.lit('pending');

/** The first pending delivery of a subscription and region (a line's head, or the one to become it). */
const firstPending = (d: Kysely<Schema>, subscription: string | RawBuilder<unknown>, region: string | RawBuilder<unknown>) =>
  d.selectFrom('deliveries as p').select((p) => p.fn.min<number>('p.event_seq').as('first'))
    .where('p.subscription_id', '=', subscription as string).where('p.status', '=', PENDING).where('p.region_code', '=', region as string);

const wants = (type: string) => sql<boolean>`(s.types = '' or s.types like '% ' || ${sql.ref(type)} || ' %')`;

/** A delivery for each event after `after` up to `upto` and each active subscription that wants it. */
const fanOut = (d: Kysely<Schema>, a: { after: number; upto: number }) => d.insertInto('deliveries')
  .columns(['subscription_id', 'event_seq', 'region_code', 'status', 'attempts', 'next_attempt_at'])
  .expression(d.selectFrom('events as e').innerJoin('subscriptions as s', (j) => j.on('s.disabled_at', 'is', null).onRef('e.seq', '>', 's.after_seq'))
    .select((eb) => ['s.id', 'e.seq', 'e.region_code', PENDING.as('status'), sql<number>`0`.as('attempts'),
      // In line behind a pending delivery of the subscription and region, stored or written by this statement: it waits.
      eb.case().when(eb.or([
        eb.exists(eb.selectFrom('deliveries as p').select(sql`1`.as('one'))
          .whereRef('p.subscription_id', '=', 's.id').where('p.status', '=', PENDING).whereRef('p.region_code', '=', 'e.region_code')),
        eb.exists(eb.selectFrom('events as b').select(sql`1`.as('one'))
          .where('b.seq', '>', a.after).whereRef('b.seq', '>', 's.after_seq').whereRef('b.seq', '<', 'e.seq').whereRef('b.region_code', '=', 'e.region_code').where(wants('b.type'))),
      ])).then(sql<string>`${sql.lit(WAITING)}`).else(eb.ref('e.time')).end().as('next_attempt_at')])
    .where('e.seq', '>', a.after).where('e.seq', '<=', a.upto)
    .where(wants('e.type'))
    // An event of no region ('': a classification loaded) concerns every region: region filters let it through.
    .where((eb) => eb.or([eb('s.regions', '=', ''), eb('e.region_code', '=', ''), eb('s.regions', 'like', sql<string>`'% ' || e.region_code || ' %'`)])))
  // Written already by an instance of an earlier version, which wrote them with the upload.
  .onConflict((oc) => oc.columns(['subscription_id', 'event_seq']).doNothing());

/**
 * The event feed, the subscriptions and the deliveries, on either engine; each query written once. The
 * events themselves are written by the figures' writes (figures-store.ts, events-store.ts); their deliveries
 * are written here, as a claim begins, for the events since the cursor, so that an upload's transaction holds
 * one row per event however many subscriptions there are. A delivery is claimed in one statement that also
 * leases it (PostgreSQL: FOR UPDATE SKIP LOCKED, so that instances claiming at once take different ones);
 * every later statement about it names the lease's token, so an instance whose lease passed (it was presumed
 * dead) changes nothing.
 */
export class EventsDatabase implements EventStore {
  subscribed = true; // until the first claim says
  /** Subscriptions made by this instance: one made while a claim ran is not undone by that claim's answer. */
  private made = 0;
  private readonly feed;
  private readonly q;
  private readonly promotions = new Map<number, Prepared<Record<string, string>, unknown>>();

  constructor(private readonly engine: Engine) {
    const db = engine.db;
    this.feed = new EventFeedQueries(db, engine.dialect);
    const pending = sql<number>`(select cast(count(*) as integer) from deliveries d where d.subscription_id = s.id and d.status = 'pending')`.as('pending');
    this.q = {
      event: prepare(db, (d, a: { seq: number }) => d.selectFrom('events').selectAll().where('seq', '=', a.seq)),
      insertSubscription: prepare(db, (d, a: { id: string; owner: string; url: string; types: string; regions: string; secret: string; createdAt: string }) => d.insertInto('subscriptions')
        .values({ id: a.id, owner: a.owner, url: a.url, types: a.types, regions: a.regions, secret: a.secret, created_at: a.createdAt,
          after_seq: lastEventSeq(d) })),
      // Whoever writes deliveries holds the cursor (PostgreSQL: another instance doing so is not waited for);
      // with the last event, in the same read.
      cursor: prepare(db, (d) => d.selectFrom('delivery_cursor').select(['seq', lastEventSeq(d).as('last')])
        .$if(engine.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked())),
      // Making the next in a line due, or removing a subscription's deliveries, holds off writing deliveries,
      // lest one be written behind a head that ended unseen, or for a subscription removed meanwhile.
      holdCursor: prepare(db, (d) => d.selectFrom('delivery_cursor').select('seq').forShare()),
      // Each line whose first pending delivery waits has no head: it is made due (a line left so by an instance
      // of an earlier version while both ran, or by hand). Reads every waiting delivery: run now and then only.
      headless: prepare(db, (d, a: { now: string }) => d.updateTable('deliveries').set({ next_attempt_at: a.now })
        .where('status', '=', PENDING).where('next_attempt_at', '=', WAITING)
        .where('event_seq', '=', firstPending(d, sql.ref('deliveries.subscription_id'), sql.ref('deliveries.region_code')))),
      fanOut: prepare(db, fanOut),
      moveCursor: prepare(db, (d, a: { seq: number }) => d.updateTable('delivery_cursor').set({ seq: a.seq })),
      subscription: prepare(db, (d, a: { id: string }) => d.selectFrom('subscriptions as s').selectAll('s').select(pending).where('s.id', '=', a.id)),
      subscriptions: prepare(db, (d, a: { owner: string }) => d.selectFrom('subscriptions as s').selectAll('s').select(pending).where('s.owner', '=', a.owner).orderBy('s.created_at').orderBy('s.id')),
      forgetDeliveries: prepare(db, (d, a: { id: string }) => d.deleteFrom('deliveries').where('subscription_id', '=', a.id)),
      deleteSubscription: prepare(db, (d, a: { id: string }) => d.deleteFrom('subscriptions').where('id', '=', a.id)),
      rotate: prepare(db, (d, a: { id: string; secret: string; previous: string; until: string }) => d.updateTable('subscriptions')
        .set({ secret: a.secret, previous_secret: a.previous, previous_secret_until: a.until }).where('id', '=', a.id)),
      target: prepare(db, (d, a: { id: string }) => d.selectFrom('subscriptions').select(['id', 'url', 'secret', 'previous_secret', 'previous_secret_until']).where('id', '=', a.id)),
      anyEnabled: prepare(db, (d) => d.selectFrom('subscriptions').select(sql<number>`1`.as('one')).where('disabled_at', 'is', null).limit(1)),
      // Reads the due heads of the lines alone (migration 13): the ones behind them wait until they end.
      claim: prepare(db, (d, a: { now: string; until: string; token: string; limit: number }) => d.updateTable('deliveries')
        .set((eb) => ({ lease_until: a.until, leased_by: a.token, attempts: eb('attempts', '+', 1) }))
        .where(sql<boolean>`(subscription_id, event_seq) in (${d.selectFrom('deliveries as c')
          .select(['c.subscription_id', 'c.event_seq'])
          .where('c.status', '=', PENDING).where('c.next_attempt_at', '<=', a.now)
          .where((eb) => eb.or([eb('c.lease_until', 'is', null), eb('c.lease_until', '<=', a.now)]))
          .where((eb) => eb.exists(eb.selectFrom('subscriptions as s').select(sql`1`.as('one')).whereRef('s.id', '=', 'c.subscription_id').where('s.disabled_at', 'is', null)))
          .orderBy('c.next_attempt_at').limit(a.limit)
          .$if(engine.dialect === 'postgres', (qb) => qb.forUpdate().skipLocked())})`)
        .returning(['subscription_id', 'event_seq', 'attempts'])),
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
      oldestPending: prepare(db, (d) => d.selectFrom('deliveries').select(sql<string | null>`min(next_attempt_at)`.as('at')).where('status', '=', PENDING)),
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
    await this.run(() => this.q.insertSubscription.run(this.db, extended(s, { types: spaced(s.types), regions: spaced(s.regions) })));
    this.made++;
    this.subscribed = true;
  }

  async getSubscription(id: string): Promise<SubscriptionRecord | undefined> {
    const [row] = await this.run(() => this.q.subscription.rows(this.db, { id }));
    return row ? toSubscription(row) : undefined;
  }

  async listSubscriptions(owner: string): Promise<SubscriptionRecord[]> {
    return (await this.run(() => this.q.subscriptions.rows(this.db, { owner }))).map((r) => toSubscription(r));
  }

  async deleteSubscription(id: string): Promise<boolean> {
    // Deliveries before the subscription, in the order outcomes lock them (no deadlock with a batch of outcomes).
    return this.run(() => this.engine.transaction(async (db) => {
      await this.holdDeliveryWriting(db);
      await this.q.forgetDeliveries.run(db, { id });
      const { affected } = await this.q.deleteSubscription.run(db, { id });
      return affected > 0;
    }));
  }

  async repairLines(now: string): Promise<number> {
    return this.run(() => this.engine.transaction(async (db) => {
      await this.holdDeliveryWriting(db);
      return (await this.q.headless.run(db, { now })).affected;
    }, { durable: false }));
  }

  async rotateSecret(id: string, secret: string, previous: string, until: string): Promise<void> {
    await this.run(() => this.q.rotate.run(this.db, { id, secret, previous, until }));
  }

  async claimDeliveries(now: string, until: string, token: string, limit: number): Promise<ClaimedDelivery[]> {
    return this.run(async () => {
      // Deliveries lost in a crash of the machine are written again from their events, and a lease lost only
      // lets its delivery be claimed again sooner: neither waits for the disk.
      const rows = await this.engine.transaction(async (db) => {
        const claim = this.q.claim.with({ now, until, token, limit });
        const made = this.made;
        const outcomes = await db.batch([...(await this.deliveriesToWrite(db)), claim, this.q.anyEnabled.with({})]);
        this.subscribed = (outcomes.at(-1) as Outcome<unknown>).rows.length > 0 || this.made !== made;
        return (outcomes.at(-2) as Outcome<RowOf<typeof claim>>).rows;
      }, { durable: false });
      // A claim holds a few events, each for several subscriptions: each is read once.
      const events = new Map<number, Promise<EventsTable | undefined>>();
      const targets = new Map<string, Promise<DeliveryTarget | undefined>>();
      const once = <K, V>(m: Map<K, Promise<V>>, key: K, read: () => Promise<V>) => m.get(key) ?? m.set(key, read()).get(key) as Promise<V>;
      const claimed: ClaimedDelivery[] = [];
      for (const r of rows.sort((a, b) => Number(a.event_seq) - Number(b.event_seq))) {
        const seq = Number(r.event_seq);
        const event = await once(events, seq, async () => (await this.q.event.rows(this.db, { seq }))[0]);
        const subscription = await once(targets, r.subscription_id, async () => {
          const [t] = await this.q.target.rows(this.db, { id: r.subscription_id });
          return t && { id: t.id, url: t.url, secret: t.secret, previousSecret: t.previous_secret, previousSecretUntil: t.previous_secret_until };
        });
        if (!event || !subscription) continue; // removed meanwhile: nothing to deliver
        claimed.push({ subscriptionId: r.subscription_id, eventSeq: seq, attempts: Number(r.attempts), token, event: toEvent(event), subscription });
      }
      return claimed;
    });
  }

  /** Until the transaction ends, no deliveries are written (PostgreSQL: SQLite's transactions run alone anyway). */
  private async holdDeliveryWriting(db: Executor): Promise<void> {
    if (this.engine.dialect === 'postgres') await this.q.holdCursor.run(db, {});
  }

  /** The statements that write the deliveries of the events since the cursor, in event order (at most EVENTS_AT_ONCE events). */
  private async deliveriesToWrite(db: Executor): Promise<Array<Statement<unknown>>> {
    const [cursor] = await this.q.cursor.rows(db, {});
    if (!cursor) return []; // another instance is writing them
    const after = Number(cursor.seq);
    const upto = Math.min(Number(cursor.last), after + EVENTS_AT_ONCE);
    if (upto <= after) return [];
    return [this.q.fanOut.with({ after, upto }), this.q.moveCursor.with({ seq: upto })];
  }

  /**
   * Makes due the next delivery in each line whose head ended, `at`; holding the cursor, so that no delivery
   * is written behind the ended one unseen (it would wait for a head that is no more).
   */
  private async nextInLine(db: Executor, lines: ReadonlyMap<string, { subscription: string; region: string }>, at: string): Promise<void> {
    if (lines.size === 0) return;
    await this.holdDeliveryWriting(db);
    const all = [...lines.values()];
    for (let start = 0; start < all.length; start += LINES_AT_ONCE) {
      const chunk = all.slice(start, start + LINES_AT_ONCE);
      await this.promotion(chunk.length).run(db, { at, ...Object.fromEntries(chunk.flatMap((l, i) => [[`s${i}`, l.subscription], [`r${i}`, l.region]])) });
    }
  }

  /** The statement that makes due the next in `count` lines, prepared once per count. */
  private promotion(count: number): Prepared<Record<string, string>, unknown> {
    let found = this.promotions.get(count);
    if (!found) {
      // Each line's first pending delivery by its key: one index lookup each, however long the line. That it
      // waits is asked in SET, not WHERE, where SQLite would rather scan every waiting delivery by its index.
      found = prepare(this.engine.db, (d, a: Record<string, string>) => d.updateTable('deliveries')
        .set((eb) => ({ next_attempt_at: eb.case().when('next_attempt_at', '=', WAITING).then(a.at).else(eb.ref('next_attempt_at')).end() }))
        .where((eb) => eb.or(Array.from({ length: count }, (_, i) => eb.and([eb('subscription_id', '=', a[`s${i}`]),
          eb('event_seq', '=', firstPending(d, a[`s${i}`], a[`r${i}`]))])))));
      this.promotions.set(count, found);
    }
    return found;
  }

  private held(d: ClaimedDelivery): Held {
    return { subscription: d.subscriptionId, seq: d.eventSeq, token: d.token, attempts: d.attempts };
  }

  // Each delivery's state and its subscription's counters commit together, so that a crash cannot leave the
  // counts off by one or a subscription not disabled; and a round's outcomes share one commit, which does not
  // wait for the disk: outcomes a crash of the machine loses are redeliveries with the same webhook-id.
  async recordOutcomes(outcomes: readonly DeliveryOutcome[], disableAfter: number): Promise<Array<{ recorded: boolean; disabled: boolean }>> {
    if (outcomes.length === 0) return [];
    // Subscriptions are updated in the order of their ids, so that two of these transactions (two instances,
    // or two batches of one) never lock the same two subscriptions in opposite orders (a deadlock on PostgreSQL).
    const order = outcomes.map((_, i) => i).sort((a, b) => (outcomes[a].delivery.subscriptionId < outcomes[b].delivery.subscriptionId ? -1
      : outcomes[a].delivery.subscriptionId > outcomes[b].delivery.subscriptionId ? 1 : a - b));
    return this.run(() => this.engine.transaction(async (db) => {
      const results: Array<{ recorded: boolean; disabled: boolean }> = new Array(outcomes.length);
      const ended = new Map<string, { subscription: string; region: string }>();
      let endedAt = '';
      const end = (o: DeliveryOutcome) => {
        ended.set(`${o.delivery.subscriptionId} ${o.delivery.event.regionCode}`, { subscription: o.delivery.subscriptionId, region: o.delivery.event.regionCode });
        if (o.at > endedAt) endedAt = o.at;
      };
      for (const i of order) {
        const o = outcomes[i];
        const held = this.held(o.delivery);
        const id = o.delivery.subscriptionId;
        if (o.kind === 'succeeded') {
          const { affected } = await this.q.succeeded.run(db, held);
          if (affected > 0) {
            await this.q.countSuccess.run(db, { id, now: o.at });
            end(o);
          }
          results[i] = { recorded: affected > 0, disabled: false };
        } else if (o.kind === 'retry') {
          const { affected } = await this.q.retry.run(db, extended(held, { next: o.nextAttemptAt, error: o.error }));
          results[i] = { recorded: affected > 0, disabled: false };
        } else {
          const { affected } = await this.q.failed.run(db, extended(held, { error: o.error }));
          if (affected === 0) {
            results[i] = { recorded: false, disabled: false };
            continue;
          }
          await this.q.countFailure.run(db, { id, now: o.at, error: o.error });
          end(o);
          const reason = `${disableAfter} consecutive deliveries failed; the last: ${o.error}`;
          const { affected: disabled } = await this.q.disable.run(db, { id, now: o.at, after: disableAfter, reason });
          results[i] = { recorded: true, disabled: disabled > 0 };
        }
      }
      await this.nextInLine(db, ended, endedAt);
      return results;
    }, { durable: false }));
  }

  async oldestPending(): Promise<string | undefined> {
    const [row] = await this.run(() => this.q.oldestPending.rows(this.db, {}));
    return row?.at ?? undefined;
  }
}
