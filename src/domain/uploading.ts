import { DomainError, ProblemItem } from './errors';
import { extended } from './extended';
import { Summary } from './figures';
import { IdempotencyClaim, Remember, UploadRecord } from './ports';
import { refOf } from './read-shapes';
import { Region } from './reference';
import { repeatWarning } from './repeats';
import { summaryOf } from './upload-summary';
import { UseCaseContext } from './use-case';
import { jsonLocator, Locator, uploadSummary, UploadRequest, validateUpload, ValidUpload } from './upload';
import { UploadReceipt, UploadSource } from './views';

/**
 * A region table read from a file, or the one table of a JSON body, with what the reader already found
 * wrong in it (cells that are no counts, sums that do not add up). Without `input` where the rows made no
 * table at all. `at` says how problems are located: row and column of a file, or the JSON field.
 */
export interface TableBatchItem {
  input?: UploadRequest;
  at?: Locator;
  problems: ProblemItem[];
}

/** Receipts of an upload, and whether they are the remembered answer to an earlier request with the same key. */
export interface UploadOutcome {
  receipts: UploadReceipt[];
  replayed: boolean;
}

export interface UploadOptions {
  /** Problems of the request around the tables, such as its query parameters. */
  requestProblems?: ProblemItem[];
  /**
   * The request's Idempotency-Key claim: a claim known before the tables are read is looked up first; one
   * known only once they are (a file's fingerprint), given as a function, is looked up then.
   */
  claim?: IdempotencyClaim | (() => IdempotencyClaim | undefined);
}

/** No file needs more problems listed than this to be fixed; the rest are counted. */
export const MAX_LISTED_PROBLEMS = 1000;

/** How long an Idempotency-Key is remembered. */
const IDEMPOTENCY_MS = 24 * 60 * 60 * 1000;

/** A JSON body: one region's table, located by its JSON fields. */
export async function* oneTable(input: UploadRequest): AsyncIterable<TableBatchItem> {
  yield { input, at: jsonLocator(), problems: [] };
}

interface StagedTable {
  region: Region;
  period: string;
  summary: Summary;
  warnings: string[];
}

/**
 * Stores region tables as one unit, a JSON body's one or a file's several. Each table is checked as it is
 * read and, while nothing is wrong, staged; every problem is collected. Only tables without any problem are
 * stored, in one transaction; otherwise nothing is, and one error lists every problem. A retried request
 * with the same Idempotency-Key gets its first answer, which is remembered in the same transaction.
 */
export async function uploadTables(
  ctx: UseCaseContext, tables: AsyncIterable<TableBatchItem>, uploadedBy: string, source: UploadSource, options: UploadOptions = {},
): Promise<UploadOutcome> {
  const early = typeof options.claim === 'function' ? undefined : options.claim;
  const earlyReplay = early && (await remembered(ctx, early));
  if (earlyReplay) return earlyReplay;
  const problems = new ProblemCollector();
  problems.add(options.requestProblems ?? []);
  const staging = await ctx.store.beginStaging();
  const staged: StagedTable[] = [];
  let committed = false;
  try {
    await readTables(ctx, tables, problems, async (valid) => {
      await staging.add({ regionCode: valid.region.code, period: valid.period, registerTotal: valid.registerTotal, uploadedBy, source, rows: valid.rows, printed: valid.printed });
      staged.push({ region: valid.region, period: valid.period, summary: uploadSummary(valid), warnings: valid.warnings });
    });
    if (problems.size > 0) throw problems.toError();

    // Everything has been read, so a file's fingerprint is known: a retried file gets its first answer.
    const claim = typeof options.claim === 'function' ? options.claim() : early;
    const replay = claim && early === undefined && (await remembered(ctx, claim));
    if (replay) return replay;
    const receiptsOf = (records: UploadRecord[]): UploadReceipt[] => records.map((record, i) => extended(summaryOf(ctx, record), {
      totals: { region: refOf(staged[i].region), period: staged[i].period, ...staged[i].summary },
      warnings: staged[i].warnings,
    }));
    const records = await staging.commit(() => ctx.clock().toISOString(), rememberAs(ctx, claim, receiptsOf));
    committed = true;
    ctx.figuresChanged(records.map((r) => ({ regionCode: r.regionCode, period: r.period, at: r.uploadedAt })));
    return { receipts: receiptsOf(records), replayed: false };
  } finally {
    // A failed clean-up must not hide why the upload failed; whatever stays staged is swept by the store.
    if (!committed) await staging.discard().catch(() => undefined);
  }
}

/**
 * Reads and checks every table, collecting its problems; hands each valid one, with a warning when it
 * repeats the current figures, to `stage` while nothing is wrong so far.
 */
async function readTables(ctx: UseCaseContext, tables: AsyncIterable<TableBatchItem>, problems: ProblemCollector, stage: (valid: ValidUpload) => Promise<void>): Promise<void> {
  const seen = new Set<string>();
  let tableCount = 0;
  let registerGivenAt: Locator | undefined;
  for await (const item of tables) {
    problems.add(item.problems);
    if (!item.input) continue;
    tableCount++;
    const at = item.at ?? jsonLocator();
    if (item.input.registerTotal !== undefined) registerGivenAt ??= at;
    let valid: ValidUpload;
    try {
      valid = validateUpload(item.input, ctx, at);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      problems.add(error.errors);
      continue;
    }
    const key = `${valid.region.code} ${valid.period}`;
    if (seen.has(key)) {
      problems.add([extended(at.upload('region'), { detail: `repeats ${valid.region.name} for ${valid.period}; a file holds each region once`, found: item.input.region })]);
      continue;
    }
    seen.add(key);
    if (problems.size > 0) continue; // nothing will be stored: keep checking, stop staging
    const repeat = await repeatWarning(ctx.store, valid);
    if (repeat) valid.warnings.push(repeat);
    await stage(valid);
  }
  if (tableCount > 1 && registerGivenAt) {
    problems.add([extended(registerGivenAt.upload('registerTotal'), { detail: `is the register of one region, but the file holds ${tableCount} region tables; leave it out` })]);
  }
  if (tableCount === 0 && problems.size === 0) {
    problems.add([{ detail: 'The file holds no region table: gemeente rows under a region label such as "28 Twente", ending with a TOTAAL AMR row.' }]);
  }
}

async function remembered(ctx: UseCaseContext, claim: IdempotencyClaim): Promise<UploadOutcome | undefined> {
  const found = await ctx.store.rememberedAnswer(claim.client, claim.key, ctx.clock().toISOString());
  if (!found) return undefined;
  if (found.fingerprint !== claim.fingerprint) {
    throw new DomainError('key-reused', 'Idempotency-Key reused', 'This Idempotency-Key was used for another request; send a new upload with a new key.', [
      { field: 'header.Idempotency-Key', detail: 'was used before with a different request body', found: claim.key },
    ]);
  }
  return { receipts: JSON.parse(found.answer) as UploadReceipt[], replayed: true };
}

function rememberAs(ctx: UseCaseContext, claim: IdempotencyClaim | undefined, receiptsOf: (records: UploadRecord[]) => UploadReceipt[]): Remember | undefined {
  if (!claim) return undefined;
  const now = ctx.clock();
  return extended(claim, {
    now: now.toISOString(),
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_MS).toISOString(),
    answer: (records: UploadRecord[]) => JSON.stringify(receiptsOf(records)),
  });
}

/**
 * Every problem of a request, each cell or field once (the first problem found for it wins), and at most
 * MAX_LISTED_PROBLEMS of them, so that a file that is wrong throughout still answers briefly.
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
