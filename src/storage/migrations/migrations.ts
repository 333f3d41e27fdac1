/**
 * The schema's history, each step written once for both engines. Where the engines store a thing
 * differently, the step asks `Flavor`: text compares bytewise on both ("C" collation on PostgreSQL, as
 * SQLite does), SQLite keeps keyed tables WITHOUT ROWID, and a period is checked by GLOB or by pattern.
 * Versions 1-6 are those of the first release's SQLite files; PostgreSQL recorded all of them, with its own
 * coordination tables (7), as its version 1 (see migrator.ts).
 */
import { type CreateTableBuilder, type Kysely, sql } from 'kysely';
import { countsAt } from '../as-of';
import { NATIONAL_COLUMNS, nationalAggregates } from '../national-sums';

export type Dialect = 'sqlite' | 'postgres';

export interface Flavor {
  dialect: Dialect;
  /** Text that compares and sorts bytewise. */
  text: ReturnType<typeof sql>;
  /** A table whose rows are found by their key only. */
  keyed<T extends string, C extends string>(table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C>;
}

export function flavorOf(dialect: Dialect): Flavor {
  return dialect === 'sqlite'
    ? { dialect, text: sql`text`, keyed: (table) => table.modifyEnd(sql`without rowid`) }
    : { dialect, text: sql`text collate "C"`, keyed: (table) => table };
}

export interface Migration {
  version: number;
  name: string;
  up(db: Kysely<unknown>, flavor: Flavor): Promise<void>;
}

const PERIOD = { sqlite: sql`period glob '[12][0-9][0-9][0-9]-[01][0-9]'`, postgres: sql`period ~ '^[12][0-9][0-9][0-9]-[01][0-9]$'` };

const counts = ['gemeente_with_profile', 'gemeente_without_profile', 'uwv_with_profile', 'uwv_without_profile'] as const;

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: 'initial',
    // Reference data (CBS "Gebieden in Nederland 2026") and the uploads. Uploads are immutable;
    // current_uploads points at the one that counts for each region and period.
    async up(db, f) {
      await f.keyed(db.schema.createTable('regions')
        .addColumn('code', f.text, (c) => c.primaryKey())
        .addColumn('name', f.text, (c) => c.notNull().unique())).execute();
      await f.keyed(db.schema.createTable('gemeenten')
        .addColumn('code', f.text, (c) => c.primaryKey())
        .addColumn('name', f.text, (c) => c.notNull())
        .addColumn('region_code', f.text, (c) => c.notNull().references('regions.code'))).execute();
      await db.schema.createIndex('gemeenten_by_region').on('gemeenten').columns(['region_code', 'name']).execute();
      await db.schema.createTable('uploads')
        .addColumn('id', 'integer', (c) => c.primaryKey())
        .addColumn('region_code', f.text, (c) => c.notNull().references('regions.code'))
        .addColumn('period', f.text, (c) => c.notNull().check(PERIOD[f.dialect]))
        .addColumn('register_total', 'integer', (c) => c.check(sql`register_total >= 0`))
        .addColumn('uploaded_by', f.text, (c) => c.notNull())
        .addColumn('uploaded_at', f.text, (c) => c.notNull())
        .addColumn('source', f.text, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('uploads_by_region_period').on('uploads').columns(['region_code', 'period']).execute();
      let figures = db.schema.createTable('upload_figures')
        .addColumn('upload_id', 'integer', (c) => c.notNull().references('uploads.id'))
        .addColumn('gemeente_code', f.text, (c) => c.notNull().references('gemeenten.code'));
      for (const count of counts) figures = figures.addColumn(count, 'integer', (c) => c.notNull().check(sql`${sql.ref(count)} >= 0`));
      await f.keyed(figures.addPrimaryKeyConstraint('upload_figures_pkey', ['upload_id', 'gemeente_code'])).execute();
      await f.keyed(db.schema.createTable('current_uploads')
        .addColumn('region_code', f.text, (c) => c.notNull().references('regions.code'))
        .addColumn('period', f.text, (c) => c.notNull())
        .addColumn('upload_id', 'integer', (c) => c.notNull().references('uploads.id'))
        .addPrimaryKeyConstraint('current_uploads_pkey', ['region_code', 'period'])).execute();
      await db.schema.createIndex('current_uploads_by_period').on('current_uploads').column('period').execute();
    },
  },
  {
    version: 2,
    name: 'current_uploads_by_upload',
    // Whether an upload is current is asked of every upload listed or read back.
    async up(db) {
      await db.schema.createIndex('current_uploads_by_upload').on('current_uploads').column('upload_id').execute();
    },
  },
  {
    version: 3,
    name: 'idempotency_keys',
    // Answers to uploads sent with an Idempotency-Key, per API key's client, until they expire.
    async up(db, f) {
      await f.keyed(db.schema.createTable('idempotency_keys')
        .addColumn('client', f.text, (c) => c.notNull())
        .addColumn('key', f.text, (c) => c.notNull())
        .addColumn('fingerprint', f.text, (c) => c.notNull())
        .addColumn('answer', f.text, (c) => c.notNull())
        .addColumn('expires_at', f.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('idempotency_keys_pkey', ['client', 'key'])).execute();
      await db.schema.createIndex('idempotency_keys_by_expiry').on('idempotency_keys').column('expires_at').execute();
    },
  },
  {
    version: 4,
    name: 'withdrawals',
    // Withdrawn uploads stay in the history, marked with when and by which key; the uploads list's filter
    // by uploader.
    async up(db, f) {
      await db.schema.alterTable('uploads').addColumn('withdrawn_at', f.text).execute();
      await db.schema.alterTable('uploads').addColumn('withdrawn_by', f.text).execute();
      await db.schema.createIndex('uploads_by_uploader').on('uploads').columns(['uploaded_by', 'id']).execute();
    },
  },
  {
    version: 5,
    name: 'series_reads',
    // Reads as of an instant seek the latest upload made at or before it; each upload's counts summed over
    // its gemeenten, once, so that a series reads one row per upload.
    async up(db) {
      await db.schema.createIndex('uploads_by_region_period_time').on('uploads').columns(['region_code', 'period', 'uploaded_at', 'id']).execute();
      let sums = db.schema.createTable('upload_sums').addColumn('upload_id', 'integer', (c) => c.primaryKey().references('uploads.id'));
      for (const count of counts) sums = sums.addColumn(count, 'integer', (c) => c.notNull());
      await sums.execute();
      await sql`insert into upload_sums (upload_id, gemeente_with_profile, gemeente_without_profile, uwv_with_profile, uwv_without_profile)
        select u.id, coalesce(sum(f.gemeente_with_profile), 0), coalesce(sum(f.gemeente_without_profile), 0),
          coalesce(sum(f.uwv_with_profile), 0), coalesce(sum(f.uwv_without_profile), 0)
        from uploads u left join upload_figures f on f.upload_id = u.id group by u.id`.execute(db);
    },
  },
  {
    version: 6,
    name: 'printed_names',
    // What an upload printed: the region's label and each gemeente's name as written, in its order.
    async up(db, f) {
      await db.schema.alterTable('uploads').addColumn('region_label', f.text).execute();
      await db.schema.alterTable('upload_figures').addColumn('printed_name', f.text).execute();
      await db.schema.alterTable('upload_figures').addColumn('position', 'integer').execute();
    },
  },
  {
    version: 7,
    name: 'postgres_coordination',
    // PostgreSQL only: the version row every write locks first (writers of all instances take turns) and
    // raises last (how instances learn of each other's commits), and staging tables shared by the
    // instances, UNLOGGED since an import is redone by sending the file again. SQLite stages in TEMP tables.
    async up(db, f) {
      if (f.dialect !== 'postgres') return;
      await sql`create table figures_version (
        only_row boolean primary key default true check (only_row), version bigint not null)`.execute(db);
      await sql`insert into figures_version (version) values (0)`.execute(db);
      await sql`create unlogged table staged_uploads (
        import_id bigint not null, seq integer not null, region_code text collate "C" not null, period text collate "C" not null,
        register_total integer, uploaded_by text collate "C" not null, source text collate "C" not null,
        region_label text collate "C", staged_at timestamptz not null default now(), primary key (import_id, seq))`.execute(db);
      await sql`create unlogged table staged_figures (
        import_id bigint not null, seq integer not null, gemeente_code text collate "C" not null,
        gw integer not null, gwo integer not null, uw integer not null, uwo integer not null,
        printed_name text collate "C", position integer not null, primary key (import_id, seq, gemeente_code))`.execute(db);
      await sql`create sequence staged_imports`.execute(db);
    },
  },
  {
    version: 8,
    name: 'upload_ids_by_store',
    // An upload's id is drawn by the store under the write lock, alike on both engines (the first release
    // drew it from an identity column on PostgreSQL); and the index by region and period is a prefix of the
    // one by region, period and time, so it goes.
    async up(db, f) {
      if (f.dialect === 'postgres') await sql`alter table uploads alter column id drop identity if exists`.execute(db);
      await db.schema.dropIndex('uploads_by_region_period').ifExists().execute();
    },
  },
  {
    version: 9,
    name: 'national_sums',
    // Each period's national sums, a row per write valid from its instant (national-sums.ts), so that a
    // national total or series, now or as of an instant, reads one row per period. Filled by replaying the
    // history: a row per period and instant at which an upload of it was made or withdrawn, summing the
    // uploads that counted then (as-of.ts), each valid until the period's next.
    async up(db, f) {
      let table = f.keyed(db.schema.createTable('national_sums')
        .addColumn('period', f.text, (c) => c.notNull())
        .addColumn('n', 'integer', (c) => c.notNull())
        .addColumn('valid_from', f.text, (c) => c.notNull())
        .addColumn('valid_until', f.text)
        .addColumn('regions', 'integer', (c) => c.notNull())
        .addColumn('regions_with_register', 'integer', (c) => c.notNull())
        .addColumn('register_total', 'integer'));
      for (const column of ['gw', 'gwo', 'uw', 'uwo', 'covered_total']) table = table.addColumn(column, 'integer', (c) => c.notNull());
      await table.addColumn('region_codes', f.text, (c) => c.notNull()).addPrimaryKeyConstraint('national_sums_pkey', ['period', 'n']).execute();
      await db.schema.createIndex('national_sums_as_of').on('national_sums').columns(['period', 'valid_from', 'n']).execute();
      // One current row per period: a write that failed to end the one before cannot commit.
      await db.schema.createIndex('national_sums_current').unique().on('national_sums').column('period').where(sql.ref('valid_until'), 'is', null).execute();
      await sql`with instants as (
          select period, uploaded_at as at from uploads
          union select period, withdrawn_at from uploads where withdrawn_at is not null),
        counting as (
          select i.period, i.at, u.id as upload_id, u.region_code from instants i
            join uploads u on u.period = i.period and ${countsAt('u', sql.ref('i.at'))})
        insert into national_sums (period, n, valid_from, valid_until, ${sql.join(NATIONAL_COLUMNS.map((c) => sql.ref(c)))})
        select i.period, row_number() over w, i.at, lead(i.at) over w, ${nationalAggregates}
        from instants i
          left join counting c on c.period = i.period and c.at = i.at
          left join uploads u on u.id = c.upload_id
          left join upload_sums s on s.upload_id = c.upload_id
        group by i.period, i.at
        window w as (partition by i.period order by i.at)`.execute(db);
    },
  },
  {
    version: 10,
    name: 'events_and_webhooks',
    // The outbox: each committed change of the figures as an event (numbered in commit order, written in the
    // change's own transaction), the webhook subscriptions, and one delivery per event and subscription that
    // wants it, which the instances claim with a lease.
    async up(db, f) {
      await db.schema.createTable('events')
        .addColumn('seq', 'integer', (c) => c.primaryKey())
        .addColumn('type', f.text, (c) => c.notNull())
        .addColumn('region_code', f.text, (c) => c.notNull())
        .addColumn('period', f.text, (c) => c.notNull())
        .addColumn('upload_id', 'integer', (c) => c.notNull())
        .addColumn('time', f.text, (c) => c.notNull())
        .addColumn('replaced', 'integer', (c) => c.notNull())
        .addColumn('current_upload_id', 'integer')
        .addColumn('register_total', 'integer')
        .addColumn('gw', 'integer')
        .addColumn('gwo', 'integer')
        .addColumn('uw', 'integer')
        .addColumn('uwo', 'integer')
        .execute();
      await db.schema.createIndex('events_by_time').on('events').column('time').execute();
      await f.keyed(db.schema.createTable('subscriptions')
        .addColumn('id', f.text, (c) => c.primaryKey())
        .addColumn('owner', f.text, (c) => c.notNull())
        .addColumn('url', f.text, (c) => c.notNull())
        // ' a b ' (spaces around each) or '' for all: matched with LIKE alike on both engines.
        .addColumn('types', f.text, (c) => c.notNull())
        .addColumn('regions', f.text, (c) => c.notNull())
        .addColumn('secret', f.text, (c) => c.notNull())
        .addColumn('previous_secret', f.text)
        .addColumn('previous_secret_until', f.text)
        .addColumn('created_at', f.text, (c) => c.notNull())
        .addColumn('disabled_at', f.text)
        .addColumn('disabled_reason', f.text)
        .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('delivered', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('failed', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('last_failure_at', f.text)
        .addColumn('last_failure_reason', f.text)
        .addColumn('last_success_at', f.text)).execute();
      await f.keyed(db.schema.createTable('deliveries')
        .addColumn('subscription_id', f.text, (c) => c.notNull())
        .addColumn('event_seq', 'integer', (c) => c.notNull())
        .addColumn('region_code', f.text, (c) => c.notNull())
        // pending, succeeded or failed
        .addColumn('status', f.text, (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at', f.text, (c) => c.notNull())
        .addColumn('lease_until', f.text)
        .addColumn('leased_by', f.text)
        .addColumn('last_error', f.text)
        .addPrimaryKeyConstraint('deliveries_pkey', ['subscription_id', 'event_seq'])).execute();
      await db.schema.createIndex('deliveries_due').on('deliveries').columns(['status', 'next_attempt_at']).execute();
      await db.schema.createIndex('deliveries_in_order').on('deliveries').columns(['subscription_id', 'region_code', 'status', 'event_seq']).execute();
    },
  },
  {
    version: 11,
    name: 'classifications',
    // Gemeenten and regions per year, and the herindelingen between years. regions and gemeenten stay the
    // codes uploads refer to: every code of every year loaded (names and regions as first loaded); which
    // gemeenten belonged to which region in a year is classification_gemeenten. Years are loaded from
    // db/classifications at start-up (migrator.ts) and by an operator (npm run classification).
    async up(db, f) {
      await f.keyed(db.schema.createTable('classification_years')
        .addColumn('year', 'integer', (c) => c.primaryKey())
        .addColumn('gemeenten_source', f.text, (c) => c.notNull())
        .addColumn('membership', f.text, (c) => c.notNull().check(sql`membership in ('cbs', 'derived')`))
        .addColumn('membership_source', f.text, (c) => c.notNull())
        .addColumn('loaded_at', f.text, (c) => c.notNull())
        .addColumn('loaded_by', f.text, (c) => c.notNull())).execute();
      await f.keyed(db.schema.createTable('classification_regions')
        .addColumn('year', 'integer', (c) => c.notNull().references('classification_years.year'))
        .addColumn('code', f.text, (c) => c.notNull().references('regions.code'))
        .addColumn('name', f.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('classification_regions_pkey', ['year', 'code'])).execute();
      await f.keyed(db.schema.createTable('classification_gemeenten')
        .addColumn('year', 'integer', (c) => c.notNull())
        .addColumn('code', f.text, (c) => c.notNull().references('gemeenten.code'))
        .addColumn('name', f.text, (c) => c.notNull())
        .addColumn('region_code', f.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('classification_gemeenten_pkey', ['year', 'code'])
        .addForeignKeyConstraint('classification_gemeenten_region', ['year', 'region_code'], 'classification_regions', ['year', 'code'])).execute();
      await f.keyed(db.schema.createTable('herindelingen')
        .addColumn('date', f.text, (c) => c.notNull())
        .addColumn('old_code', f.text, (c) => c.notNull())
        .addColumn('old_name', f.text, (c) => c.notNull())
        .addColumn('new_code', f.text, (c) => c.notNull())
        .addColumn('new_name', f.text, (c) => c.notNull())
        .addPrimaryKeyConstraint('herindelingen_pkey', ['date', 'old_code', 'new_code'])).execute();
    },
  },
  {
    version: 12,
    name: 'classification_events',
    // An event that is not about one region's figures (a classification loaded) keeps its own data here, as
    // JSON; its region_code is '' and its period the year.
    async up(db, f) {
      await db.schema.alterTable('events').addColumn('detail', f.text).execute();
    },
  },
  {
    version: 13,
    name: 'deliveries_in_line',
    // Deliveries are written apart from the uploads, by the deliveries' side: delivery_cursor holds the last
    // event they were written for (its one row, locked by whoever writes them, so that they are written in
    // event order), and a subscription gets the events after after_seq (the last when it was made).
    // Only the head of each subscription's line of one region's deliveries is due; the pending ones behind it
    // wait with next_attempt_at far in the future ('9999-12-31T23:59:59.999Z', WAITING in events-database.ts)
    // until it ends, so that claiming reads the due heads alone, however long the lines. The indexes hold
    // pending deliveries only: a delivery that ends leaves them, and they stay as small as the backlog.
    async up(db, f) {
      await f.keyed(db.schema.createTable('delivery_cursor')
        .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
        .addColumn('seq', 'integer', (c) => c.notNull())).execute();
      await sql`insert into delivery_cursor (id, seq) select 1, coalesce(max(seq), 0) from events`.execute(db);
      await db.schema.alterTable('subscriptions').addColumn('after_seq', 'integer', (c) => c.notNull().defaultTo(0)).execute();
      await db.schema.dropIndex('deliveries_in_order').execute();
      await db.schema.dropIndex('deliveries_due').execute();
      const pending = sql.ref('status');
      await db.schema.createIndex('deliveries_due').on('deliveries').column('next_attempt_at').where(pending, '=', sql.lit('pending')).execute();
      await db.schema.createIndex('deliveries_in_line').on('deliveries').columns(['subscription_id', 'region_code', 'event_seq']).where(pending, '=', sql.lit('pending')).execute();
      await sql`update deliveries set next_attempt_at = '9999-12-31T23:59:59.999Z' where status = 'pending' and exists (select 1 from deliveries p
        where p.subscription_id = deliveries.subscription_id and p.status = 'pending' and p.region_code = deliveries.region_code and p.event_seq < deliveries.event_seq)`.execute(db);
    },
  },
];
