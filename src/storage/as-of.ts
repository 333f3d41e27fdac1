import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Schema } from './schema';

/** An instant: a value (bound as a parameter) or an expression of the query, such as a column. */
export type Instant = string | RawBuilder<string>;

/** An upload that stood at the instant `asOf`: made at or before it, and not withdrawn at or before it. */
const stood = (upload: string, asOf: Instant) =>
  sql<boolean>`${sql.ref(`${upload}.uploaded_at`)} <= ${asOf} and (${sql.ref(`${upload}.withdrawn_at`)} is null or ${sql.ref(`${upload}.withdrawn_at`)} > ${asOf})`;

/**
 * The upload `u` counts at the instant `asOf`: of its region and period, the latest upload (by uploaded_at,
 * then id) that stood then, as current_uploads held then. The one place that rule is written.
 */
export const countsAt = (u: string, asOf: Instant) => sql<boolean>`${stood(u, asOf)} and not exists (select 1 from uploads later
      where later.region_code = ${sql.ref(`${u}.region_code`)} and later.period = ${sql.ref(`${u}.period`)} and ${stood('later', asOf)}
        and (later.uploaded_at, later.id) > (${sql.ref(`${u}.uploaded_at`)}, ${sql.ref(`${u}.id`)}))`;

/**
 * The uploads that count, as the table `counting` (region_code, period, upload_id) that every read of the
 * figures selects from: without `asOf` the current ones (current_uploads); with it, those that counted then
 * (countsAt).
 */
export function withCounting(db: Kysely<Schema>, asOf: string | undefined) {
  if (asOf === undefined) {
    return db.with('counting', (q) => q.selectFrom('current_uploads').select(['region_code', 'period', 'upload_id']));
  }
  return db.with('counting', (q) => q.selectFrom('uploads as u')
    .select(['u.region_code', 'u.period', 'u.id as upload_id'])
    .where(countsAt('u', asOf)));
}

/**
 * The latest period in which the region has an upload that counts, now or at the instant `asOf` (one row,
 * `period`). Not from `counting`: a statement naming that twice makes PostgreSQL materialize it whole.
 */
export function latestOfRegion(db: Kysely<Schema>, region: string, asOf: string | undefined) {
  return asOf === undefined
    ? db.selectFrom('current_uploads').select((eb) => eb.fn.max('period').as('period')).where('region_code', '=', region)
    // A period in which some upload of the region stood then has one that counted then: no need to find which.
    : db.selectFrom('uploads as l').select((eb) => eb.fn.max('l.period').as('period')).where('l.region_code', '=', region).where(stood('l', asOf));
}
