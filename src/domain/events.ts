/**
 * The events this service announces: each committed change of the figures, as a CloudEvent 1.0 following
 * the NL GOV profile. The store writes them in the change's own transaction (the outbox); the feed and the
 * webhooks read them from there, so nothing is announced that was not committed and nothing committed goes
 * unannounced.
 */
import { Counts, summarize } from './figures';
import { refOf } from './read-shapes';
import type { Classifications } from './classification';
import { ReferenceData, RegionRef } from './reference';
import { RegionTotals } from './views';

export const EVENT_TYPES = {
  /** Figures were published for a region and period (a new upload became current). */
  published: 'nl.uwv.sonar-transparency.figures-published',
  /** An upload was withdrawn; the upload before it, if any, is current again. */
  withdrawn: 'nl.uwv.sonar-transparency.upload-withdrawn',
  /**
   * An operator loaded (or replaced) a year's classification of gemeenten and regions. It concerns every
   * region, so a subscription or feed filtered by region gets it too; one filtered by type only when asked for.
   */
  classificationLoaded: 'nl.uwv.sonar-transparency.classification-loaded',
} as const;

export type EventType = (typeof EVENT_TYPES)[keyof typeof EVENT_TYPES];
export const ALL_EVENT_TYPES: readonly EventType[] = Object.values(EVENT_TYPES);

/** An event as the store keeps it: its place in commit order and the figures current after the change. */
export interface StoredEvent {
  seq: number;
  type: EventType;
  regionCode: string;
  period: string;
  uploadId: number;
  time: string;
  replaced: boolean;
  currentUploadId: number | null;
  registerTotal: number | null;
  /** The current figures' sums after the change; null when the region has none for the period. */
  counts: Counts | null;
  /** A classification event's own data (regionCode is '' and period the year for it); absent for figures events. */
  classification?: ClassificationEventData;
}

/**
 * What a classification event tells: the year loaded, where its gemeenten and its region membership come
 * from, and whether it replaced the year as loaded before.
 * @example { "year": 2027, "replaced": false, "gemeenten": 341, "regions": 35, "gemeentenSource": "gemeenten-2027.csv", "membership": "cbs", "membershipSource": "gemeenten-2027.csv", "loadedAt": "2026-12-01T09:00:00.000Z", "loadedBy": "operator" }
 */
export interface ClassificationEventData {
  /**
   * The year whose classification was loaded.
   * @isInt
   * @minimum 2019
   * @example 2027
   */
  year: number;
  /** Whether the year was loaded before and this replaced it (e.g. derived membership by CBS's own table). */
  replaced: boolean;
  /**
   * How many gemeenten the year has.
   * @isInt
   * @minimum 0
   * @example 341
   */
  gemeenten: number;
  /**
   * How many arbeidsmarktregio's the year has.
   * @isInt
   * @minimum 0
   * @example 35
   */
  regions: number;
  /** Where the year's gemeenten (codes, names) come from. */
  gemeentenSource: string;
  /** Region membership from CBS's own table, or derived from another year. */
  membership: 'cbs' | 'derived';
  /** Where the year's region membership comes from; for derived membership, how. */
  membershipSource: string;
  /** When it was loaded (RFC 3339). */
  loadedAt: string;
  /** Who loaded it. */
  loadedBy: string;
}

/**
 * What a figures event tells. `uploadId` is the upload published or withdrawn; `currentUploadId` the one
 * the reads serve now (null: none); `totals` the region totals the reads now give (null: none).
 * @example { "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "uploadId": 1, "replaced": false, "currentUploadId": 1, "totals": { "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "gemeenteClients": { "withProfile": 38, "withoutProfile": 1216 }, "uwvClients": { "withProfile": 3476, "withoutProfile": 3168 }, "total": 7898, "registerTotal": 10371, "coverage": 0.7615, "coveragePercent": 76, "profileShare": 0.4449, "profileSharePercent": 44 } }
 */
export interface FiguresEventData {
  /** The region whose figures changed. */
  region: RegionRef;
  /**
   * The period whose figures changed, YYYY-MM.
   * @example "2026-06"
   */
  period: string;
  /**
   * The upload published, or the one withdrawn.
   * @isInt
   * @minimum 1
   * @example 1
   */
  uploadId: number;
  /** Published: whether earlier figures stood for the region and period and were replaced. Withdrawn: always false. */
  replaced: boolean;
  /**
   * The upload the reads serve now; null when the region has no figures for the period.
   * @isInt
   * @minimum 1
   * @example 1
   */
  currentUploadId: number | null;
  /** The region totals the reads give now; absent when the region has no figures for the period. */
  totals?: RegionTotals;
}

/** What every CloudEvent 1.0 of this service carries (NL GOV profile), whatever it tells. */
export interface CloudEventEnvelope {
  /**
   * The CloudEvents version.
   * @example "1.0"
   */
  specversion: '1.0';
  /**
   * Unique for this source; events are numbered in commit order.
   * @example "1"
   */
  id: string;
  /**
   * This service, as a URI.
   * @example "https://sonar.example.org/v1"
   */
  source: string;
  /** When the change was committed (RFC 3339). */
  time: string;
  /**
   * The media type of `data`.
   * @example "application/json"
   */
  datacontenttype: 'application/json';
}

/**
 * A CloudEvent 1.0 (NL GOV profile) telling of one committed change of the figures.
 * @example { "specversion": "1.0", "id": "1", "source": "http://localhost:3000/v1", "type": "nl.uwv.sonar-transparency.figures-published", "subject": "AM05/2026-06", "time": "2026-07-01T09:30:00.000Z", "datacontenttype": "application/json", "dataref": "http://localhost:3000/v1/regions/AM05/totals?period=2026-06", "data": { "region": { "code": "AM05", "name": "Twente" }, "period": "2026-06", "uploadId": 1, "replaced": false, "currentUploadId": 1 } }
 */
export interface FiguresEvent extends CloudEventEnvelope {
  /** Reverse-DNS type: `nl.uwv.sonar-transparency.figures-published` or `nl.uwv.sonar-transparency.upload-withdrawn`. */
  type: string;
  /** The region's CBS code and the period: `AM05/2026-06`. */
  subject: string;
  /** The read that gives the new figures. */
  dataref: string;
  /** The region, period, upload and the region totals now. */
  data: FiguresEventData;
}

/**
 * A CloudEvent 1.0 (NL GOV profile) telling that a year's classification was loaded.
 * @example { "specversion": "1.0", "id": "7", "source": "http://localhost:3000/v1", "type": "nl.uwv.sonar-transparency.classification-loaded", "subject": "2027", "time": "2026-12-01T09:00:00.000Z", "datacontenttype": "application/json", "dataref": "http://localhost:3000/v1/regions?year=2027", "data": { "year": 2027, "replaced": false, "gemeenten": 341, "regions": 35, "gemeentenSource": "gemeenten-2027.csv", "membership": "cbs", "membershipSource": "gemeenten-2027.csv", "loadedAt": "2026-12-01T09:00:00.000Z", "loadedBy": "operator" } }
 */
export interface ClassificationEvent extends CloudEventEnvelope {
  /** `nl.uwv.sonar-transparency.classification-loaded`. */
  type: string;
  /** The year: `2027`. */
  subject: string;
  /** The read that gives the year's regions and their gemeenten counts. */
  dataref: string;
  /** The year, its size and where it comes from. */
  data: ClassificationEventData;
}

/** Any event this service announces. */
export type AnyEvent = FiguresEvent | ClassificationEvent;

/** Where a figures event's region gets its name: the classification of the event's period (AM99 in 2020, AM06's old name). */
export interface EventNaming {
  readonly reference: ReferenceData;
  readonly classifications: Classifications;
}

/** The CloudEvent of a stored event; `base` is the service's public URL with its API's base path (`https://…/v1`). */
export function cloudEventOf(event: StoredEvent, naming: EventNaming, base: string): AnyEvent {
  if (event.classification) {
    return {
      specversion: '1.0', id: String(event.seq), source: base, type: event.type, subject: event.period, time: event.time,
      datacontenttype: 'application/json', dataref: `${base}/regions?year=${event.period}`, data: event.classification,
    };
  }
  // A region its period's classification no longer knows (a year replaced since) keeps the name a year gave it.
  const region = refOf(naming.classifications.forPeriodOr(event.period, naming.reference).findRegion(event.regionCode)
    ?? naming.classifications.regionOfAnyYear(event.regionCode, naming.reference));
  const totals = event.counts === null ? null : { region, period: event.period, ...summarize([event.counts], event.registerTotal) };
  return {
    specversion: '1.0',
    id: String(event.seq),
    source: base,
    type: event.type,
    subject: `${event.regionCode}/${event.period}`,
    time: event.time,
    datacontenttype: 'application/json',
    dataref: `${base}/regions/${event.regionCode}/totals?period=${event.period}`,
    data: { region, period: event.period, uploadId: event.uploadId, replaced: event.replaced, currentUploadId: event.currentUploadId, ...(totals ? { totals } : {}) },
  };
}
