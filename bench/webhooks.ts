/**
 * Issue 21: what webhooks cost an upload, and how soon a receiver hears of a commit. One real receiver (an
 * HTTP server in this process that verifies every delivery with the `standardwebhooks` library and answers
 * 204 after 50 ms) serves ten subscription URLs. Per store, two services of this build run side by side on
 * databases of their own, one without subscriptions and one with the ten; rounds alternate between them
 * (rotating which goes first), each round `clients` uploaders POSTing JSON uploads for `seconds`; after a
 * round with subscriptions the next waits until every delivery of it has arrived, so that no round pays for
 * another's backlog. Then, with the ten subscriptions, uploads one every `latencyGapMs` measure the delivery
 * latency, from two instants that bracket the commit:
 * - from the event's `time`: the instant the write took inside its transaction, just before it committed
 *   (both clocks are this machine's wall clock, 1 ms resolution): a little more than commit → receiver;
 * - from the upload's 201 arriving at the client, which comes after the commit: a little less.
 * On SQLite (one process) and on PostgreSQL (one instance).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { startCluster } from '../test/support/postgres-cluster';
import { BenchRegion, jsonUpload, periods, regionTable } from './data';
import { post } from './fill';
import { cpuMicros, median } from './load';
import { API_KEY, createDatabases, startService, Target, tempDir } from './targets';

type Log = (line: string) => void;

export interface WebhooksSettings {
  rounds: number;
  /** Seconds of uploading in each round. */
  seconds: number;
  /** Uploaders at once, each one upload after another. */
  clients: number;
  subscriptions: number;
  /** How long the receiver takes to answer each delivery. */
  answerMs: number;
  latencyUploads: number;
  latencyGapMs: number;
  /** At most this long to wait for a round's deliveries before the next round. */
  drainTimeoutMs: number;
}

const WEBHOOK_ENV = { WEBHOOK_SECRETS_KEY: 'bench-webhook-secrets-key-0123456789abcdef', WEBHOOK_ALLOW_PRIVATE_URLS: 'true' };

/** A delivery as the receiver got it. */
interface Arrival {
  uploadId: number;
  /** The event's `time`. */
  time: string;
  /** performance.now() and Date.now() on arrival. */
  at: number;
  wallAt: number;
}

/** The receiver: one secret per path (`/<service>/<n>`), what arrived per service, and every delivery that failed verification. */
class Receiver {
  private readonly secrets = new Map<string, Webhook>();
  readonly arrivals = new Map<string, Arrival[]>();
  unverified = 0;
  private readonly server: Server;

  private constructor(answerMs: number) {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const at = performance.now();
        const wallAt = Date.now();
        const body = Buffer.concat(chunks).toString('utf8');
        const hook = this.secrets.get(req.url ?? '');
        let status = 204;
        try {
          if (!hook) throw new Error('no such subscription');
          const event = hook.verify(body, req.headers as Record<string, string>) as { time: string; data: { uploadId: number } };
          const service = (req.url ?? '').split('/')[1];
          const list = this.arrivals.get(service) ?? [];
          list.push({ uploadId: event.data.uploadId, time: event.time, at, wallAt });
          this.arrivals.set(service, list);
        } catch {
          this.unverified++;
          status = 401;
        }
        setTimeout(() => res.writeHead(status).end(), answerMs);
      });
    });
  }

  static async start(answerMs: number): Promise<Receiver> {
    const receiver = new Receiver(answerMs);
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path: string): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  expect(path: string, secret: string): void {
    this.secrets.set(path, new Webhook(secret));
  }

  count(service: string): number {
    return this.arrivals.get(service)?.length ?? 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

interface Subject {
  name: string;
  store: string;
  service: Target;
  subscriptions: number;
  /** Uploads so far: deliveries expected are uploads × subscriptions. */
  uploads: number;
  /** Its next upload's place in `bodies`. */
  next: number;
}

export interface WebhooksRow {
  store: string;
  /** Uploads/s in each round, without and with subscriptions. */
  without: number[];
  with: number[];
  /** CPU per upload (µs) in each round, without and with subscriptions: the service's, and this process's. */
  cpuWithout: Array<[number, number]>;
  cpuWith: Array<[number, number]>;
  /** Seconds after each round with subscriptions until its last delivery arrived. */
  drain: number[];
  /** Delivery latency in ms: from the event's time, and from the 201 at the client. */
  fromTime: number[];
  from201: number[];
  deliveries: number;
}

export interface WebhooksReport {
  settings: WebhooksSettings;
  rows: WebhooksRow[];
  unverified: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function subscribe(subject: Subject, receiver: Receiver): Promise<void> {
  for (let n = 0; n < subject.subscriptions; n++) {
    const path = `/${subject.name}/${n}`;
    const res = await post(`${subject.service.url}/v1/subscriptions`, JSON.stringify({ url: receiver.url(path) }), 'application/json');
    if (res.status !== 201) throw new Error(`${subject.name}: subscribing answered ${res.status}: ${res.text.slice(0, 300)}`);
    receiver.expect(path, (JSON.parse(res.text) as { secret: string }).secret);
  }
}

interface Round {
  rate: number;
  /** CPU per upload, in µs: of the service, and of this process (uploaders and receiver). */
  serviceCpu: number;
  benchCpu: number;
}

/** `clients` uploaders for `seconds`; the uploads per second answered 201 (any other answer stops the run). */
async function uploadRound(subject: Subject, bodies: string[], settings: WebhooksSettings): Promise<Round> {
  const cpu = cpuMicros(subject.service.pid);
  const own = process.cpuUsage();
  const started = performance.now();
  const stopAt = started + settings.seconds * 1000;
  let done = 0;
  await Promise.all(Array.from({ length: settings.clients }, async () => {
    while (performance.now() < stopAt) {
      const body = bodies[subject.next++ % bodies.length];
      const res = await post(`${subject.service.url}/v1/uploads`, body, 'application/json');
      if (res.status !== 201) throw new Error(`${subject.name}: upload answered ${res.status}: ${res.text.slice(0, 300)}`);
      done++;
    }
  }));
  subject.uploads += done;
  const ownUsed = process.cpuUsage(own);
  return { rate: done / ((performance.now() - started) / 1000), serviceCpu: (cpuMicros(subject.service.pid) - cpu) / done, benchCpu: (ownUsed.user + ownUsed.system) / done };
}

/** Waits until every delivery of the subject's uploads so far has arrived; the seconds it took. */
async function drain(subject: Subject, receiver: Receiver, timeoutMs: number): Promise<number> {
  const started = performance.now();
  const expected = subject.uploads * subject.subscriptions;
  while (receiver.count(subject.name) < expected) {
    if (performance.now() - started > timeoutMs) {
      throw new Error(`${subject.name}: ${receiver.count(subject.name)} of ${expected} deliveries arrived within ${timeoutMs / 1000} s`);
    }
    await sleep(20);
  }
  return (performance.now() - started) / 1000;
}

/** Uploads one at a time, `latencyGapMs` apart; each delivery's latency from the event's time and from the 201. */
async function latency(subject: Subject, receiver: Receiver, bodies: string[], settings: WebhooksSettings): Promise<Pick<WebhooksRow, 'fromTime' | 'from201' | 'deliveries'>> {
  const answered = new Map<number, number>();
  const before = receiver.count(subject.name);
  for (let i = 0; i < settings.latencyUploads; i++) {
    const res = await post(`${subject.service.url}/v1/uploads`, bodies[subject.next++ % bodies.length], 'application/json');
    const at = performance.now();
    if (res.status !== 201) throw new Error(`${subject.name}: upload answered ${res.status}: ${res.text.slice(0, 300)}`);
    answered.set((JSON.parse(res.text) as { uploads: Array<{ id: number }> }).uploads[0].id, at);
    subject.uploads++;
    await sleep(settings.latencyGapMs);
  }
  await drain(subject, receiver, settings.drainTimeoutMs);
  const arrivals = (receiver.arrivals.get(subject.name) ?? []).slice(before).filter((a) => answered.has(a.uploadId));
  return {
    fromTime: arrivals.map((a) => a.wallAt - Date.parse(a.time)),
    from201: arrivals.map((a) => a.at - (answered.get(a.uploadId) as number)),
    deliveries: arrivals.length,
  };
}

/** Interleaved rounds over the two subjects of one store, then the latency with subscriptions. */
async function measure(store: string, without: Subject, withSubs: Subject, receiver: Receiver, bodies: string[], settings: WebhooksSettings, log: Log): Promise<WebhooksRow> {
  const row: WebhooksRow = { store, without: [], with: [], cpuWithout: [], cpuWith: [], drain: [], fromTime: [], from201: [], deliveries: 0 };
  // Warm-up: one short round each, not counted.
  for (const s of [without, withSubs]) await uploadRound(s, bodies, { ...settings, seconds: Math.min(1, settings.seconds) });
  await drain(withSubs, receiver, settings.drainTimeoutMs);
  for (let round = 0; round < settings.rounds; round++) {
    for (const s of round % 2 === 0 ? [without, withSubs] : [withSubs, without]) {
      const { rate, serviceCpu, benchCpu } = await uploadRound(s, bodies, settings);
      if (s === without) {
        row.without.push(rate);
        row.cpuWithout.push([serviceCpu, benchCpu]);
      } else {
        row.with.push(rate);
        row.cpuWith.push([serviceCpu, benchCpu]);
        row.drain.push(await drain(s, receiver, settings.drainTimeoutMs));
      }
      log(`  round ${round + 1} ${store}, ${s.subscriptions} subscriptions: ${rate.toFixed(1)} uploads/s, CPU per upload ${serviceCpu.toFixed(0)} µs service, ${benchCpu.toFixed(0)} µs bench${s === withSubs ? `, delivered ${row.drain.at(-1)?.toFixed(1)} s after the round` : ''}`);
    }
  }
  Object.assign(row, await latency(withSubs, receiver, bodies, settings));
  log(`  ${store}: latency from the event's time p50 ${quantile(row.fromTime, 0.5).toFixed(0)} ms p99 ${quantile(row.fromTime, 0.99).toFixed(0)} ms over ${row.deliveries} deliveries`);
  return row;
}

export function quantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

export async function runWebhooks(settings: WebhooksSettings, regions: BenchRegion[], log: Log): Promise<WebhooksReport> {
  const bodies = periods(24).flatMap((period) => regions.map((region) => jsonUpload(regionTable(region, period))));
  const receiver = await Receiver.start(settings.answerMs);
  const rows: WebhooksRow[] = [];
  const started: Target[] = [];
  const subjectOn = async (name: string, store: string, subscriptions: number, env: Record<string, string>): Promise<Subject> => {
    const service = await startService({ name: `webhooks ${name}`, dir: tempDir(), env: { ...WEBHOOK_ENV, ...env } });
    started.push(service);
    const subject = { name, store, service, subscriptions, uploads: 0, next: 0 };
    await subscribe(subject, receiver);
    return subject;
  };
  try {
    log(`webhooks, SQLite: ${settings.rounds} rounds of ${settings.seconds} s, ${settings.clients} uploaders, 0 and ${settings.subscriptions} subscriptions`);
    rows.push(await measure('SQLite', await subjectOn('sqlite0', 'SQLite', 0, {}), await subjectOn('sqlite10', 'SQLite', settings.subscriptions, {}), receiver, bodies, settings, log));
    await Promise.all(started.splice(0).map((t) => t.stop()));

    const cluster = await startCluster();
    try {
      await createDatabases(cluster, ['sonar_webhooks_0', 'sonar_webhooks_10']);
      log(`webhooks, PostgreSQL ${cluster.url('')}`);
      const without = await subjectOn('pg0', 'PostgreSQL', 0, { DATABASE_URL: cluster.url('sonar_webhooks_0') });
      const withSubs = await subjectOn('pg10', 'PostgreSQL', settings.subscriptions, { DATABASE_URL: cluster.url('sonar_webhooks_10') });
      rows.push(await measure('PostgreSQL', without, withSubs, receiver, bodies, settings, log));
      await Promise.all(started.splice(0).map((t) => t.stop()));
    } finally {
      cluster.remove();
    }
  } finally {
    await Promise.all(started.map((t) => t.stop()));
    await receiver.close();
  }
  return { settings, rows, unverified: receiver.unverified };
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–');

const cpu = (rounds: Array<[number, number]>) => `${fmt(median(rounds.map((c) => c[0])))} (${fmt(median(rounds.map((c) => c[1])))})`;

export function webhooksMarkdown(r: WebhooksReport): string {
  const s = r.settings;
  const lines = [
    '### Webhooks: uploads with and without subscriptions, and delivery latency (issue 21)',
    '',
    `JSON uploads (POST /v1/uploads, one region's table each) by ${s.clients} uploaders at once, ${s.rounds} rounds of ${s.seconds} s per service after a warm-up, ` +
      `alternating between a service without subscriptions and one with ${s.subscriptions}, all ${s.subscriptions} to one receiver that verifies each delivery with ` +
      `\`standardwebhooks\` and answers 204 after ${s.answerMs} ms; after each round with subscriptions the next waits until its deliveries have all arrived. ` +
      `Latency: ${s.latencyUploads} uploads ${s.latencyGapMs} ms apart with the ${s.subscriptions} subscriptions, every delivery counted; "from the event's time" starts at the ` +
      "instant the write took inside its transaction (just before its commit), \"from the 201\" at the upload's answer arriving at the client (just after it).",
    '',
    '| store | uploads/s without (per round) | uploads/s with subscriptions (per round) | with / without (medians) | met? (≥ 0.9) | CPU µs per upload without / with: service (bench process) | deliveries done after a round (s) | latency from the event\'s time: p50 / p99 ms | from the 201: p50 / p99 ms |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of r.rows) {
    const ratio = median(row.with) / median(row.without);
    lines.push(`| ${row.store} | ${fmt(median(row.without), 1)} (${row.without.map((x) => fmt(x, 1)).join(', ')}) | ${fmt(median(row.with), 1)} (${row.with.map((x) => fmt(x, 1)).join(', ')}) | ` +
      `${fmt(ratio, 3)} | ${ratio >= 0.9 ? 'yes' : '**no**'} | ${cpu(row.cpuWithout)} / ${cpu(row.cpuWith)} | ${row.drain.map((x) => fmt(x, 1)).join(', ')} | ` +
      `${fmt(quantile(row.fromTime, 0.5))} / ${fmt(quantile(row.fromTime, 0.99))} | ${fmt(quantile(row.from201, 0.5))} / ${fmt(quantile(row.from201, 0.99))} (${row.deliveries} deliveries) |`);
  }
  lines.push('', `Deliveries that failed verification: ${r.unverified}.`);
  return lines.join('\n');
}
