/**
 * The event feed, the use case: events oldest first after an opaque cursor, filtered by type and region. A
 * cursor names the last event a consumer saw; events are numbered in commit order without gaps, so one who
 * keeps the cursor of each page misses nothing and sees nothing twice. A cursor older than the events kept
 * is gone (410): events after it may have been forgotten.
 */
import { DomainError, invalid } from './errors';
import { ALL_EVENT_TYPES, AnyEvent, cloudEventOf } from './events';
import { UseCaseContext } from './use-case';

export interface FeedSettings {
  /** The service's public URL with the API's base path, e.g. `https://sonar.example.org/v1`. */
  apiBase: string;
  retentionMs: number;
}

/**
 * A page of events, oldest first.
 * @example { "events": [], "next": "ZTEuMC4xOTcwLTAxLTAxVDAwOjAwOjAwLjAwMFo" }
 */
export interface EventPage {
  /** Oldest first: figures events and classification events. */
  events: AnyEvent[];
  /** The cursor to ask with next (`after=`): after the last event of this page, or the one asked with when it is empty. */
  next: string;
}

/**
 * A page, and until when it holds without any commit: the events kept are forgotten, and a cursor turns
 * 410, by the clock alone, so a page kept for re-serving must not outlive the retention of its oldest
 * instant (the cursor's, or without one its first event's). Undefined: only a commit changes it.
 */
export interface FeedAnswer {
  page: EventPage;
  validUntil?: Date;
}

export interface FeedQuery {
  after?: string;
  type?: string;
  region?: string;
  limit: number;
}

const START = { seq: 0, time: '' };

/** `e1.<seq>.<time>` in base64url: opaque to consumers; the time tells whether the events after it are still kept. */
export const cursorOf = (seq: number, time: string): string => Buffer.from(`e1.${seq}.${time}`, 'utf8').toString('base64url');

function parseCursor(text: string): { seq: number; time: string } | undefined {
  const parts = /^e1\.(\d{1,15})\.(\d{4}-\d\d-\d\dT[\d:.]+Z)$/.exec(Buffer.from(text, 'base64url').toString('utf8'));
  if (!parts || Number.isNaN(Date.parse(parts[2]))) return undefined;
  return { seq: Number(parts[1]), time: parts[2] };
}

export async function eventFeed(ctx: UseCaseContext, settings: FeedSettings, query: FeedQuery): Promise<FeedAnswer> {
  const cursor = query.after === undefined ? START : parseCursor(query.after);
  if (!cursor) throw invalid('The cursor is not one this feed gave; start without `after` or use a `next` cursor.', [{ field: 'query.after', detail: 'is not a cursor of this feed', found: query.after }]);
  if (query.type !== undefined && !(ALL_EVENT_TYPES as readonly string[]).includes(query.type)) {
    throw invalid('Unknown event type.', [{ field: 'query.type', detail: `is not an event type; they are ${ALL_EVENT_TYPES.join(', ')}`, found: query.type }]);
  }
  const regionCode = query.region === undefined ? undefined : ctx.reference.region(query.region).code;
  const keptSince = new Date(ctx.clock().getTime() - settings.retentionMs).toISOString();
  const gone = () => new DomainError('gone', 'Gone',
    `The cursor is of an event at ${cursor.time}, older than the ${Math.round(settings.retentionMs / 86_400_000)} days events are kept: events after it may be gone. Start again without \`after\` (and re-read the figures).`,
    [{ field: 'query.after', detail: 'is older than the events kept', found: query.after }]);
  if (cursor.seq > 0 && cursor.time < keptSince) throw gone();
  const [events, bounds] = await Promise.all([
    ctx.store.events.listEvents({ after: cursor.seq, type: query.type, regionCode, limit: query.limit }),
    cursor.seq > 0 ? ctx.store.events.eventBounds() : Promise.resolve({ first: undefined }),
  ]);
  // Numbers have no gaps: a first event kept beyond the cursor's next means some after it were forgotten.
  if (bounds.first !== undefined && bounds.first > cursor.seq + 1) throw gone();
  const last = events.at(-1);
  const oldest = cursor.seq > 0 ? cursor.time : events[0]?.time;
  return {
    page: {
      events: events.map((e) => cloudEventOf(e, ctx, settings.apiBase)),
      next: last ? cursorOf(last.seq, last.time) : (query.after ?? cursorOf(0, '1970-01-01T00:00:00.000Z')),
    },
    validUntil: oldest === undefined ? undefined : new Date(Date.parse(oldest) + settings.retentionMs),
  };
}
