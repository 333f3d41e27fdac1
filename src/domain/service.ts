import { ProblemItem } from './errors';
import { extended } from './extended';
import { coverage, nationalTotals, regionGemeenten, regionTotals } from './figures-reads';
import { FiguresStore } from './ports';
import { ChangeLog, Touched } from './staleness';
import { refOf as ref } from './read-shapes';
import { ReferenceData } from './reference';
import { Classifications, classificationStamp } from './classification';
import { uploadProblems } from './upload';
import { getUpload, listUploads, UploadFilterInput } from './upload-history';
import { TableBatchItem, UploadOptions, UploadOutcome, uploadTables } from './uploading';
import { UseCaseContext } from './use-case';
import { eventFeed, FeedAnswer, FeedQuery, FeedSettings } from './event-feed';
import { SubscriptionSettings } from './subscriptions';

/** What the event feed and the webhook subscriptions need from the configuration (webhooks/settings.ts). */
export type EventSettings = FeedSettings & SubscriptionSettings;

/** Without configuration: a feed under localhost, kept 90 days; no secrets, so subscribing is refused. */
const NO_EVENT_SETTINGS: EventSettings = {
  apiBase: 'http://localhost:3000/v1', retentionMs: 90 * 86_400_000, checkCallback: async () => 'cannot be checked: the service has no webhook settings',
};
import {
  CoverageReport, NationalTotals, PeriodList, RegionDetail, RegionGemeenten, RegionList,
  RegionTotals, UploadDetail, UploadList, UploadSource,
} from './views';

export { UploadFilterInput } from './upload-history';
export { MAX_LISTED_PROBLEMS, oneTable, TableBatchItem, UploadOptions, UploadOutcome } from './uploading';

/** How often reads ask whether another process has committed to the database. */
const EXTERNAL_CHECK_MS = 10;

/**
 * The service's use cases in one place for the HTTP layer: each is told in its own module (figures-reads,
 * series, gemeenten, uploading, upload-history, withdrawal, publication-table), taking this as its context.
 * `version` counts committed uploads, so that derived answers can be kept until the figures change.
 */
export class SonarService implements UseCaseContext {
  private readonly changes = new ChangeLog();
  private external: number | undefined;
  private externalCheckedAt = -Infinity;

  classifications: Classifications;
  /** The store's classificationStamp as last read; undefined for a service given its reference data (tests of other concerns). */
  private stamp: string | undefined;
  /** Checks of the stamp, one after another, so that an older read never replaces a newer one. */
  private refreshing: Promise<void> = Promise.resolve();

  constructor(
    readonly store: FiguresStore,
    public reference: ReferenceData,
    readonly clock: () => Date = () => new Date(),
    readonly events: EventSettings = NO_EVENT_SETTINGS,
    /** Called after each committed write of this process: the delivery worker looks for work at once. */
    private readonly onCommit: () => void = () => undefined,
    classifications?: Classifications,
  ) {
    this.classifications = classifications ?? Classifications.only(reference, clock().getUTCFullYear());
  }

  /** The service on a store, with every year's classification it holds; today's is the latest at or before the clock's year. */
  static async open(store: FiguresStore, clock: () => Date = () => new Date(), events?: EventSettings, onCommit?: () => void): Promise<SonarService> {
    const service = new SonarService(store, new ReferenceData([]), clock, events, onCommit);
    await service.reloadClassifications();
    return service;
  }

  /** Reads the classifications again, as at start-up: after an operator loaded a year (npm run classification). */
  async reloadClassifications(): Promise<void> {
    const { years, herindelingen } = await this.store.classifications();
    const classifications = new Classifications(years, herindelingen);
    this.stamp = classificationStamp(years);
    this.reference = classifications.current(this.clock().getUTCFullYear());
    this.classifications = classifications;
    this.changes.record(undefined); // names and members may have changed anywhere: nothing kept stays
  }

  /**
   * Reads the classifications again when the store's stamp moved: an operator loaded or replaced a year
   * from another process (npm run classification) since this service last read them.
   */
  refreshClassifications(): Promise<void> {
    if (this.stamp === undefined) return Promise.resolve();
    const check = async () => {
      if ((await this.store.classificationStamp()) !== this.stamp) await this.reloadClassifications();
    };
    this.refreshing = this.refreshing.then(check, check);
    return this.refreshing;
  }

  figuresChanged(touched: readonly Touched[]): void {
    this.changes.record(touched);
    this.onCommit();
  }

  eventFeed(query: FeedQuery): Promise<FeedAnswer> {
    return eventFeed(this, this.events, query);
  }

  /**
   * Grows with every upload this process commits (at once) and every commit another process makes to the
   * same database (noticed within EXTERNAL_CHECK_MS: asking SQLite costs as much as the rest of a cached read).
   */
  get version(): number {
    const now = Date.now();
    if (now - this.externalCheckedAt >= EXTERNAL_CHECK_MS) {
      this.externalCheckedAt = now;
      for (const touched of this.store.foreignChanges()) this.changes.record(touched);
      const external = this.store.externalChanges();
      if (this.external !== undefined && external !== this.external) {
        this.changes.record(undefined); // another process's commit, scope unknown: it may have loaded a classification
        this.refreshClassifications().catch(() => undefined); // the store out of reach: the next commit noticed checks again
      }
      this.external = external;
    }
    return this.changes.version;
  }

  /** What the commits after `version` touched; undefined when unknown (everything may have changed). */
  changedSince(version: number): Touched[] | undefined {
    return this.changes.since(version);
  }

  /** Today's regions, or those of `year` with where their membership comes from. */
  listRegions(year?: string): RegionList {
    const reference = year === undefined ? this.reference : this.classifications.year(Number(year));
    const regions = reference.regions.map((r) => extended(ref(r), { gemeenteCount: r.gemeenten.length }));
    if (year === undefined) return { regions };
    const source = this.classifications.years.find((y) => y.year === Number(year));
    return { year: Number(year), ...(source ? { membership: source.membership } : {}), regions };
  }

  region(key: string): RegionDetail {
    const region = this.reference.region(key);
    return extended(ref(region), { gemeenten: region.gemeenten });
  }

  async periods(): Promise<PeriodList> {
    return { periods: await this.store.periods() };
  }

  gemeenten(regionKey: string, period?: string, asOf?: string): Promise<RegionGemeenten> {
    return regionGemeenten(this, regionKey, period, asOf);
  }

  regionTotals(regionKey: string, period?: string, asOf?: string): Promise<RegionTotals> {
    return regionTotals(this, regionKey, period, asOf);
  }

  nationalTotals(period?: string, asOf?: string): Promise<NationalTotals> {
    return nationalTotals(this, period, asOf);
  }

  coverage(period?: string, asOf?: string): Promise<CoverageReport> {
    return coverage(this, period, asOf);
  }

  /** Every content problem of a would-be upload of any shape: unknown gemeenten, wrong totals, and so on. */
  uploadProblems(input: unknown): ProblemItem[] {
    return uploadProblems(input, this);
  }

  /** Stores a JSON body's table (`oneTable`) or a file's tables as one unit: see uploading.ts. */
  upload(tables: AsyncIterable<TableBatchItem>, uploadedBy: string, source: UploadSource, options?: UploadOptions): Promise<UploadOutcome> {
    return uploadTables(this, tables, uploadedBy, source, options);
  }

  listUploads(filter: UploadFilterInput): Promise<UploadList> {
    return listUploads(this, filter);
  }

  getUpload(id: number): Promise<UploadDetail> {
    return getUpload(this, id);
  }
}
