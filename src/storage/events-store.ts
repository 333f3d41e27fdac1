import { type Kysely, sql } from 'kysely';
import { Counts } from '../domain/figures';
import { ClassificationEventData, EventType, StoredEvent } from '../domain/events';
import type { EventFilter } from '../domain/ports';
import type { Dialect } from './migrations/migrations';
import { prepare, type Prepared } from './prepared';
import type { EventsTable, Schema } from './schema';

/** The number of the last event (0: none yet). */
export const lastEventSeq = (d: Kysely<Schema>) => d.selectFrom('events').select(sql<number>`coalesce(max(seq), 0)`.as('seq'));

/** ' a b ' for a list, '' for "all": what subscriptions hold, matched with LIKE alike on both engines. */
export const spaced = (items: readonly string[]): string => (items.length === 0 ? '' : ` ${items.join(' ')} `);
export const unspaced = (text: string): string[] => text.trim().split(' ').filter((s) => s !== '');

const countsOf = (r: Pick<EventsTable, 'gw' | 'gwo' | 'uw' | 'uwo'>): Counts | null => (r.gw === null
  ? null : { gemeenteClients: { withProfile: r.gw, withoutProfile: r.gwo as number }, uwvClients: { withProfile: r.uw as number, withoutProfile: r.uwo as number } });

export const toEvent = (r: EventsTable): StoredEvent => ({
  seq: Number(r.seq), type: r.type as EventType, regionCode: r.region_code, period: r.period, uploadId: r.upload_id, time: r.time,
  replaced: Number(r.replaced) === 1, currentUploadId: r.current_upload_id, registerTotal: r.register_total, counts: countsOf(r),
  ...(r.detail ? { classification: JSON.parse(r.detail) as ClassificationEventData } : {}),
});

/**
 * The outbox's writes, run inside a write of the figures (figures-store.ts), each written once for both
 * engines. Events are numbered after the largest so far, in the statement that writes them and under the
 * write lock, so numbers follow commit order without gaps. Their deliveries are written later, by the deliveries' side (events-database.ts), so
 * that an upload pays for one row whatever the number of subscriptions.
 */
export function outboxWrites(db: Kysely<Schema>) {
  return {
    /** One event per upload of a commit (ids base+1 … base+count), with its sums and whether figures stood before. */
    published: prepare(db, (d, a: { base: number; count: number; type: string }) => d.insertInto('events')
      .columns(['seq', 'type', 'region_code', 'period', 'upload_id', 'time', 'replaced', 'current_upload_id', 'register_total', 'gw', 'gwo', 'uw', 'uwo'])
      .expression(d.selectFrom('uploads as u').innerJoin('upload_sums as s', 's.upload_id', 'u.id')
        .leftJoin('current_uploads as c', (j) => j.onRef('c.region_code', '=', 'u.region_code').onRef('c.period', '=', 'u.period'))
        .select((eb) => [
          sql<number>`(${lastEventSeq(d)}) + u.id - cast(${a.base} as integer)`.as('seq'), sql<string>`cast(${a.type} as text)`.as('type'),
          'u.region_code', 'u.period', 'u.id', 'u.uploaded_at',
          eb.case().when(eb.exists(eb.selectFrom('uploads as p').select(sql`1`.as('one')).whereRef('p.region_code', '=', 'u.region_code')
            .whereRef('p.period', '=', 'u.period').whereRef('p.id', '<', 'u.id').where('p.withdrawn_at', 'is', null))).then(1).else(0).end().as('replaced'),
          'c.upload_id', 'u.register_total', 's.gemeente_with_profile', 's.gemeente_without_profile', 's.uwv_with_profile', 's.uwv_without_profile'])
        .where('u.id', '>', a.base).where('u.id', '<=', sql<number>`cast(${a.base} as integer) + cast(${a.count} as integer)`))),
    /** The withdrawal of one upload, with the upload current afterwards and its sums (none: nulls). */
    withdrawn: prepare(db, (d, a: { id: number; at: string; type: string }) => d.insertInto('events')
      .columns(['seq', 'type', 'region_code', 'period', 'upload_id', 'time', 'replaced', 'current_upload_id', 'register_total', 'gw', 'gwo', 'uw', 'uwo'])
      .expression(d.selectFrom('uploads as u')
        .leftJoin('current_uploads as c', (j) => j.onRef('c.region_code', '=', 'u.region_code').onRef('c.period', '=', 'u.period'))
        .leftJoin('uploads as cu', 'cu.id', 'c.upload_id')
        .leftJoin('upload_sums as s', 's.upload_id', 'c.upload_id')
        .select([sql<number>`(${lastEventSeq(d)}) + 1`.as('seq'), sql<string>`cast(${a.type} as text)`.as('type'), 'u.region_code', 'u.period', 'u.id',
          sql<string>`cast(${a.at} as text)`.as('time'), sql<number>`0`.as('replaced'), 'c.upload_id', 'cu.register_total',
          's.gemeente_with_profile', 's.gemeente_without_profile', 's.uwv_with_profile', 's.uwv_without_profile'])
        .where('u.id', '=', a.id))),
    /** A year's classification loaded: an event of no region ('') for the year, with its data. */
    classificationLoaded: prepare(db, (d, a: { year: string; at: string; replaced: number; detail: string; type: string }) => d.insertInto('events').values({
      seq: sql<number>`(${lastEventSeq(d)}) + 1`, type: a.type, region_code: '', period: a.year, upload_id: 0, time: a.at, replaced: a.replaced,
      current_upload_id: null, register_total: null, gw: null, gwo: null, uw: null, uwo: null, detail: a.detail })),
  };
}

export type OutboxWrites = ReturnType<typeof outboxWrites>;

/** The feed's reads, one prepared query per combination of filters. */
export class EventFeedQueries {
  private readonly lists = new Map<string, Prepared<EventFilter, EventsTable>>();
  readonly bounds;
  readonly prune;

  constructor(private readonly db: Kysely<Schema>, readonly dialect: Dialect) {
    this.bounds = prepare(db, (d) => d.selectFrom('events').select([sql<number | null>`min(seq)`.as('first'), sql<number | null>`max(seq)`.as('last')]));
    // The newest event stays whatever its age, so that numbering goes on after it; and one whose deliveries
    // are not written yet (beyond the delivery cursor) stays until they are.
    this.prune = {
      deliveries: prepare(db, (d, a: { before: string }) => d.deleteFrom('deliveries').where('status', '<>', 'pending')
        .where('event_seq', 'in', d.selectFrom('events').select('seq').where('time', '<', a.before))),
      events: prepare(db, (d, a: { before: string }) => d.deleteFrom('events').where('time', '<', a.before)
        .where('seq', '<', d.selectFrom('events as m').select(sql<number>`max(m.seq)`.as('m')))
        .where('seq', '<=', d.selectFrom('delivery_cursor').select('seq'))
        .where((eb) => eb.not(eb.exists(eb.selectFrom('deliveries as p').select(sql`1`.as('one')).whereRef('p.event_seq', '=', 'events.seq'))))),
    };
  }

  list(filter: EventFilter): Prepared<EventFilter, EventsTable> {
    const given = { type: filter.type !== undefined, region: filter.regionCode !== undefined };
    const key = JSON.stringify(given);
    let found = this.lists.get(key);
    if (!found) {
      found = prepare(this.db, (d, a: EventFilter) => d.selectFrom('events').selectAll().where('seq', '>', a.after)
        .$if(given.type, (qb) => qb.where('type', '=', a.type as string))
        .$if(given.region, (qb) => qb.where((eb) => eb.or([eb('region_code', '=', a.regionCode as string), eb('region_code', '=', '')])))
        .orderBy('seq').limit(a.limit));
      this.lists.set(key, found);
    }
    return found;
  }
}
