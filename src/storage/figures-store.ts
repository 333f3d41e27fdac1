import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import { DomainError } from '../domain/errors';
import { extended } from '../domain/extended';
import {
  FiguresStore, GemeentePeriodCounts, NationalSums, NationalSumsVersion, NewUpload, PrintedUpload, Remember, Staging, StoredUpload, UploadFilter, UploadRecord, UploadSums, WriteClock,
} from '../domain/ports';
import { sumCounts } from '../domain/figures';
import { Region } from '../domain/reference';
import type { Touched } from '../domain/staleness';
import { classificationStamp, type Herindeling, type YearClassification } from '../domain/classification';
import { ClassificationQueries, classificationQueries, readClassifications, writeClassification } from './classification-store';
import { GemeenteCounts } from '../domain/upload';
import { latestOfRegion, withCounting } from './as-of';
import { nationalQueries, periodOrLatest } from './national-sums';
import type { Engine, StagedUpload } from './engine';
import { EventsDatabase } from './events-database';
import { outboxWrites } from './events-store';
import { ClassificationEventData, EVENT_TYPES } from '../domain/events';
import { type Executor, prepare, type Prepared } from './prepared';
import { FigureRow, SumsRow, toCounts, toRecord, toSums, UploadRow } from './rows';
import type { Schema } from './schema';
import { unavailable } from './unavailable';

/** The largest id an upload can have: uploads.id is a 32-bit integer on PostgreSQL, and ids are drawn from 1 up. */
const MAX_ID = 2_147_483_647;
const isId = (id: number) => Number.isSafeInteger(id) && id >= 1 && id <= MAX_ID;

type UploadsEb = ExpressionBuilder<Schema & { u: Schema['uploads'] }, 'u'>;

/** An upload's own columns, whether it is current, and how many gemeenten it has. */
const uploadColumns = (eb: UploadsEb) => [
  'u.id', 'u.region_code', 'u.period', 'u.register_total', 'u.uploaded_by', 'u.uploaded_at', 'u.source', 'u.withdrawn_at', 'u.withdrawn_by',
  eb.exists(eb.selectFrom('current_uploads as cu').select(sql`1`.as('one')).whereRef('cu.upload_id', '=', 'u.id')).as('current'),
] as const;

const gemeenteCount = sql<number>`(select cast(count(*) as integer) from upload_figures f where f.upload_id = u.id)`.as('gemeente_count');

const figureColumns = ['g.code', 'g.name', 'f.gemeente_with_profile as gw', 'f.gemeente_without_profile as gwo', 'f.uwv_with_profile as uw', 'f.uwv_without_profile as uwo'] as const;

const sumColumns = ['c.region_code', 'c.period', 'u.register_total', 's.gemeente_with_profile as gw', 's.gemeente_without_profile as gwo', 's.uwv_with_profile as uw', 's.uwv_without_profile as uwo'] as const;

/** Uploads with their gemeenten's rows (upload_id first), each upload's in the rows' order. */
function withRows(uploads: UploadRow[], figures: Array<FigureRow & { upload_id: number }>): StoredUpload[] {
  const byUpload = new Map<number, GemeenteCounts[]>(uploads.map((u) => [u.id, []]));
  for (const f of figures) byUpload.get(f.upload_id)?.push(toCounts(f));
  return uploads.map((u) => extended(toRecord(u), { rows: byUpload.get(u.id) ?? [] }));
}

interface Args { region: string; period: string | null; asOf: string; gemeente: string; id: number }
type Variants<R> = { now: Prepared<Partial<Args>, R>; asOf: Prepared<Partial<Args>, R> };

/**
 * The store, on either engine: every query of the service written once with Kysely and compiled once
 * (prepared.ts); what the engines do differently sits in their Engine (sqlite/, postgres/).
 */
export class FiguresDatabase implements FiguresStore {
  private readonly q;
  private readonly figures = new Map<number, Prepared<Record<string, number>, FigureRow & { upload_id: number }>>();
  private readonly lists = new Map<string, { list: Prepared<UploadFilter, UploadRow>; count: Prepared<UploadFilter, { n: number }> }>();
  private readonly outbox;
  /** The events the writes leave (the outbox), the feed over them, subscriptions and their deliveries. */
  readonly events: EventsDatabase;

  private readonly classified: ClassificationQueries;
  private readonly national;

  constructor(readonly engine: Engine) {
    const db = engine.db;
    this.outbox = outboxWrites(db);
    this.events = new EventsDatabase(engine);
    this.classified = classificationQueries(db);
    this.national = nationalQueries(db);
    /** A read written once, prepared for now and for an instant. */
    const variants = <R>(read: (db: Kysely<Schema>, a: Partial<Args>, asOf: string | undefined) => { compile(): unknown }): Variants<R> => ({
      now: prepare(db, (d, a) => read(d, a, undefined) as never),
      asOf: prepare(db, (d, a) => read(d, a, a.asOf) as never),
    });
    /** A read over the uploads that count, prepared for now and for an instant. */
    const counting = <R>(read: (db: ReturnType<typeof withCounting>, a: Partial<Args>, asOf: string | undefined) => { compile(): unknown }): Variants<R> =>
      variants<R>((d, a, asOf) => read(withCounting(d, asOf), a, asOf));
    /** The period asked for, or when none is (null) the region's latest with figures, in the read's own statement. */
    const regionPeriodOrLatest = (a: Partial<Args>, asOf: string | undefined) =>
      sql<string>`coalesce(${a.period}, (${latestOfRegion(db, a.region as string, asOf)}))`;
    // An upload's row and its gemeenten's rows are read apart (withFigures): one wide row per gemeente costs more.
    const countingUploads = (d: ReturnType<typeof withCounting>) => d.selectFrom('counting as c')
      .innerJoin('uploads as u', 'u.id', 'c.upload_id')
      .select((eb) => [...uploadColumns(eb as unknown as UploadsEb), gemeenteCount])
      .orderBy('u.region_code');
    this.q = {
      latestRegionPeriod: variants<{ period: string | null }>((d, a, asOf) => latestOfRegion(d, a.region as string, asOf)),
      periods: prepare(db, (d) => d.selectFrom('current_uploads').select('period').distinct().orderBy('period')),
      regionPeriods: prepare(db, (d, a: { region: string }) => d.selectFrom('current_uploads').select('period').where('region_code', '=', a.region).orderBy('period')),
      uploads: counting<UploadRow>((d, a, asOf) => countingUploads(d).where('c.period', '=', periodOrLatest(db, a.period ?? null, asOf))),
      regionUpload: counting<UploadRow>((d, a, asOf) => countingUploads(d).where('c.period', '=', regionPeriodOrLatest(a, asOf))
        .where('c.region_code', '=', a.region as string)),
      upload: prepare(db, (d, a: { id: number }) => d.selectFrom('uploads as u')
        .select((eb) => [...uploadColumns(eb as unknown as UploadsEb), gemeenteCount, 'u.region_label']).where('u.id', '=', a.id)),
      printedUpload: prepare(db, (d, a: { region: string; period: string }) => d.selectFrom('current_uploads as c')
        .innerJoin('uploads as u', 'u.id', 'c.upload_id')
        .select((eb) => [...uploadColumns(eb as unknown as UploadsEb), gemeenteCount, 'u.region_label'])
        .where('c.region_code', '=', a.region).where('c.period', '=', a.period)),
      printedFigures: prepare(db, (d, a: { id: number }) => d.selectFrom('upload_figures as f').innerJoin('gemeenten as g', 'g.code', 'f.gemeente_code')
        .select([...figureColumns, sql<string>`coalesce(f.printed_name, g.name)`.as('printed_name')])
        .where('f.upload_id', '=', a.id).orderBy(sql`f.position is null`).orderBy('f.position').orderBy('g.name')),
      regionLabels: prepare(db, (d, a: { period: string }) => d.selectFrom('current_uploads as c').innerJoin('uploads as u', 'u.id', 'c.upload_id')
        .select(['c.region_code', 'u.region_label']).where('c.period', '=', a.period).where('u.region_label', 'is not', null)),
      // One query for a whole series: each upload that counts, with its sums (one row per upload).
      allSums: counting<SumsRow>((d) => d.selectFrom('counting as c').innerJoin('uploads as u', 'u.id', 'c.upload_id')
        .innerJoin('upload_sums as s', 's.upload_id', 'c.upload_id').select(sumColumns).orderBy('c.period').orderBy('c.region_code')),
      periodSums: counting<SumsRow>((d, a, asOf) => d.selectFrom('counting as c').innerJoin('uploads as u', 'u.id', 'c.upload_id')
        .innerJoin('upload_sums as s', 's.upload_id', 'c.upload_id').select(sumColumns).where('c.period', '=', periodOrLatest(db, a.period ?? null, asOf)).orderBy('c.region_code')),
      regionPeriodSums: counting<SumsRow>((d, a, asOf) => d.selectFrom('counting as c').innerJoin('uploads as u', 'u.id', 'c.upload_id')
        .innerJoin('upload_sums as s', 's.upload_id', 'c.upload_id').select(sumColumns)
        .where('c.period', '=', regionPeriodOrLatest(a, asOf)).where('c.region_code', '=', a.region as string)),
      regionSums: counting<SumsRow>((d, a) => d.selectFrom('counting as c').innerJoin('uploads as u', 'u.id', 'c.upload_id')
        .innerJoin('upload_sums as s', 's.upload_id', 'c.upload_id').select(sumColumns).where('c.region_code', '=', a.region as string).orderBy('c.period')),
      // Under every region that held the gemeente in some year (Vijfheerenlanden: AM99 in 2020, Gorinchem
      // from 2021), looked up by the regions' keys rather than through all current uploads.
      gemeenteHistory: counting<FigureRow & { period: string; region_code: string }>((d, a) => d.selectFrom('counting as c')
        .innerJoin('upload_figures as f', 'f.upload_id', 'c.upload_id')
        .innerJoin('gemeenten as g', 'g.code', 'f.gemeente_code')
        .select(['c.period', 'c.region_code', ...figureColumns])
        .where('f.gemeente_code', '=', a.gemeente as string)
        .where('c.region_code', 'in', db.selectFrom('gemeenten').select('region_code').where('code', '=', a.gemeente as string)
          .union(db.selectFrom('classification_gemeenten').select('region_code').where('code', '=', a.gemeente as string)))
        .orderBy('c.period')),
      remembered: prepare(db, (d, a: { client: string; key: string; now: string }) => d.selectFrom('idempotency_keys').select(['fingerprint', 'answer'])
        .where('client', '=', a.client).where('key', '=', a.key).where('expires_at', '>', a.now)),
      forgetExpired: prepare(db, (d, a: { now: string }) => d.deleteFrom('idempotency_keys').where('expires_at', '<=', a.now)),
      remember: prepare(db, (d, a: { client: string; key: string; fingerprint: string; answer: string; expiresAt: string }) => d.insertInto('idempotency_keys')
        .values({ client: a.client, key: a.key, fingerprint: a.fingerprint, answer: a.answer, expires_at: a.expiresAt })
        .onConflict((oc) => oc.columns(['client', 'key']).doNothing())),
      // The write of an import: its staged uploads get the ids after the largest so far, in the order staged.
      staged: prepare<{ importId: number }, StagedUpload>(db, (d, a) => d.selectFrom('staged_uploads as s')
        .select(['s.seq', 's.region_code', 's.period', 's.register_total', 's.uploaded_by', 's.source',
          sql<number>`(select cast(count(*) as integer) from staged_figures f where f.import_id = s.import_id and f.seq = s.seq)`.as('gemeente_count'),
          sql<number>`(select coalesce(max(id), 0) from uploads)`.as('base')])
        .where('s.import_id', '=', a.importId).orderBy('s.seq')),
      insertStaged: prepare(db, (d, a: { importId: number; base: number; at: string }) => d.insertInto('uploads')
        .columns(['id', 'region_code', 'period', 'register_total', 'uploaded_by', 'uploaded_at', 'source', 'region_label'])
        .expression(d.selectFrom('staged_uploads').select([sql<number>`cast(${a.base} as integer) + seq`.as('id'), 'region_code', 'period', 'register_total', 'uploaded_by',
          sql<string>`cast(${a.at} as text)`.as('uploaded_at'), 'source', 'region_label']).where('import_id', '=', a.importId))),
      moveStaged: prepare(db, (d, a: { importId: number; base: number }) => d.insertInto('upload_figures')
        .columns(['upload_id', 'gemeente_code', 'gemeente_with_profile', 'gemeente_without_profile', 'uwv_with_profile', 'uwv_without_profile', 'printed_name', 'position'])
        .expression(d.selectFrom('staged_figures').select([sql<number>`cast(${a.base} as integer) + seq`.as('upload_id'), 'gemeente_code', 'gw', 'gwo', 'uw', 'uwo', 'printed_name', 'position'])
          .where('import_id', '=', a.importId))),
      // Summed from the staged rows: an import's own, by its key, whatever the size of the figures.
      sumStaged: prepare(db, (d, a: { importId: number; base: number }) => d.insertInto('upload_sums')
        .columns(['upload_id', 'gemeente_with_profile', 'gemeente_without_profile', 'uwv_with_profile', 'uwv_without_profile'])
        .expression(d.selectFrom('staged_uploads as s').leftJoin('staged_figures as f', (j) => j.onRef('f.import_id', '=', 's.import_id').onRef('f.seq', '=', 's.seq'))
          .select([sql<number>`cast(${a.base} as integer) + s.seq`.as('upload_id'),
            sql<number>`coalesce(sum(f.gw), 0)`.as('gw'), sql<number>`coalesce(sum(f.gwo), 0)`.as('gwo'),
            sql<number>`coalesce(sum(f.uw), 0)`.as('uw'), sql<number>`coalesce(sum(f.uwo), 0)`.as('uwo')])
          .where('s.import_id', '=', a.importId).groupBy('s.seq'))),
      // Of several uploads of one import for one region and period, the last staged becomes current.
      makeStagedCurrent: prepare(db, (d, a: { importId: number; base: number }) => d.insertInto('current_uploads')
        .columns(['region_code', 'period', 'upload_id'])
        .expression(d.selectFrom('staged_uploads').select(['region_code', 'period', sql<number>`cast(${a.base} as integer) + max(seq)`.as('upload_id')])
          .where('import_id', '=', a.importId).groupBy(['region_code', 'period']))
        .onConflict((oc) => oc.columns(['region_code', 'period']).doUpdateSet({ upload_id: (eb) => eb.ref('excluded.upload_id') }))),
      // The write of an import that never left memory, a row at a time (EngineStaging.held).
      lastId: prepare(db, (d) => d.selectFrom('uploads').select(sql<number>`coalesce(max(id), 0)`.as('base'))),
      insertUpload: prepare(db, (d, a: NewUpload & { id: number; at: string; regionLabel: string | null }) => d.insertInto('uploads').values({
        id: a.id, region_code: a.regionCode, period: a.period, register_total: a.registerTotal, uploaded_by: a.uploadedBy, uploaded_at: a.at,
        source: a.source, region_label: a.regionLabel })),
      insertFigure: prepare(db, (d, a: { id: number; code: string; gw: number; gwo: number; uw: number; uwo: number; printedName: string | null; position: number }) =>
        d.insertInto('upload_figures').values({ upload_id: a.id, gemeente_code: a.code, gemeente_with_profile: a.gw, gemeente_without_profile: a.gwo,
          uwv_with_profile: a.uw, uwv_without_profile: a.uwo, printed_name: a.printedName, position: a.position })),
      insertSums: prepare(db, (d, a: { id: number; gw: number; gwo: number; uw: number; uwo: number }) => d.insertInto('upload_sums').values({
        upload_id: a.id, gemeente_with_profile: a.gw, gemeente_without_profile: a.gwo, uwv_with_profile: a.uw, uwv_without_profile: a.uwo })),
      forgetStagedFigures: prepare(db, (d, a: { importId: number }) => d.deleteFrom('staged_figures').where('import_id', '=', a.importId)),
      forgetStagedUploads: prepare(db, (d, a: { importId: number }) => d.deleteFrom('staged_uploads').where('import_id', '=', a.importId)),
      withdraw: prepare(db, (d, a: { id: number; at: string; by: string }) => d.updateTable('uploads').set({ withdrawn_at: a.at, withdrawn_by: a.by })
        .where('id', '=', a.id).where('withdrawn_at', 'is', null)),
      /** A withdrawn upload's region and period, whether it was current, and the latest upload of them still standing. */
      withdrawnScope: prepare(db, (d, a: { id: number }) => d.selectFrom('uploads as u')
        .leftJoin('current_uploads as c', 'c.upload_id', 'u.id')
        .select((eb) => ['u.region_code', 'u.period', 'c.upload_id as current', eb.selectFrom('uploads as p').select('p.id')
          .whereRef('p.region_code', '=', 'u.region_code').whereRef('p.period', '=', 'u.period').where('p.withdrawn_at', 'is', null)
          .orderBy('p.uploaded_at', 'desc').orderBy('p.id', 'desc').limit(1).as('standing')])
        .where('u.id', '=', a.id)),
      forgetCurrent: prepare(db, (d, a: { region: string; period: string }) => d.deleteFrom('current_uploads').where('region_code', '=', a.region).where('period', '=', a.period)),
      makeCurrent: prepare(db, (d, a: { region: string; period: string; id: number }) => d.insertInto('current_uploads')
        .values({ region_code: a.region, period: a.period, upload_id: a.id })
        .onConflict((oc) => oc.columns(['region_code', 'period']).doUpdateSet({ upload_id: (eb) => eb.ref('excluded.upload_id') }))),
    };
  }

  private get db(): Executor {
    return this.engine.reads;
  }

  /** Runs a read, with a failure to reach the database answered as the domain's 'unavailable'. */
  private async read<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      return this.engine.failed(error);
    }
  }

  isAvailable(): boolean {
    return this.engine.isAvailable();
  }

  externalChanges(): number {
    return this.engine.externalChanges();
  }

  foreignChanges(): Touched[][] {
    return this.engine.foreignChanges();
  }

  async close(): Promise<void> {
    await this.engine.close();
  }

  async referenceData(year = new Date().getUTCFullYear()): Promise<Region[]> {
    const { years } = await this.classifications();
    return (years.filter((y) => y.year <= year).at(-1) ?? years[0])?.regions ?? [];
  }

  classifications(): Promise<{ years: YearClassification[]; herindelingen: Herindeling[] }> {
    return this.read(() => readClassifications(this.db, this.classified));
  }

  async classificationStamp(): Promise<string> {
    const years = await this.read(() => this.classified.years.rows(this.db, {}));
    return classificationStamp(years.map((y) => ({ year: Number(y.year), loadedAt: y.loaded_at })));
  }

  /** The year and its event in one transaction; no scope is told, since names and members may change anywhere. */
  async storeClassification(year: YearClassification, herindelingen: readonly Herindeling[]): Promise<void> {
    await this.engine.write(async (db) => {
      const replaced = (await this.classified.years.rows(db, {})).some((y) => Number(y.year) === year.year);
      await writeClassification(db, this.classified, year, herindelingen);
      const data: ClassificationEventData = {
        year: year.year, replaced, gemeenten: year.regions.reduce((n, r) => n + r.gemeenten.length, 0), regions: year.regions.length,
        gemeentenSource: year.gemeentenSource, membership: year.membership, membershipSource: year.membershipSource, loadedAt: year.loadedAt, loadedBy: year.loadedBy,
      };
      await this.outbox.classificationLoaded.run(db, {
        year: String(year.year), at: year.loadedAt, replaced: replaced ? 1 : 0, detail: JSON.stringify(data), type: EVENT_TYPES.classificationLoaded });
      return { result: undefined, changed: true };
    });
  }

  async latestPeriod(regionCode?: string, asOf?: string): Promise<string | undefined> {
    if (regionCode === undefined) return this.read(() => this.national.latestPeriod(this.db, asOf));
    const [row] = await this.read(() => of(this.q.latestRegionPeriod, asOf).rows(this.db, { region: regionCode, asOf }));
    return row?.period ?? undefined;
  }

  async periods(regionCode?: string): Promise<string[]> {
    const rows = await this.read(() => (regionCode === undefined ? this.q.periods.rows(this.db, {}) : this.q.regionPeriods.rows(this.db, { region: regionCode })));
    return rows.map((r) => r.period);
  }

  async currentUploads(period: string | undefined, options: { regionCode?: string; asOf?: string } = {}): Promise<StoredUpload[]> {
    const { regionCode, asOf } = options;
    const read = regionCode === undefined ? this.q.uploads : this.q.regionUpload;
    return this.read(async () => this.withFigures(await of(read, asOf).rows(this.db, { period: period ?? null, region: regionCode, asOf })));
  }

  async printedUpload(regionCode: string, period: string): Promise<PrintedUpload | undefined> {
    return this.read(async () => {
      const [upload] = await this.q.printedUpload.rows(this.db, { region: regionCode, period });
      if (!upload) return undefined;
      const rows = await this.q.printedFigures.rows(this.db, { id: upload.id });
      return extended(toRecord(upload), { regionLabel: upload.region_label, rows: rows.map((r) => extended(toCounts(r), { printedName: r.printed_name })) });
    });
  }

  async regionLabels(period: string): Promise<Map<string, string>> {
    const rows = await this.read(() => this.q.regionLabels.rows(this.db, { period }));
    return new Map(rows.map((r) => [r.region_code, r.region_label as string]));
  }

  async uploadSums(regionCode?: string, asOf?: string): Promise<UploadSums[]> {
    const read = regionCode === undefined ? this.q.allSums : this.q.regionSums;
    return (await this.read(() => of(read, asOf).rows(this.db, { region: regionCode, asOf }))).map(toSums);
  }

  async periodSums(period: string | undefined, options: { regionCode?: string; asOf?: string } = {}): Promise<UploadSums[]> {
    const { regionCode, asOf } = options;
    const read = regionCode === undefined ? this.q.periodSums : this.q.regionPeriodSums;
    return (await this.read(() => of(read, asOf).rows(this.db, { period: period ?? null, region: regionCode, asOf }))).map(toSums);
  }

  async nationalSums(options: { asOf?: string } = {}): Promise<NationalSums[]> {
    return this.read(() => this.national.all(this.db, options.asOf));
  }

  async periodNationalSums(period: string | undefined, asOf?: string): Promise<NationalSums | undefined> {
    return this.read(() => this.national.period(this.db, period, asOf));
  }

  async nationalSumVersions(asOf?: string): Promise<NationalSumsVersion[]> {
    return this.read(() => this.national.versions(this.db, asOf));
  }

  async gemeenteHistory(gemeenteCode: string, asOf?: string): Promise<GemeentePeriodCounts[]> {
    const rows = await this.read(() => of(this.q.gemeenteHistory, asOf).rows(this.db, { gemeente: gemeenteCode, asOf }));
    return rows.map((r) => ({ period: r.period, regionCode: r.region_code, row: toCounts(r) }));
  }

  async getUpload(id: number): Promise<StoredUpload | undefined> {
    if (!isId(id)) return undefined;
    return this.read(async () => (await this.withFigures(await this.q.upload.rows(this.db, { id })))[0]);
  }

  async rememberedAnswer(client: string, key: string, now: string): Promise<{ fingerprint: string; answer: string } | undefined> {
    const [row] = await this.read(() => this.q.remembered.rows(this.db, { client, key, now }));
    return row;
  }

  async listUploads(filter: UploadFilter): Promise<UploadRecord[]> {
    // An offset past every upload there can be finds none; PostgreSQL would refuse one past its bigint.
    if (filter.offset > MAX_ID) return [];
    const rows = await this.read(() => this.listQueries(filter).list.rows(this.db, extended(filter, { limit: Math.min(filter.limit, MAX_ID) })));
    return rows.map(toRecord);
  }

  async countUploads(filter: UploadFilter): Promise<number> {
    const [row] = await this.read(() => this.listQueries(filter).count.rows(this.db, filter));
    return Number(row.n);
  }

  /**
   * The uploads with their gemeenten's rows, read by the uploads' ids: uploads never change once committed,
   * so the rows are theirs whatever another connection commits between the two statements.
   */
  private async withFigures(uploads: Array<UploadRow & { region_label?: string | null }>): Promise<StoredUpload[]> {
    if (uploads.length === 0) return [];
    let figures = this.figures.get(uploads.length);
    if (!figures) {
      const count = uploads.length;
      figures = prepare(this.engine.db, (d, a: Record<string, number>) => d.selectFrom('upload_figures as f').innerJoin('gemeenten as g', 'g.code', 'f.gemeente_code')
        .select(['f.upload_id', ...figureColumns]).where('f.upload_id', 'in', Array.from({ length: count }, (_, i) => a[`id${i}`])).orderBy('g.name'));
      this.figures.set(count, figures);
    }
    const rows = await figures.rows(this.db, Object.fromEntries(uploads.map((u, i) => [`id${i}`, u.id])));
    return withRows(uploads, rows);
  }

  /** The list and count of the uploads history, prepared once for each combination of filters given. */
  private listQueries(filter: UploadFilter) {
    const given = { region: filter.regionCode !== undefined, period: filter.period !== undefined, uploadedBy: filter.uploadedBy !== undefined };
    const key = JSON.stringify(given);
    let found = this.lists.get(key);
    if (!found) {
      const filtered = (d: Kysely<Schema>, a: UploadFilter) => d.selectFrom('uploads as u')
        .$if(given.region, (qb) => qb.where('u.region_code', '=', a.regionCode as string))
        .$if(given.period, (qb) => qb.where('u.period', '=', a.period as string))
        .$if(given.uploadedBy, (qb) => qb.where('u.uploaded_by', '=', a.uploadedBy as string));
      found = {
        list: prepare(this.engine.db, (d, a: UploadFilter) => filtered(d, a)
          .select((eb) => [...uploadColumns(eb as unknown as UploadsEb), gemeenteCount]).orderBy('u.id', 'desc').limit(a.limit).offset(a.offset)) as Prepared<UploadFilter, UploadRow>,
        count: prepare(this.engine.db, (d, a: UploadFilter) => filtered(d, a).select(sql<number>`cast(count(*) as integer)`.as('n'))),
      };
      this.lists.set(key, found);
    }
    return found;
  }

  /** Inside an upload's write: a key taken meanwhile (by another process) undoes the upload. */
  private async remember(db: Executor, remember: Remember | undefined, records: UploadRecord[]): Promise<void> {
    if (!remember) return;
    const [, { affected }] = await db.batch([this.q.forgetExpired.with({ now: remember.now }), this.q.remember.with(extended(remember, { answer: remember.answer(records) }))]);
    if (affected === 0) {
      throw new DomainError('conflict', 'Conflict', 'Another request with this Idempotency-Key was stored at the same moment; send it again to get that answer.');
    }
  }

  /**
   * Every upload goes through staging: set aside under an import id while its file is read (the engine's
   * way), then moved into the figures in one write, a few statements whatever the number of uploads; an
   * engine may write an import that never left memory straight into the figures in that write instead
   * (EngineStaging.held). Ids follow the largest so far in the order staged, drawn under the write lock, so
   * that id order and instant order agree.
   */
  async beginStaging(): Promise<Staging> {
    const staging = this.engine.stage();
    const forgetting = (id: number | string) => [this.q.forgetStagedFigures.with({ importId: id as number }), this.q.forgetStagedUploads.with({ importId: id as number })];
    const commit = async (now: WriteClock, remember?: Remember): Promise<UploadRecord[]> => {
      // An import that never left memory is written straight into the figures.
      const held = staging.held();
      const flushed = held ? undefined : await this.read(() => staging.flush());
      return this.engine.write(async (db) => {
        const uploadedAt = now();
        let staged: StagedUpload[];
        if (held) {
          staged = await (this.engine.writeHeld ? this.engine.writeHeld(db, held, uploadedAt) : this.writeHeld(db, held, uploadedAt));
        } else if (flushed === undefined) {
          await this.remember(db, remember, []);
          return { result: [], changed: false };
        } else {
          staged = await this.q.staged.rows(db, { importId: flushed.importId as number });
          const args = { importId: flushed.importId as number, at: uploadedAt, base: staged[0]?.base ?? 0 };
          const [, { affected: moved }] = await db.batch([this.q.insertStaged.with(args), this.q.moveStaged.with(args), this.q.sumStaged.with(args),
            this.q.makeStagedCurrent.with(args), ...forgetting(flushed.importId)]);
          // Never a partial file. Staged rows are gone only if something cleared them under a running import
          // (PostgreSQL's stale-staging sweep, or its UNLOGGED tables emptied by a crash): send the file again.
          if (staged.length !== flushed.count || moved !== staged.reduce((n, u) => n + u.gemeente_count, 0)) throw unavailable();
        }
        const last = new Map(staged.map((u) => [`${u.region_code} ${u.period}`, u.seq]));
        const records = staged.map((u) => toRecord(extended(u, { id: u.base + u.seq, uploaded_at: uploadedAt, withdrawn_at: null, withdrawn_by: null,
          current: last.get(`${u.region_code} ${u.period}`) === u.seq })));
        await this.remember(db, remember, records);
        return {
          result: records, changed: true, touched: staged.map((u) => ({ regionCode: u.region_code, period: u.period, at: uploadedAt })),
          // The national sums of their periods, and the outbox (an event per upload), with the figures or not at all.
          closing: staged.length === 0 ? [] : [...this.national.keeping(staged[0].base + 1, staged[0].base + staged.length, uploadedAt),
            this.outbox.published.with({ base: staged[0].base, count: staged.length, type: EVENT_TYPES.published })],
        };
      });
    };
    return {
      add: (upload: NewUpload) => this.read(() => staging.add(upload)),
      commit,
      discard: async () => {
        const importId = staging.stagedAs();
        if (importId !== undefined) await this.read(() => this.db.batch(forgetting(importId)));
      },
    };
  }

  /** Held uploads into the figures a row at a time: ids after the largest so far in the order added; the last of each region and period current. */
  private async writeHeld(db: Executor, uploads: NewUpload[], at: string): Promise<StagedUpload[]> {
    const [{ base }] = await this.q.lastId.rows(db, {});
    const written: StagedUpload[] = [];
    for (const [k, u] of uploads.entries()) {
      const seq = k + 1;
      const id = base + seq;
      await this.q.insertUpload.run(db, extended(u, { id, at, regionLabel: u.printed?.regionLabel ?? null }));
      for (const [i, r] of u.rows.entries()) {
        await this.q.insertFigure.run(db, { id, code: r.code, gw: r.gemeenteClients.withProfile, gwo: r.gemeenteClients.withoutProfile,
          uw: r.uwvClients.withProfile, uwo: r.uwvClients.withoutProfile, printedName: u.printed?.names[i] ?? null, position: i });
      }
      const { gemeenteClients: g, uwvClients: w } = sumCounts(u.rows);
      await this.q.insertSums.run(db, { id, gw: g.withProfile, gwo: g.withoutProfile, uw: w.withProfile, uwo: w.withoutProfile });
      await this.q.makeCurrent.run(db, { region: u.regionCode, period: u.period, id });
      written.push({ seq, region_code: u.regionCode, period: u.period, register_total: u.registerTotal, uploaded_by: u.uploadedBy, source: u.source,
        gemeente_count: u.rows.length, base });
    }
    return written;
  }

  async withdrawUpload(id: number, withdrawnBy: string, now: WriteClock): Promise<boolean> {
    if (!isId(id)) return false;
    return this.engine.write(async (db) => {
      const at = now();
      const [{ affected }, { rows: [scope] }] = await db.batch([this.q.withdraw.with({ id, at, by: withdrawnBy }), this.q.withdrawnScope.with({ id })]);
      if (affected === 0) return { result: false, changed: false };
      const where = { region: scope.region_code, period: scope.period };
      const current = scope.current === null ? []
        : [scope.standing === null ? this.q.forgetCurrent.with(where) : this.q.makeCurrent.with(extended(where, { id: Number(scope.standing) })), ...this.national.keeping(id, id, at)];
      return {
        result: true, changed: true, touched: [{ regionCode: scope.region_code, period: scope.period, at }],
        closing: [...current, this.outbox.withdrawn.with({ id, at, type: EVENT_TYPES.withdrawn })],
      };
    });
  }
}

const of = <R>(read: Variants<R>, asOf: string | undefined) => (asOf === undefined ? read.now : read.asOf);
