/**
 * Migration 13 on a database whose deliveries were written the way before it (every pending one due at its
 * event's instant, written with the upload): afterwards only the first pending delivery of each subscription
 * and region is due, the others wait in line, a claim takes the heads alone, and an ended head makes the
 * next due; deliveries of events after the migration are written by the claim, once. On both engines.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import type { ClaimedDelivery, EventStore } from '../../src/domain/ports';
import { openPostgres } from '../../src/storage/postgres/postgres-engine';
import { openSqliteStore } from '../../src/storage/sqlite/sqlite-engine';
import { borrowDatabase } from '../support/postgres-database';

/** Back to the layout of migration 12, as a database written before 13 has it. */
const UNDO_MIGRATION_13 = [
  'drop index deliveries_due', 'drop index deliveries_in_line', 'drop table delivery_cursor', 'alter table subscriptions drop column after_seq',
  'create index deliveries_due on deliveries (status, next_attempt_at)',
  'create index deliveries_in_order on deliveries (subscription_id, region_code, status, event_seq)',
  'delete from schema_migrations where version = 13',
];

const T0 = Date.parse('2026-07-01T09:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();

/** Events 1–4 (Twente, Twente, Groningen, Twente) and one subscription's deliveries of them as written before 13: 1 delivered, 2–4 pending. */
const WRITTEN_BEFORE = [
  "insert into subscriptions (id, owner, url, types, regions, secret, created_at) values ('sub', 'writer', 'https://receiver.test/hook', '', '', 'sealed', '2026-07-01T08:00:00.000Z')",
  ...[[1, 'AM05'], [2, 'AM05'], [3, 'AM01'], [4, 'AM05']].map(([seq, region]) =>
    `insert into events (seq, type, region_code, period, upload_id, time, replaced) values (${seq}, 'nl.uwv.sonar-transparency.figures-published', '${region}', '2026-06', ${seq}, '${at(Number(seq))}', 0)`),
  `insert into deliveries (subscription_id, event_seq, region_code, status, attempts, next_attempt_at) values ('sub', 1, 'AM05', 'succeeded', 1, '${at(1)}'),
    ('sub', 2, 'AM05', 'pending', 0, '${at(2)}'), ('sub', 3, 'AM01', 'pending', 0, '${at(3)}'), ('sub', 4, 'AM05', 'pending', 0, '${at(4)}')`,
];

interface Kind {
  name: string;
  /** A store whose database was written before migration 13 (WRITTEN_BEFORE), migrated as it opens. */
  open(): Promise<{ events: EventStore; run(statement: string): Promise<void>; close(): Promise<void> }>;
}

const kinds: Kind[] = [
  {
    name: 'SQLite',
    open: async () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'sonar-in-line-'));
      const file = path.join(dir, 'sonar.db');
      await (await openSqliteStore(file)).close();
      const raw = new Database(file);
      for (const statement of [...UNDO_MIGRATION_13, ...WRITTEN_BEFORE]) raw.exec(statement);
      raw.close();
      const store = await openSqliteStore(file);
      const later = new Database(file);
      return {
        events: store.events,
        run: async (statement) => { later.exec(statement); },
        close: async () => {
          later.close();
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'PostgreSQL',
    open: async () => {
      const database = await borrowDatabase();
      await (await openPostgres(database.url)).close();
      const client = new Client({ connectionString: database.url });
      await client.connect();
      for (const statement of [...UNDO_MIGRATION_13, ...WRITTEN_BEFORE]) await client.query(statement);
      const store = await openPostgres(database.url);
      return {
        events: store.events,
        run: async (statement) => { await client.query(statement); },
        close: async () => {
          await client.end();
          await store.close();
          database.release();
        },
      };
    },
  },
];

const claimed = (list: ClaimedDelivery[]) => list.map((d) => d.eventSeq);

describe.each(kinds)('Deliveries in line per subscription and region, on $name', (kind) => {
  test('When migration 13 runs on deliveries written before it, then a claim takes only the first pending one of each region, and each that ends makes the next due', async () => {
    const { events, run, close } = await kind.open();
    try {
      const now = new Date().toISOString();
      const lease = new Date(Date.now() + 60_000).toISOString();
      const first = await events.claimDeliveries(now, lease, 'first', 10);
      const succeeded = (list: ClaimedDelivery[]) => list.map((delivery) => ({ delivery, at: new Date().toISOString(), kind: 'succeeded' as const }));
      await events.recordOutcomes(succeeded(first), 5);
      const second = await events.claimDeliveries(new Date().toISOString(), lease, 'second', 10);
      await events.recordOutcomes(succeeded(second), 5);
      const third = await events.claimDeliveries(new Date().toISOString(), lease, 'third', 10);

      // An event after the migration: its delivery is written by the next claim, behind nothing.
      await run(`insert into events (seq, type, region_code, period, upload_id, time, replaced) values (5, 'nl.uwv.sonar-transparency.figures-published', 'AM01', '2026-06', 5, '${at(5)}', 0)`);
      const fourth = await events.claimDeliveries(new Date().toISOString(), lease, 'fourth', 10);
      await events.recordOutcomes(succeeded([...third, ...fourth]), 5);
      const last = await events.claimDeliveries(new Date().toISOString(), lease, 'last', 10);

      expect([claimed(first), claimed(second), claimed(third), claimed(fourth), claimed(last)]).toEqual([[2, 3], [4], [], [5], []]);
      expect(await events.getSubscription('sub')).toEqual(expect.objectContaining({ delivered: 4, pending: 0 }));
    } finally {
      await close();
    }
  });

  test('When a head is to be retried, then its line waits; when it has failed for good, then the next is due; and a line left with none due is made due by repairLines', async () => {
    const { events, run, close } = await kind.open();
    try {
      const lease = new Date(Date.now() + 600_000).toISOString();
      const soon = (ms: number) => new Date(Date.now() + ms).toISOString();
      const heads = await events.claimDeliveries(soon(0), lease, 'heads', 10);
      const [twente, groningen] = heads;
      await events.recordOutcomes([
        { delivery: twente, at: soon(0), kind: 'retry', nextAttemptAt: soon(5_000), error: 'HTTP 500' },
        { delivery: groningen, at: soon(0), kind: 'succeeded' }], 5);
      const whileRetrying = await events.claimDeliveries(soon(0), lease, 'waiting', 10);
      const retried = await events.claimDeliveries(soon(5_000), lease, 'retried', 10);
      await events.recordOutcomes(retried.map((delivery) => ({ delivery, at: soon(5_000), kind: 'failed' as const, error: 'HTTP 500' })), 5);
      // Event 4's delivery is due now; left waiting (as an instance of an earlier version may leave a line), nothing moves it but a repair.
      await run(`update deliveries set next_attempt_at = '9999-12-31T23:59:59.999Z' where event_seq = 4`);
      const headless = await events.claimDeliveries(soon(5_000), lease, 'headless', 10);
      const repaired = await events.repairLines(soon(5_000));
      const afterRepair = await events.claimDeliveries(soon(5_000), lease, 'repaired', 10);

      expect([claimed(heads), claimed(whileRetrying), claimed(retried), claimed(headless), repaired, claimed(afterRepair)]).toEqual([[2, 3], [], [2], [], 1, [4]]);
      expect(await events.getSubscription('sub')).toEqual(expect.objectContaining({ delivered: 1, failed: 1, pending: 1 }));
    } finally {
      await close();
    }
  });
});
