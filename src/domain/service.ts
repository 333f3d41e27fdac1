import { notFound, ProblemItem } from './errors';
import { summarize } from './figures';
import { asOfInstant } from './instant';
import { periodOf } from './period';
import { FiguresStore, StoredUpload, UploadRecord } from './ports';
import { coverageReportOf, nationalTotalsOf, refOf as ref, toFigures } from './read-shapes';
import { ReferenceData, Region, RegionRef } from './reference';
import { summaryOf } from './upload-summary';
import { UseCaseContext } from './use-case';
import { uploadProblems } from './upload';
import { TableBatchItem, UploadOptions, UploadOutcome, uploadTables } from './uploading';
import {
  CoverageReport, NationalTotals, PeriodList, RegionDetail, RegionGemeenten, RegionList,
  RegionTotals, UploadDetail, UploadList, UploadSource, UploadSummary,
} from './views';

export interface UploadFilterInput {
  region?: string;
  period?: string;
  uploadedBy?: string;
  limit?: number;
  offset?: number;
}

export { MAX_LISTED_PROBLEMS, oneTable, TableBatchItem, UploadOptions, UploadOutcome } from './uploading';

/** How often reads ask whether another process has committed to the database. */
const EXTERNAL_CHECK_MS = 10;

/**
 * The use cases of the service, each telling its story in a few lines: resolve, read, compute, shape.
 * `version` counts committed uploads, so that derived answers can be kept until the figures change.
 */
export class SonarService implements UseCaseContext {
  private changes = 0;
  private external = 0;
  private externalCheckedAt = -Infinity;

  constructor(
    readonly store: FiguresStore,
    readonly reference: ReferenceData,
    readonly clock: () => Date = () => new Date(),
  ) {}

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

  listRegions(): RegionList {
    return { regions: this.reference.regions.map((r) => ({ ...ref(r), gemeenteCount: r.gemeenten.length })) };
  }

  region(key: string): RegionDetail {
    const region = this.reference.region(key);
    return { ...ref(region), gemeenten: region.gemeenten };
  }

  async periods(): Promise<PeriodList> {
    return { periods: await this.store.periods() };
  }

  async gemeenten(regionKey: string, period?: string, asOf?: string): Promise<RegionGemeenten> {
    const { region, upload } = await this.currentOf(regionKey, period, asOf);
    const present = new Set(upload.rows.map((r) => r.code));
    return {
      region: ref(region),
      period: upload.period,
      gemeenten: upload.rows.map(toFigures),
      missing: region.gemeenten.filter((g) => !present.has(g.code)),
    };
  }

  async regionTotals(regionKey: string, period?: string, asOf?: string): Promise<RegionTotals> {
    const { region, upload } = await this.currentOf(regionKey, period, asOf);
    return this.totalsOf(region, upload);
  }

  async nationalTotals(period?: string, asOf?: string): Promise<NationalTotals> {
    const { period: p, uploads } = await this.nationalPeriod(period, asOf);
    return nationalTotalsOf(p, uploads, this.reference);
  }

  async coverage(period?: string, asOf?: string): Promise<CoverageReport> {
    const { period: p, uploads } = await this.nationalPeriod(period, asOf);
    return coverageReportOf(p, uploads, this.reference);
  }

  /** Every content problem of a would-be upload of any shape: unknown gemeenten, wrong totals, and so on. */
  uploadProblems(input: unknown): ProblemItem[] {
    return uploadProblems(input, this.reference);
  }

  /** Stores a JSON body's table (`oneTable`) or a file's tables as one unit: see uploading.ts. */
  upload(tables: AsyncIterable<TableBatchItem>, uploadedBy: string, source: UploadSource, options?: UploadOptions): Promise<UploadOutcome> {
    return uploadTables(this, tables, uploadedBy, source, options);
  }

  async listUploads(filter: UploadFilterInput): Promise<UploadList> {
    const regionCode = filter.region === undefined ? undefined : this.reference.region(filter.region).code;
    const period = filter.period === undefined ? undefined : periodOf(filter.period);
    const query = { regionCode, period, uploadedBy: filter.uploadedBy, limit: filter.limit ?? 100, offset: filter.offset ?? 0 };
    const [uploads, total] = await Promise.all([this.store.listUploads(query), this.store.countUploads(query)]);
    return { uploads: uploads.map((r) => this.summaryOf(r)), total };
  }

  async getUpload(id: number): Promise<UploadDetail> {
    const upload = await this.store.getUpload(id);
    if (!upload) throw notFound(`There is no upload ${id}.`);
    const region = this.reference.region(upload.regionCode);
    return { ...this.summaryOf(upload), gemeenten: upload.rows.map(toFigures), totals: this.totalsOf(region, upload) };
  }

  private summaryOf(record: UploadRecord): UploadSummary {
    return summaryOf(this.reference, record);
  }

  private totalsOf(region: Region, upload: StoredUpload): RegionTotals {
    return { region: ref(region), period: upload.period, ...summarize(upload.rows, upload.registerTotal) };
  }

  /** The period in its canonical form, `YYYY-MM`. */
  private async currentOf(regionKey: string, period?: string, asOfText?: string): Promise<{ region: Region; upload: StoredUpload }> {
    const region = this.reference.region(regionKey);
    const asOf = asOfInstant(asOfText);
    const p = period !== undefined ? periodOf(period) : await this.store.latestPeriod(region.code, asOf);
    const upload = p === undefined ? undefined : (await this.store.currentUploads(p, { regionCode: region.code, asOf }))[0];
    const then = asOf === undefined ? '' : ` as of ${asOf}`;
    if (!upload) throw notFound(p === undefined ? `${region.name} has no figures yet${then}.` : `${region.name} has no figures for ${p}${then}.`);
    return { region, upload };
  }

  private async nationalPeriod(period?: string, asOfText?: string): Promise<{ period: string; uploads: StoredUpload[] }> {
    const asOf = asOfInstant(asOfText);
    const p = period !== undefined ? periodOf(period) : await this.store.latestPeriod(undefined, asOf);
    const uploads = p === undefined ? [] : await this.store.currentUploads(p, { asOf });
    const then = asOf === undefined ? '' : ` as of ${asOf}`;
    if (p === undefined || uploads.length === 0) throw notFound(p === undefined ? `No figures have been uploaded yet${then}.` : `No region has figures for ${p}${then}.`);
    return { period: p, uploads };
  }
}
