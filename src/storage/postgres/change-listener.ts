import { Client, type ClientConfig } from 'pg';
import type { Logger } from 'pino';
import { extended } from '../../domain/extended';
import { toInstant } from '../../domain/instant';
import type { Touched } from '../../domain/staleness';

/**
 * The channel every write transaction notifies, with the version it reached, the instant it stored (in ms,
 * after `@`) and what it touched: `12 @1780315200123 AM05:2026-06 AM14:2026-06`. A version alone means that
 * anything may have changed. The instant has no `:`, so a reader that does not know it takes the payload as
 * one of unknown scope, never as a region and period.
 */
export const FIGURES_CHANNEL = 'sonar_figures';

/** Stays well below PostgreSQL's 8000-byte limit of a payload; a larger scope is sent as "anything". */
const MAX_SCOPE_CHARS = 7000;

/** The write's one instant, in ms, when every touched scope has it in the form instants are stored in. */
function instantOf(touched: readonly Touched[]): number | undefined {
  const at = touched[0].at;
  return at !== undefined && toInstant(at) === at && touched.every((t) => t.at === at) ? Date.parse(at) : undefined;
}

/** What a write touched, as its notification's payload after the version ('' when unknown or too long). */
export function notifiedScope(touched: readonly Touched[] | undefined): string {
  if (!touched || touched.length === 0) return '';
  const ms = instantOf(touched);
  const text = `${ms === undefined ? '' : ` @${ms}`}${[...new Set(touched.map((t) => ` ${t.regionCode}:${t.period}`))].join('')}`;
  return text.length > MAX_SCOPE_CHARS ? '' : text;
}

function parsed(payload: string): { version: string; touched: Touched[] | undefined } {
  const [version, ...scopes] = payload.split(' ');
  const stored = scopes[0]?.startsWith('@') ? new Date(Number(scopes.shift()?.slice(1))) : undefined;
  const at = stored === undefined || Number.isNaN(stored.getTime()) ? undefined : stored.toISOString();
  const touched = scopes.map((s) => {
    const [regionCode, period] = s.split(':');
    return at === undefined ? { regionCode, period } : { regionCode, period, at };
  });
  return { version, touched: touched.length > 0 && touched.every((t) => t.regionCode && t.period) ? touched : undefined };
}

export const VERSION_QUERY = 'SELECT version::text AS version FROM figures_version';

/**
 * How long a version the check found ahead of the notifications is given for them to arrive: a commit is
 * visible to the check a moment before its notification is sent (and that reaches this connection after
 * the check's answer), so only a version still ahead this long after counts as a lost notification.
 */
export const DEFAULT_NOTIFICATION_GRACE_MS = 100;

/**
 * Learns of commits made by any instance: LISTEN on a dedicated connection (a pooled one could be handed
 * out between notifications, and pgbouncer in transaction mode does not forward them), and a periodic
 * version check on the same connection that is also its heartbeat. A commit whose notification was lost is
 * noticed by the check that finds its version still ahead a grace after an earlier check found it; after a
 * reconnect, or when the database's version went back (a restore), everything may have changed unseen, so
 * `changes` moves.
 */
export class ChangeListener {
  /**
   * Moves on every change learnt of whose scope is unknown (a check that skipped versions, a reconnect);
   * the kept answers compare it, so moving it more often than needed is harmless.
   */
  changes = 0;
  /** Other instances' commits whose notification said what they touched, until taken. */
  private foreign: Touched[][] = [];
  available = false;
  private client: Client | undefined;
  private version: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private checking = false;
  private stopped = false;
  /** A version a check found ahead of the notifications (while listening), and when, until they reach it. */
  private ahead: { version: number; since: number } | undefined;

  /**
   * `listens` false behind a pooler in transaction mode: a LISTEN there lands on a pooled server connection
   * and hears nothing (pgbouncer drops what reaches it between transactions, warning each time), so the
   * version check alone tells of changes.
   */
  constructor(
    private readonly config: ClientConfig,
    private readonly checkMs: number,
    private readonly logger?: Logger,
    private readonly listens = true,
    private readonly graceMs = DEFAULT_NOTIFICATION_GRACE_MS,
  ) {}

  /** Connects and listens; throws when PostgreSQL cannot be reached, so that start-up fails loudly. */
  async start(): Promise<void> {
    await this.connect();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.available = false;
    clearTimeout(this.timer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /** A query elsewhere failed to reach PostgreSQL: check now instead of at the next heartbeat. */
  suspect(): void {
    if (this.stopped) return;
    this.available = false;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), 0);
    this.timer.unref();
  }

  private schedule(ms = this.checkMs): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.check(), ms);
    this.timer.unref();
  }

  private async connect(): Promise<void> {
    const client = new Client(extended(this.config, { query_timeout: Math.max(this.checkMs, 2000) } satisfies ClientConfig));
    client.on('error', () => this.lost(client));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => {
      if (message.channel === FIGURES_CHANNEL && message.payload !== undefined) {
        const { version, touched } = parsed(message.payload);
        this.seen(version, touched);
      }
    });
    try {
      await client.connect();
      if (this.listens) await client.query(`LISTEN ${FIGURES_CHANNEL}`);
      const { rows } = await client.query<{ version: string }>(VERSION_QUERY);
      if (this.stopped) {
        await client.end().catch(() => undefined);
        return;
      }
      const resync = this.client === undefined && this.version !== undefined;
      this.client = client;
      if (resync) this.anythingChanged(rows[0].version);
      else this.seen(rows[0].version);
      this.available = true;
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  /**
   * This instance's own commits: the service moves its version for those at once, so learning of them
   * again must not move `changes` (as SQLite's data_version ignores the connection's own commits).
   */
  private readonly own = new Set<number>();

  /** Called with the version a write of this instance is about to commit; `failed` when it did not. */
  committing(version: string, failed = false): void {
    if (failed) this.own.delete(Number(version));
    else this.own.add(Number(version));
  }

  /** Takes what other instances' commits touched since the last call. */
  takeForeign(): Touched[][] {
    if (this.foreign.length === 0) return [];
    const taken = this.foreign;
    this.foreign = [];
    return taken;
  }

  /**
   * A version seen by notification (with what it touched) or check: a change unless every version since
   * the last seen is this instance's own; of known scope when it is the next version and says what it touched.
   * A version below the last seen is a notification told late: nothing new.
   */
  private seen(version: string | undefined, touched?: Touched[]): void {
    if (version === undefined || version === this.version) return;
    const to = Number(version);
    if (!Number.isSafeInteger(to)) return;
    if (this.version !== undefined && to < Number(this.version)) return;
    const from = this.version === undefined ? to : Number(this.version) + 1;
    let foreign = this.version === undefined;
    for (let v = from; v <= to; v++) if (!this.own.has(v)) foreign = true;
    for (const v of this.own) if (v <= to) this.own.delete(v);
    this.version = version;
    if (!foreign) return;
    if (touched && from === to) this.foreign.push(touched);
    else this.changes++;
  }

  /** The version as the database now has it, after which anything may have changed unseen. */
  private anythingChanged(version: string): void {
    this.version = version;
    this.own.clear();
    this.ahead = undefined;
    this.changes++;
  }

  private lost(client: Client): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.available = false;
    client.end().catch(() => undefined);
    if (!this.stopped) this.logger?.warn('Lost the connection that listens for changes to the figures; reconnecting');
    this.suspect();
  }

  /** Heartbeat and fallback: reconnect when deaf, otherwise compare the version. */
  private async check(): Promise<void> {
    if (this.checking || this.stopped) return;
    this.checking = true;
    try {
      if (!this.client) {
        await this.connect();
        if (this.available) this.logger?.info('Listening for changes to the figures again');
      } else {
        const before = this.version;
        const { rows } = await this.client.query<{ version: string }>(VERSION_QUERY);
        this.available = true;
        const found = Number(rows[0].version);
        // Below what notifications had told before the check began (later ones may come with its answer): the
        // database went back (a restore, a standby behind taking over).
        if (before !== undefined && found < Number(before)) return this.anythingChanged(rows[0].version);
        if (this.ahead && Number(this.version) >= this.ahead.version) this.ahead = undefined; // its notifications came
        if (this.listens && this.version !== undefined && found > Number(this.version)) {
          const now = Date.now();
          this.ahead ??= { version: found, since: now };
          if (now - this.ahead.since < this.graceMs) return;
        }
        this.ahead = undefined;
        this.seen(rows[0].version);
      }
    } catch {
      this.available = false;
      if (this.client) this.lost(this.client);
    } finally {
      this.checking = false;
      this.schedule(this.ahead === undefined ? this.checkMs : Math.min(this.checkMs, this.graceMs));
    }
  }
}
