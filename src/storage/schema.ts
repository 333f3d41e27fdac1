/**
 * The tables as both engines hold them, for Kysely's types. Instants are ISO 8601 UTC text as
 * `Date#toISOString` writes them, on both engines, so that they compare as text alike.
 */
import type { ColumnType, Generated } from 'kysely';

export interface RegionsTable { code: string; name: string }
export interface GemeentenTable { code: string; name: string; region_code: string }

export interface UploadsTable {
  /** Drawn by the store inside the upload's write, once it holds the write lock: see figures-store.ts. */
  id: number;
  region_code: string;
  period: string;
  register_total: number | null;
  uploaded_by: string;
  uploaded_at: string;
  source: string;
  withdrawn_at: string | null;
  withdrawn_by: string | null;
  /** The region's label as the upload printed it ("28 Twente"); null before labels were kept. */
  region_label: string | null;
}

export interface UploadFiguresTable {
  upload_id: number;
  gemeente_code: string;
  gemeente_with_profile: number;
  gemeente_without_profile: number;
  uwv_with_profile: number;
  uwv_without_profile: number;
  printed_name: string | null;
  position: number | null;
}

export interface UploadSumsTable {
  upload_id: number;
  gemeente_with_profile: number;
  gemeente_without_profile: number;
  uwv_with_profile: number;
  uwv_without_profile: number;
}

/** Each period's national sums, a row per write that changed them (migration 9, national-sums.ts). */
export interface NationalSumsTable {
  period: string;
  /** The period's rows numbered in commit order, from 1. */
  n: number;
  valid_from: string;
  /** The next row's valid_from; null while current. */
  valid_until: string | null;
  regions: number;
  regions_with_register: number;
  register_total: number | null;
  gw: number;
  gwo: number;
  uw: number;
  uwo: number;
  /** The total over the regions with a register. */
  covered_total: number;
  /** The regions' codes, separated by spaces, in code order. */
  region_codes: string;
}

export interface CurrentUploadsTable { region_code: string; period: string; upload_id: number }

export interface IdempotencyKeysTable { client: string; key: string; fingerprint: string; answer: string; expires_at: string }

export interface SchemaMigrationsTable { version: number; name: string; applied_at: string }

/** Uploads set aside while a file is read (SQLite: TEMP tables; PostgreSQL: UNLOGGED ones), keyed by import. */
export interface StagedUploadsTable {
  import_id: ColumnType<number, number | string, never>;
  seq: number;
  region_code: string;
  period: string;
  register_total: number | null;
  uploaded_by: string;
  source: string;
  region_label: string | null;
}

export interface StagedFiguresTable {
  import_id: ColumnType<number, number | string, never>;
  seq: number;
  gemeente_code: string;
  gw: number;
  gwo: number;
  uw: number;
  uwo: number;
  printed_name: string | null;
  position: number;
}

export interface ClassificationYearsTable {
  year: number; gemeenten_source: string; membership: 'cbs' | 'derived'; membership_source: string; loaded_at: string; loaded_by: string;
}
export interface ClassificationRegionsTable { year: number; code: string; name: string }
export interface ClassificationGemeentenTable { year: number; code: string; name: string; region_code: string }
export interface HerindelingenTable { date: string; old_code: string; old_name: string; new_code: string; new_name: string }

/** PostgreSQL only: the row every write locks first and raises last. */
export interface FiguresVersionTable { only_row: Generated<boolean>; version: ColumnType<string, number | string, number | string> }

/** The outbox: one row per committed change of the figures, numbered in commit order (migration 10). */
export interface EventsTable {
  seq: number;
  type: string;
  region_code: string;
  period: string;
  /** The upload published, or the one withdrawn. */
  upload_id: number;
  time: string;
  /** 1 when figures stood for the region and period before (a publication replacing them). */
  replaced: number;
  /** The upload current after the change (null: none). */
  current_upload_id: number | null;
  /** The current figures' register and sums after the change (null: none). */
  register_total: number | null;
  gw: number | null; gwo: number | null; uw: number | null; uwo: number | null;
  /** An event's own data as JSON when it is not about figures (a classification loaded, migration 12); else null. */
  detail: string | null;
}

export interface SubscriptionsTable {
  id: string;
  owner: string;
  url: string;
  types: string;
  regions: string;
  /** Encrypted (webhooks/secrets.ts), never in plain text. */
  secret: string;
  previous_secret: string | null;
  previous_secret_until: string | null;
  created_at: string;
  disabled_at: string | null;
  disabled_reason: string | null;
  consecutive_failures: ColumnType<number, number | undefined, number>;
  delivered: ColumnType<number, number | undefined, number>;
  failed: ColumnType<number, number | undefined, number>;
  last_failure_at: string | null;
  last_failure_reason: string | null;
  last_success_at: string | null;
  /** The subscription gets the events after this one (the last when it was made). */
  after_seq: ColumnType<number, number | undefined, number>;
}

/** Its one row: the last event whose deliveries are written. */
export interface DeliveryCursorTable {
  id: number;
  seq: number;
}

export interface DeliveriesTable {
  subscription_id: string;
  event_seq: number;
  region_code: string;
  status: string;
  attempts: number;
  next_attempt_at: string;
  lease_until: string | null;
  leased_by: string | null;
  last_error: string | null;
}

export interface Schema {
  events: EventsTable;
  subscriptions: SubscriptionsTable;
  deliveries: DeliveriesTable;
  delivery_cursor: DeliveryCursorTable;
  regions: RegionsTable;
  gemeenten: GemeentenTable;
  uploads: UploadsTable;
  upload_figures: UploadFiguresTable;
  upload_sums: UploadSumsTable;
  current_uploads: CurrentUploadsTable;
  national_sums: NationalSumsTable;
  idempotency_keys: IdempotencyKeysTable;
  schema_migrations: SchemaMigrationsTable;
  staged_uploads: StagedUploadsTable;
  staged_figures: StagedFiguresTable;
  figures_version: FiguresVersionTable;
  classification_years: ClassificationYearsTable;
  classification_regions: ClassificationRegionsTable;
  classification_gemeenten: ClassificationGemeentenTable;
  herindelingen: HerindelingenTable;
}
