/** What the domain needs from storage. The SQLite store implements it; the domain never sees SQL. */
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
  /** Latest period with figures, for one region or for any. */
  latestPeriod(regionCode?: string): string | undefined;
  periods(): string[];
  currentUpload(regionCode: string, period: string): StoredUpload | undefined;
  currentUploads(period: string): StoredUpload[];
  /** The current upload with its gemeenten in the upload's order and as it printed them. */
  printedUpload(regionCode: string, period: string): PrintedUpload | undefined;
  /** The region labels of the period's current uploads, by region code; regions without one are left out. */
  regionLabels(period: string): Map<string, string>;
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
