import { ProblemItem } from './errors';
import { coverage, nationalTotals, regionGemeenten, regionTotals } from './figures-reads';
import { FiguresStore } from './ports';
import { refOf as ref } from './read-shapes';
import { ReferenceData } from './reference';
import { Classifications } from './classification';
import { uploadProblems } from './upload';
import { getUpload, listUploads, UploadFilterInput } from './upload-history';
import { TableBatchItem, UploadOptions, UploadOutcome, uploadTables } from './uploading';
import { UseCaseContext } from './use-case';
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
  private changes = 0;
  private external = 0;
  private externalCheckedAt = -Infinity;

  classifications: Classifications;

  constructor(
    readonly store: FiguresStore,
    public reference: ReferenceData,
    readonly clock: () => Date = () => new Date(),
    classifications?: Classifications,
  ) {
    this.classifications = classifications ?? Classifications.only(reference, clock().getUTCFullYear());
  }

  /** The service on a store, with every year's classification it holds; today's is the latest at or before the clock's year. */
  static async open(store: FiguresStore, clock: () => Date = () => new Date()): Promise<SonarService> {
    const service = new SonarService(store, new ReferenceData([]), clock);
    await service.reloadClassifications();
    return service;
  }

  /** Reads the classifications again, as at start-up: after an operator loaded a year (npm run classification). */
  async reloadClassifications(): Promise<void> {
    const { years, herindelingen } = await this.store.classifications();
    const classifications = new Classifications(years, herindelingen);
    this.reference = classifications.current(this.clock().getUTCFullYear());
    this.classifications = classifications;
    this.figuresChanged();
  }

  figuresChanged(): void {
    this.changes++;
  }

  /**
   * Grows with every upload this process commits (at once) and every commit another process makes to the
   * same file (noticed within EXTERNAL_CHECK_MS: asking SQLite costs as much as the rest of a cached read).
   */
  get version(): number {
    const now = Date.now();
    if (now - this.externalCheckedAt >= EXTERNAL_CHECK_MS) {
      this.external = this.store.externalChanges();
      this.externalCheckedAt = now;
    }
    return this.changes + this.external;
  }

  /** Today's regions, or those of `year` with where their membership comes from. */
  listRegions(year?: string): RegionList {
    const reference = year === undefined ? this.reference : this.classifications.year(Number(year));
    const regions = reference.regions.map((r) => ({ ...ref(r), gemeenteCount: r.gemeenten.length }));
    if (year === undefined) return { regions };
    const source = this.classifications.years.find((y) => y.year === Number(year));
    return { year: Number(year), ...(source ? { membership: source.membership } : {}), regions };
  }

  region(key: string): RegionDetail {
    const region = this.reference.region(key);
    return { ...ref(region), gemeenten: region.gemeenten };
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
