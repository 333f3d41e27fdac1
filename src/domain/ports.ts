/** What the domain needs from storage. The SQLite store implements it; the domain never sees SQL. */
import { Counts } from './figures';
import { GemeenteCounts, Printed } from './upload';
import { Region } from './reference';
import { UploadSource } from './views';

export interface NewUpload {
  regionCode: string;
  period: string;
  registerTotal: number | null;
  uploadedBy: string;
  uploadedAt: string;
  source: UploadSource;
  rows: GemeenteCounts[];
  /** The region label and gemeente names as written; without it the table prints CBS names. */
  printed?: Printed;
}

/** An upload as stored: what was sent, its id, and whether it is still the one the reads serve. */
export interface UploadRecord extends Omit<NewUpload, 'rows'> {
  id: number;
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

/** One gemeente's counts in one period. */
export interface GemeentePeriodCounts {
  period: string;
  row: GemeenteCounts;
}

export interface UploadFilter {
  regionCode?: string;
  period?: string;
  uploadedBy?: string;
  limit: number;
  offset: number;
}

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
  add(upload: NewUpload): void;
  /** Stores everything staged in one transaction, making each the current upload of its region and period. */
  commit(remember?: Remember): UploadRecord[];
  /** Forgets everything staged; harmless after a commit. */
  discard(): void;
}

export interface FiguresStore {
  referenceData(): Region[];
  /** Changes whenever another connection (another process) commits to the database. */
  externalChanges(): number;
  /**
   * Latest period with figures, for one region or for any. Every read taking `asOf` (an instant as
   * `Date#toISOString` writes it) answers from the uploads as they stood then instead of the current ones.
   */
  latestPeriod(regionCode?: string, asOf?: string): string | undefined;
  periods(): string[];
  /** The current upload with its gemeenten in the upload's order and as it printed them. */
  printedUpload(regionCode: string, period: string): PrintedUpload | undefined;
  /** The region labels of the period's current uploads, by region code; regions without one are left out. */
  regionLabels(period: string): Map<string, string>;
  /** One region's periods with figures, oldest first. */
  regionPeriods(regionCode: string): string[];
  currentUpload(regionCode: string, period: string, asOf?: string): StoredUpload | undefined;
  currentUploads(period: string, asOf?: string): StoredUpload[];
  /** Of one region, or of all: each upload that counts, summed, by period then region; in one query. */
  uploadSums(regionCode?: string, asOf?: string): UploadSums[];
  /** One gemeente's counts in every period its region's upload that counts lists it, oldest first; one query. */
  gemeenteHistory(gemeenteCode: string, asOf?: string): GemeentePeriodCounts[];
  /** Stores all or none, and makes each the current upload of its region and period. */
  saveUploads(uploads: NewUpload[], remember?: Remember): UploadRecord[];
  /** The fingerprint and answer remembered for a client's key, unless it has expired. */
  rememberedAnswer(client: string, key: string, now: string): { fingerprint: string; answer: string } | undefined;
  /** Starts setting uploads aside; holds no lock on the figures until its commit. */
  beginStaging(): Staging;
  listUploads(filter: UploadFilter): UploadRecord[];
  /** How many uploads match the filter, ignoring its limit and offset. */
  countUploads(filter: UploadFilter): number;
  /**
   * Marks the upload withdrawn, and if it was current makes the latest standing upload of its region and
   * period current (by uploaded_at, then id), or leaves that period without figures. False, and nothing
   * changed, when it was withdrawn already.
   */
  withdrawUpload(id: number, withdrawnBy: string, withdrawnAt: string): boolean;
  getUpload(id: number): StoredUpload | undefined;
}
