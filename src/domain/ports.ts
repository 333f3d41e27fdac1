/**
 * What the domain needs from storage. The store implements it on SQLite and on PostgreSQL; the domain never sees
 * SQL or driver types. Asynchronous, so that a store may wait on a database server; a store that cannot
 * reach its database fails with `DomainError('unavailable')`, never with a driver's error.
 */
import { StoredEvent } from './events';
import { Counts } from './figures';
import { GemeenteCounts, Printed } from './upload';
import { Region } from './reference';
import { Touched } from './staleness';
import type { Herindeling, YearClassification } from './classification';
import { UploadSource } from './views';

export interface NewUpload {
  regionCode: string;
  period: string;
  registerTotal: number | null;
  uploadedBy: string;
  source: UploadSource;
  rows: GemeenteCounts[];
  /** The region label and gemeente names as written; without it the table prints CBS names. */
  printed?: Printed;
}

/** An upload as stored: what was sent, its id, and whether it is still the one the reads serve. */
export interface UploadRecord extends Omit<NewUpload, 'rows'> {
  id: number;
  /** Taken by the store inside the upload's transaction, once it holds the write lock. */
  uploadedAt: string;
  current: boolean;
  gemeenteCount: number;
  withdrawnAt: string | null;
  withdrawnBy: string | null;
}

export interface StoredUpload extends UploadRecord {
  rows: GemeenteCounts[];
}

/** A gemeente's figures with its name as the upload printed it. */
export interface PrintedRow extends GemeenteCounts {
  printedName: string;
}

/** The current upload of a region and period as the upload printed it: label, names, order. */
export interface PrintedUpload extends UploadRecord {
  /** Null for uploads stored before labels were kept. */
  regionLabel: string | null;
  rows: PrintedRow[];
}

/** The upload that counts for a region and period, its gemeenten's counts summed (as stored with it): what a total needs. */
export interface UploadSums {
  regionCode: string;
  period: string;
  registerTotal: number | null;
  counts: Counts;
}

/**
 * A period's figures summed over every region with figures, as kept with each write: what a national total
 * needs, in one row whatever the number of regions.
 */
export interface NationalSums {
  period: string;
  /** Names these sums of the period as kept: another write to the period gives another version; absent when summed on the fly. */
  version?: string;
  /** The regions with figures, in code order. */
  regionCodes: string[];
  regionsWithRegister: number;
  /** The registers summed over the regions that have one; null when none has. */
  registerTotal: number | null;
  counts: Counts;
  /** The total over the regions with a register: what coverage divides by the register. */
  coveredTotal: number;
}

export type NationalSumsVersion = Required<Pick<NationalSums, 'period' | 'version'>>;

/** One gemeente's counts in one period. */
export interface GemeentePeriodCounts {
  period: string;
  /** The region whose upload holds the figures: the gemeente's region in that period. */
  regionCode: string;
  row: GemeenteCounts;
}

export interface UploadFilter {
  regionCode?: string;
  period?: string;
  uploadedBy?: string;
  limit: number;
  offset: number;
}

/**
 * The instant of a write, as `Date#toISOString` writes it. A store asks it inside the write's transaction,
 * after taking the lock that orders writers, so that id order and instant order agree: reads as of an
 * instant, and withdrawals, order uploads by that instant.
 */
export type WriteClock = () => string;

/** A client's Idempotency-Key and a fingerprint of the request that used it. */
export interface IdempotencyClaim {
  client: string;
  key: string;
  fingerprint: string;
}

/** Remembers, in the upload's own transaction, the answer to give when the same key comes again. */
export interface Remember extends IdempotencyClaim {
  now: string;
  expiresAt: string;
  answer(records: UploadRecord[]): string;
}

/**
 * Uploads set aside while a file is still being read, so that a large file never has to be held in memory
 * and nothing reaches the figures until the whole file has been checked.
 */
export interface Staging {
  /** Awaited before the next table is read, so that a slow store slows the reader instead of the file piling up. */
  add(upload: NewUpload): Promise<void>;
  /**
   * Stores everything staged in one transaction, making each the current upload of its region and period;
   * every upload gets the one instant `now` gives inside that transaction.
   */
  commit(now: WriteClock, remember?: Remember): Promise<UploadRecord[]>;
  /** Forgets everything staged; harmless after a commit, and more than once. */
  discard(): Promise<void>;
}

export interface FiguresStore {
  /** The events every write leaves in its own transaction, and the webhooks that carry them. */
  readonly events: EventStore;
  /** The regions and gemeenten of the latest year loaded at or before `year` (by default this calendar year's). */
  referenceData(year?: number): Promise<Region[]>;
  /** Every year's classification and the herindelingen between them. */
  classifications(): Promise<{ years: YearClassification[]; herindelingen: Herindeling[] }>;
  /** Which years are loaded and when each was: moves whenever a year is loaded or replaced (classificationStamp). */
  classificationStamp(): Promise<string>;
  /** Stores one year's classification whole, replacing what the year held, in one transaction. */
  storeClassification(year: YearClassification, herindelingen: readonly Herindeling[]): Promise<void>;
  /**
   * Changes whenever another connection (another process or instance) commits to the database. Synchronous
   * and cheap: every cached read asks it.
   */
  externalChanges(): number;
  /**
   * What other instances' commits touched, one list per commit, since the last call (which takes them);
   * a commit whose scope is not known moves `externalChanges` instead. Synchronous and cheap.
   */
  foreignChanges(): Touched[][];
  /** False while the database cannot be reached (SQLite: once the file is closed). Synchronous. */
  isAvailable(): boolean;
  /** Releases the database; idempotent. */
  close(): Promise<void>;
  /**
   * Latest period with figures, for one region or for any. Every read taking `asOf` (an instant as
   * `Date#toISOString` writes it) answers from the uploads as they stood then instead of the current ones.
   */
  latestPeriod(regionCode?: string, asOf?: string): Promise<string | undefined>;
  /** Periods with figures, of one region or of any, oldest first. */
  periods(regionCode?: string): Promise<string[]>;
  /** The current upload with its gemeenten in the upload's order and as it printed them. */
  printedUpload(regionCode: string, period: string): Promise<PrintedUpload | undefined>;
  /** The region labels of the period's current uploads, by region code; regions without one are left out. */
  regionLabels(period: string): Promise<Map<string, string>>;
  /**
   * The uploads that count in a period (of one region, or of every region with figures), by region code. Here and
   * in `periodSums`, without a period: in the latest with figures (of the region, or of any), found in the same query.
   */
  currentUploads(period: string | undefined, options?: { regionCode?: string; asOf?: string }): Promise<StoredUpload[]>;
  /** Of one region, or of all: each upload that counts, summed, by period then region; in one query. */
  uploadSums(regionCode?: string, asOf?: string): Promise<UploadSums[]>;
  /** The uploads that count in one period (of one region, or of every region with figures), summed as stored with each, by region code; one query. */
  periodSums(period: string | undefined, options?: { regionCode?: string; asOf?: string }): Promise<UploadSums[]>;
  /** Every period's national sums, of the periods with figures, oldest first; one query. */
  nationalSums(options?: { asOf?: string }): Promise<NationalSums[]>;
  /** One period's national sums, or without a period the latest's with figures; none when it has none; one query. */
  periodNationalSums(period: string | undefined, asOf?: string): Promise<NationalSums | undefined>;
  /** The versions of every period's national sums that `nationalSums` would give, oldest first: one short read. */
  nationalSumVersions(asOf?: string): Promise<NationalSumsVersion[]>;
  /** One gemeente's counts in every period its region's upload that counts lists it, oldest first; one query. */
  gemeenteHistory(gemeenteCode: string, asOf?: string): Promise<GemeentePeriodCounts[]>;
  /** The fingerprint and answer remembered for a client's key, unless it has expired. */
  rememberedAnswer(client: string, key: string, now: string): Promise<{ fingerprint: string; answer: string } | undefined>;
  /** Starts setting uploads aside; holds no lock on the figures until its commit. The one way uploads are stored. */
  beginStaging(): Promise<Staging>;
  listUploads(filter: UploadFilter): Promise<UploadRecord[]>;
  /** How many uploads match the filter, ignoring its limit and offset. */
  countUploads(filter: UploadFilter): Promise<number>;
  /**
   * Marks the upload withdrawn, and if it was current makes the latest standing upload of its region and
   * period current (by uploaded_at, then id), or leaves that period without figures. False, and nothing
   * changed, when it was withdrawn already or there is no such upload. `now` gives the withdrawal's instant
   * inside its transaction.
   */
  withdrawUpload(id: number, withdrawnBy: string, now: WriteClock): Promise<boolean>;
  /** Undefined for an id that names no upload, also one no upload can have (below 1, or beyond the id column's range). */
  getUpload(id: number): Promise<StoredUpload | undefined>;
}

/** A page of the event feed: events after `after` (an event's seq; 0: from the start), oldest first. */
export interface EventFilter {
  after: number;
  type?: string;
  regionCode?: string;
  limit: number;
}

/** A webhook subscription as stored; its secrets encrypted (never in plain text). */
export interface SubscriptionRecord {
  id: string;
  /** The API key's name that made it: only that key sees, lists and deletes it. */
  owner: string;
  url: string;
  /** Empty: every type (region: every region). */
  types: string[];
  regions: string[];
  secret: string;
  /** During a rotation: the secret before, still signing until `previousSecretUntil`. */
  previousSecret: string | null;
  previousSecretUntil: string | null;
  createdAt: string;
  disabledAt: string | null;
  disabledReason: string | null;
  consecutiveFailures: number;
  delivered: number;
  failed: number;
  pending: number;
  lastFailureAt: string | null;
  lastFailureReason: string | null;
  lastSuccessAt: string | null;
}

export type NewSubscription = Pick<SubscriptionRecord, 'id' | 'owner' | 'url' | 'types' | 'regions' | 'secret' | 'createdAt'>;

/** A delivery one instance holds under a lease: `token` proves it still holds it when it reports back. */
export interface ClaimedDelivery {
  subscriptionId: string;
  eventSeq: number;
  /** Attempts made so far, this one included. */
  attempts: number;
  token: string;
  event: StoredEvent;
  subscription: DeliveryTarget;
}

/** What a delivery needs of its subscription: where to, and the secrets to sign with. */
export type DeliveryTarget = Pick<SubscriptionRecord, 'id' | 'url' | 'secret' | 'previousSecret' | 'previousSecretUntil'>;

/** What became of an attempt: accepted, to be retried at `nextAttemptAt`, or given up. */
export type DeliveryOutcome = { delivery: ClaimedDelivery; at: string } & (
  | { kind: 'succeeded' }
  | { kind: 'retry'; nextAttemptAt: string; error: string }
  | { kind: 'failed'; error: string });

/**
 * The outbox the writes fill (events, written in the change's own transaction), the feed over it, the
 * subscriptions and their deliveries. Deliveries are claimed with a lease: each is attempted by one
 * holder at a time, and one whose holder died is claimed again once its lease has passed.
 */
export interface EventStore {
  listEvents(filter: EventFilter): Promise<StoredEvent[]>;
  /** The first and last event kept (undefined when there are none). */
  eventBounds(): Promise<{ first?: number; last?: number }>;
  /**
   * Forgets events older than `before` (the newest always stays) whose deliveries are written and done; how
   * many went.
   */
  pruneEvents(before: string): Promise<number>;
  /**
   * Makes due, at `now`, the first pending delivery of each subscription and region that has none due (a
   * line that no ended delivery will move on: left by an instance of an earlier version); how many.
   */
  repairLines(now: string): Promise<number>;
  createSubscription(subscription: NewSubscription): Promise<void>;
  getSubscription(id: string): Promise<SubscriptionRecord | undefined>;
  listSubscriptions(owner: string): Promise<SubscriptionRecord[]>;
  /** Removes it and its deliveries not yet made; false when there is none. */
  deleteSubscription(id: string): Promise<boolean>;
  rotateSecret(id: string, secret: string, previous: string, previousUntil: string): Promise<void>;
  /**
   * Writes the deliveries of the events committed since it last did, then claims up to `limit` due ones,
   * the longest due first, each the earliest undone of its subscription and region (so that a region's
   * events arrive in commit order), for `token` until `leaseUntil`.
   */
  claimDeliveries(now: string, leaseUntil: string, token: string, limit: number): Promise<ClaimedDelivery[]>;
  /**
   * Whether a subscription was enabled at the last claim, or this instance made one since: without one, a
   * claim has nothing to write or make but the cursor's move, which the next poll makes.
   */
  readonly subscribed: boolean;
  /**
   * Records the outcomes of attempts, each delivery's state with its subscription's counters, all in one
   * transaction (one commit for a round of attempts, not one per delivery). An outcome whose lease was lost
   * meanwhile changes nothing (`recorded` false); a failed delivery disables its subscription after
   * `disableAfter` consecutive ones (`disabled` true).
   */
  recordOutcomes(outcomes: readonly DeliveryOutcome[], disableAfter: number): Promise<Array<{ recorded: boolean; disabled: boolean }>>;
  /** When the oldest delivery still pending was due (undefined: none). */
  oldestPending(): Promise<string | undefined>;
}
