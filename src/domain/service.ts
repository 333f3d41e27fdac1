import { DomainError, invalid, notFound, ProblemItem } from './errors';
import { summarize, Summary } from './figures';
import { asOfInstant } from './instant';
import { periodOf } from './period';
import { FiguresStore, IdempotencyClaim, Remember, StoredUpload, UploadRecord } from './ports';
import { coverageReportOf, nationalTotalsOf, refOf as ref, toFigures } from './read-shapes';
import { ReferenceData, Region, RegionRef } from './reference';
import { repeatChecker } from './repeats';
import { summaryOf } from './upload-summary';
import { UseCaseContext } from './use-case';
import { jsonLocator, Locator, uploadProblems, uploadSummary, UploadRequest, validateUpload, ValidUpload } from './upload';
import {
  CoverageReport, NationalTotals, PeriodList, RegionDetail, RegionGemeenten, RegionList,
  RegionTotals, UploadDetail, UploadList, UploadReceipt, UploadSource, UploadSummary,
} from './views';

export interface UploadFilterInput {
  region?: string;
  period?: string;
  uploadedBy?: string;
  limit?: number;
  offset?: number;
}

/** One file or body may hold several regions' tables; each becomes its own upload. */
export interface UploadBatchItem {
  input: UploadRequest;
  at?: Locator;
}

/**
 * A region table read from a file, with what the reader of the file already found wrong in it (cells that
 * are no counts, sums that do not add up). Without `input` where the rows made no table at all.
 */
export interface TableBatchItem {
  input?: UploadRequest;
  at?: Locator;
  problems: ProblemItem[];
}

/** No file needs more problems listed than this to be fixed; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 1000;

/** Receipts of an upload, and whether they are the remembered answer to an earlier request with the same key. */
export interface UploadOutcome {
  receipts: UploadReceipt[];
  replayed: boolean;
}

/** How often reads ask whether another process has committed to the database. */
const EXTERNAL_CHECK_MS = 10;

/** How long an Idempotency-Key is remembered. */
const IDEMPOTENCY_MS = 24 * 60 * 60 * 1000;

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

  /** Validates every table first, then stores all of them in one transaction, or none. */
  async upload(items: UploadBatchItem[], uploadedBy: string, source: UploadSource): Promise<UploadReceipt[]> {
    return (await this.uploadOnce(items, uploadedBy, source)).receipts;
  }

  /**
   * As `upload`, and with a claim: a key seen before with the same request answers what it answered then,
   * without storing anything; with another request it is refused. The answer is remembered in the same
   * transaction as the figures, so a retry after a crash never stores them twice.
   */
  async uploadOnce(items: UploadBatchItem[], uploadedBy: string, source: UploadSource, claim?: IdempotencyClaim): Promise<UploadOutcome> {
    const replay = claim && (await this.remembered(claim));
    if (replay) return replay;
    const valid: ValidUpload[] = [];
    const problems: DomainError[] = [];
    items.forEach((item, index) => {
      try {
        valid.push(validateUpload(item.input, this.reference, item.at ?? (items.length > 1 ? jsonLocator(`[${index}].`) : jsonLocator())));
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        problems.push(error);
      }
    });
    const keys = new Set<string>();
    for (const u of valid) {
      const key = `${u.region.code} ${u.period}`;
      if (keys.has(key)) problems.push(invalid(`${u.region.name} appears twice for ${u.period} in one upload.`, [{ detail: `${u.region.name} appears twice for ${u.period}`, found: u.region.name }]));
      keys.add(key);
    }
    if (problems.length > 0) {
      const errors = problems.flatMap((p) => (p.errors.length ? p.errors : [{ detail: p.detail }]));
      throw new DomainError('invalid', 'Invalid upload', `The upload has ${errors.length} problem${errors.length === 1 ? '' : 's'}; nothing was stored.`, errors);
    }
    const repeatWarning = repeatChecker(this.store);
    for (const u of valid) u.warnings.push(...[await repeatWarning(u)].filter((w) => w !== undefined));

    const receiptsOf = (records: UploadRecord[]): UploadReceipt[] => records.map((record, i) => ({
      ...this.summaryOf(record),
      totals: { region: ref(valid[i].region), period: valid[i].period, ...uploadSummary(valid[i]) },
      warnings: valid[i].warnings,
    }));
    const records = await this.store.saveUploads(valid.map((u) => ({
      regionCode: u.region.code, period: u.period, registerTotal: u.registerTotal, uploadedBy, source, rows: u.rows, printed: u.printed,
    })), this.writeInstant, this.rememberAs(claim, receiptsOf));
    this.figuresChanged();
    return { receipts: receiptsOf(records), replayed: false };
  }

  /** The instant of a write, asked by the store once it holds the write lock. */
  private readonly writeInstant = (): string => this.clock().toISOString();

  private async remembered(claim: IdempotencyClaim): Promise<UploadOutcome | undefined> {
    const found = await this.store.rememberedAnswer(claim.client, claim.key, this.clock().toISOString());
    if (!found) return undefined;
    if (found.fingerprint !== claim.fingerprint) {
      throw new DomainError('key-reused', 'Idempotency-Key reused', 'This Idempotency-Key was used for another request; send a new upload with a new key.', [
        { field: 'header.Idempotency-Key', detail: 'was used before with a different request body', found: claim.key },
      ]);
    }
    return { receipts: JSON.parse(found.answer) as UploadReceipt[], replayed: true };
  }

  private rememberAs(claim: IdempotencyClaim | undefined, receiptsOf: (records: UploadRecord[]) => UploadReceipt[]): Remember | undefined {
    if (!claim) return undefined;
    const now = this.clock();
    return {
      ...claim,
      now: now.toISOString(),
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_MS).toISOString(),
      answer: (records) => JSON.stringify(receiptsOf(records)),
    };
  }

  /**
   * Stores the region tables of one file as one unit. Each table is checked as it is read and, while the
   * file has no problem, staged; every problem of the whole file is collected. Only a file without any
   * problem is stored, in one transaction; otherwise nothing is, and one error lists every problem.
   * `requestProblems` are those of the request around the file, such as its query parameters.
   */
  async uploadTables(
    tables: AsyncIterable<TableBatchItem>, uploadedBy: string, source: UploadSource, requestProblems: ProblemItem[] = [],
    claimOf?: () => IdempotencyClaim,
  ): Promise<UploadOutcome> {
    const problems = new ProblemCollector();
    problems.add(requestProblems);
    const staging = await this.store.beginStaging();
    const staged: Array<{ region: Region; period: string; summary: Summary; warnings: string[] }> = [];
    const seen = new Set<string>();
    const repeatWarning = repeatChecker(this.store);
    let tableCount = 0;
    let registerGivenAt: Locator | undefined;
    let committed = false;
    try {
      for await (const item of tables) {
        problems.add(item.problems);
        if (!item.input) continue;
        tableCount++;
        const at = item.at ?? jsonLocator();
        if (item.input.registerTotal !== undefined) registerGivenAt ??= at;
        let valid: ValidUpload;
        try {
          valid = validateUpload(item.input, this.reference, at);
        } catch (error) {
          if (!(error instanceof DomainError)) throw error;
          problems.add(error.errors);
          continue;
        }
        const key = `${valid.region.code} ${valid.period}`;
        if (seen.has(key)) {
          problems.add([{ ...at.upload('region'), detail: `repeats ${valid.region.name} for ${valid.period}; a file holds each region once`, found: item.input.region }]);
          continue;
        }
        seen.add(key);
        if (problems.size > 0) continue; // nothing will be stored: keep checking, stop staging
        await staging.add({ regionCode: valid.region.code, period: valid.period, registerTotal: valid.registerTotal, uploadedBy, source, rows: valid.rows, printed: valid.printed });
        const repeat = await repeatWarning(valid);
        staged.push({ region: valid.region, period: valid.period, summary: uploadSummary(valid), warnings: repeat ? [...valid.warnings, repeat] : valid.warnings });
      }
      if (tableCount > 1 && registerGivenAt) {
        problems.add([{ ...registerGivenAt.upload('registerTotal'), detail: `is the register of one region, but the file holds ${tableCount} region tables; leave it out` }]);
      }
      if (tableCount === 0 && problems.size === 0) {
        problems.add([{ detail: 'The file holds no region table: gemeente rows under a region label such as "28 Twente", ending with a TOTAAL AMR row.' }]);
      }
      if (problems.size > 0) throw problems.toError();

      // The whole file has been read, so its fingerprint is known: a retried file gets its first answer.
      const claim = claimOf?.();
      const replay = claim && (await this.remembered(claim));
      if (replay) return replay;
      const receiptsOf = (records: UploadRecord[]): UploadReceipt[] => records.map((record, i) => ({
        ...this.summaryOf(record),
        totals: { region: ref(staged[i].region), period: staged[i].period, ...staged[i].summary },
        warnings: staged[i].warnings,
      }));
      const records = await staging.commit(this.writeInstant, this.rememberAs(claim, receiptsOf));
      committed = true;
      this.figuresChanged();
      return { receipts: receiptsOf(records), replayed: false };
    } finally {
      if (!committed) await staging.discard();
    }
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
    const upload = p === undefined ? undefined : await this.store.currentUpload(region.code, p, asOf);
    const then = asOf === undefined ? '' : ` as of ${asOf}`;
    if (!upload) throw notFound(p === undefined ? `${region.name} has no figures yet${then}.` : `${region.name} has no figures for ${p}${then}.`);
    return { region, upload };
  }

  private async nationalPeriod(period?: string, asOfText?: string): Promise<{ period: string; uploads: StoredUpload[] }> {
    const asOf = asOfInstant(asOfText);
    const p = period !== undefined ? periodOf(period) : await this.store.latestPeriod(undefined, asOf);
    const uploads = p === undefined ? [] : await this.store.currentUploads(p, asOf);
    const then = asOf === undefined ? '' : ` as of ${asOf}`;
    if (p === undefined || uploads.length === 0) throw notFound(p === undefined ? `No figures have been uploaded yet${then}.` : `No region has figures for ${p}${then}.`);
    return { period: p, uploads };
  }
}

/**
 * Every problem of a file, each cell or query parameter once (the first problem found for it wins), and
 * at most MAX_LISTED_PROBLEMS of them, so that a file that is wrong throughout still answers briefly.
 */
class ProblemCollector {
  private readonly items: ProblemItem[] = [];
  private readonly keys = new Set<string>();
  private unlisted = 0;

  get size(): number {
    return this.items.length + this.unlisted;
  }

  add(problems: readonly ProblemItem[]): void {
    for (const problem of problems) {
      if (this.items.length >= MAX_LISTED_PROBLEMS) {
        this.unlisted++;
        continue;
      }
      const key = problem.row !== undefined ? `${problem.row}:${problem.column ?? problem.detail}` : problem.field ?? problem.detail;
      if (this.keys.has(key)) continue;
      this.keys.add(key);
      this.items.push(problem);
    }
  }

  toError(): DomainError {
    const count = `${this.size} problem${this.size === 1 ? '' : 's'}`;
    const listed = this.unlisted > 0 ? ` The first ${this.items.length} are listed.` : '';
    return new DomainError('invalid', 'Invalid upload', `The upload has ${count}; nothing was stored.${listed}`, this.items);
  }
}
