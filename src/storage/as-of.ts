import { type Kysely, sql } from 'kysely';
import type { Schema } from './schema';

/** An upload that stood at the instant `asOf`: made at or before it, and not withdrawn at or before it. */
const stood = (upload: string, asOf: string) =>
  sql<boolean>`${sql.ref(`${upload}.uploaded_at`)} <= ${asOf} and (${sql.ref(`${upload}.withdrawn_at`)} is null or ${sql.ref(`${upload}.withdrawn_at`)} > ${asOf})`;

/**
 * The uploads that count, as the table `counting` (region_code, period, upload_id) that every read of the
 * figures selects from: without `asOf` the current ones (current_uploads); with it, per region and period,
 * the latest upload (by uploaded_at, then id) that stood at that instant, as current_uploads held then.
 * The one place that rule is written.
 */
export function withCounting(db: Kysely<Schema>, asOf: string | undefined) {
  if (asOf === undefined) {
    return db.with('counting', (q) => q.selectFrom('current_uploads').select(['region_code', 'period', 'upload_id']));
  }
  return db.with('counting', (q) => q.selectFrom('uploads as u')
    .select(['u.region_code', 'u.period', 'u.id as upload_id'])
    .where(stood('u', asOf))
    .where(sql<boolean>`not exists (select 1 from uploads later
      where later.region_code = u.region_code and later.period = u.period and ${stood('later', asOf)}
        and (later.uploaded_at, later.id) > (u.uploaded_at, u.id))`));
}
