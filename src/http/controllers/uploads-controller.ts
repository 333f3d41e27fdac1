import { Body, Controller, Delete, Example, Extension, Get, Header, Middlewares, Path, Post, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { oneTable, SonarService } from '../../domain/service';
import { UploadRequest } from '../../domain/upload';
import { CreatedUploads, UploadDetail, UploadList, WithdrawalReceipt } from '../../domain/views';
import { withdrawUpload } from '../../domain/withdrawal';
import { writerOf } from '../authentication';
import { IdempotencyKey, KeyName, Period } from '../headers';
import { bodyDigestOf, REPLAYED_HEADER } from '../idempotency';
import { answer } from '../answer';
import { ProblemDetails } from '../problem';
import { MALFORMED_ID, NOT_MODIFIED, NO_API_KEY, NO_SUCH_UPLOAD, TOO_MANY_REQUESTS, UNAVAILABLE, UNKNOWN_REGION } from './responses';
import { isTableUpload, readTableUpload, TABLE_CONTENT_TYPES } from '../table-upload';
import { requireContentType } from '../content-type';
import { jsonUpload } from '../json-upload';
import { pageLinks } from '../paging';
import { periodOf } from '../../domain/period';

/**
 * An upload's number, as its receipt and Location give it. The stores hold upload ids as 32-bit integers
 * (PostgreSQL `integer`), so no id is larger than 2147483647.
 * @isInt must be a whole number
 * @minimum 1 must be at least 1
 * @maximum 2147483647 is larger than any upload id
 * @example 1
 */
export type UploadId = number;

@Route('uploads')
@Tags('Uploads')
@Response<ProblemDetails>(429, TOO_MANY_REQUESTS) // the writes say theirs
@Response<ProblemDetails, { 'Retry-After': string }>(503, UNAVAILABLE)
export class UploadsController extends Controller {
  constructor(private readonly service: SonarService) {
    super();
  }

  /**
   * Uploads the figures of one region for one period. They replace the region's figures for that period
   * as one unit; earlier uploads stay readable as history. Every figure is checked first: one problem
   * and nothing is stored. Every content type is answered alike: `{ "uploads": [receipt, …] }`, one
   * receipt per region (a JSON upload has one). An upload that leaves out gemeenten of its region is
   * refused unless it says `partial: true` (`?partial=true` with a table); one that repeats the current
   * figures is stored with a warning naming the upload it repeats. A key limited to regions gets 403 for
   * any other region, and a file holding one such region is refused whole. The example body is the Almelo
   * row of the Twente table with `partial: true`: sent as it is, it replaces Twente's figures for 2026-06
   * by that one gemeente (the others are listed as missing); send all 14 rows for the real table, or
   * withdraw the upload with DELETE /v1/uploads/{id}.
   * @summary Upload a region's figures for a period
   * @param body The figures as JSON, or the publication table as it is published: tab-separated, comma- or semicolon-separated (optional UTF-8 BOM, CRLF or LF), or an Excel workbook (first sheet). A table has two header rows, the region label ("28 Twente") on its first gemeente row and a TOTAAL AMR row at its end; a file may hold several regions' tables one after another, stored as one upload per region, all or none.
   * @param idempotencyKey Your own key for this upload (1–255 visible ASCII characters): a retry with the same key and body gets the first answer again instead of a second upload.
   * @param period With a table (TSV, CSV, Excel): the month of the figures, YYYY-MM, or a quarter YYYY-Qn or YYYYKWnn (its last month). Required with a table; not used with JSON, whose body has it. Checked with the table, so that one answer lists every problem.
   * @param registerTotal With a table of one region: the size of its doelgroepregister banenafspraken, in plain digits. Not allowed with several regions in one file. Not used with JSON.
   * @param region With a table: the region (CBS code or name). Optional, since the table's label names it ("28 Twente"); when both are given they must agree. Not used with JSON.
   * @param partial With a table: true when its region tables leave out gemeenten on purpose. Without it, a table that leaves out gemeenten of its region is refused (400 listing them), since an upload replaces the region's whole table for the period. Not used with JSON, whose body says `partial: true`.
   * @example period "2026-06"
   * @example registerTotal 10371
   * @example region "Twente"
   * @example partial false
   * @isInt registerTotal must be a whole number written in plain digits, e.g. 10371
   * @minimum registerTotal 0 must not be negative
   * @maximum registerTotal 250000 is more than the whole doelgroep banenafspraken (about 250,000 people)
   */
  @Post()
  @Security('apiKey')
  @Middlewares(requireContentType(['application/json', ...TABLE_CONTENT_TYPES]), ...jsonUpload)
  @Extension('x-also-consumes', TABLE_CONTENT_TYPES)
  @SuccessResponse<{ 'API-Version': string; Location: string; 'Idempotent-Replayed'?: string }>(201, 'Stored; the answer holds the region totals the reads will give')
  @Response<ProblemDetails>(400, 'Invalid upload: every offending field is listed')
  @Response<ProblemDetails>(401, NO_API_KEY)
  @Response<ProblemDetails>(403, 'The key may not write a region of this upload; nothing was stored')
  @Response<ProblemDetails>(413, 'Body too large')
  @Response<ProblemDetails>(415, 'Unsupported content type')
  @Response<ProblemDetails>(409, 'A request with the same Idempotency-Key was stored at the same moment')
  @Response<ProblemDetails>(422, 'The Idempotency-Key was used before with a different body')
  @Response<ProblemDetails>(429, 'Too many uploads; see Retry-After')
  public async createUpload(
    @Request() request: ExpressRequest,
    @Body() body?: UploadRequest,
    @Header('Idempotency-Key') idempotencyKey?: IdempotencyKey,
    @Query() period?: string,
    @Query() registerTotal?: number,
    @Query() region?: string,
    @Query() partial = false,
  ): Promise<CreatedUploads> {
    const client = writerOf(request).name;
    // One use case whatever the content type: a JSON body is one region's table, a file is read table by table.
    const outcome = isTableUpload(request)
      ? await readTableUpload(request, { period, registerTotal, region, partial, idempotencyKey },
        ({ tables, source, problems, claimOf }) => this.service.upload(tables, client, source, { requestProblems: problems, claim: claimOf }))
      : await this.service.upload(oneTable(body as UploadRequest), client, 'json',
        { claim: idempotencyKey === undefined ? undefined : { client, key: idempotencyKey, fingerprint: bodyDigestOf(request) } });
    if (!outcome) return undefined as never; // answered already: a table too large, or not in UTF-8
    const { receipts, replayed } = outcome;
    if (replayed) this.setHeader(REPLAYED_HEADER, 'true');
    this.setStatus(201);
    this.setHeader('Location', receipts.length === 1 ? `/v1/uploads/${receipts[0].id}` : `/v1/uploads?period=${encodeURIComponent(receipts[0].period)}`);
    return { uploads: receipts };
  }

  /**
   * What was uploaded, newest first: when, by which key, for which region and period, whether it is
   * still the current upload, and whether and by whom it was withdrawn. Pages with `limit` and `offset`:
   * `total` (and the `Total-Count` header) says how many match in all, and the `Link` header (RFC 8288)
   * points at the first, previous, next and last page.
   * @summary List the upload history
   * @param region Only uploads of this region (CBS code or name).
   * @example region "Twente"
   * @param period Only uploads for this period.
   * @param uploadedBy Only uploads by the API key of this name (the audit of one key's writes).
   * @example uploadedBy "twente"
   * @param limit At most this many uploads (one page).
   * @example limit 20
   * @param offset Skip this many of the newest (the start of the page).
   * @example offset 0
   * @isInt limit must be a whole number
   * @minimum limit 1
   * @maximum limit 1000
   * @isInt offset must be a whole number
   * @minimum offset 0
   * @maximum offset 1000000000
   */
  @Get()
  @SuccessResponse<{
    'API-Version': string; ETag: string; 'Cache-Control': string;
    /** How many uploads match the filter in all, over every page. */
    'Total-Count': string;
    /** RFC 8288 links to the first, previous, next and last page, e.g. `</v1/uploads?limit=20&offset=20>; rel="next"`. */
    Link: string;
  }>(200, 'The uploads')
  @Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
  @Response<ProblemDetails>(400, 'Invalid filter')
  @Response<ProblemDetails>(404, UNKNOWN_REGION)
  public async listUploads(
    @Request() request: ExpressRequest,
    @Query() region?: string, @Query() period?: Period, @Query() limit = 100, @Query() offset = 0, @Query() uploadedBy?: KeyName,
  ): Promise<UploadList> {
    const list = await this.service.listUploads({ region, period, uploadedBy, limit, offset });
    const headers = { Link: pageLinks(request.baseUrl + request.path, request.query, limit, offset, list.total), 'Total-Count': String(list.total) };
    // A filter by region or period lists only what writes to it change; by name alone, what any write does.
    const dependsOn = [{ regionCode: region === undefined ? undefined : this.service.reference.region(region).code, period: period === undefined ? undefined : periodOf(period) }];
    return answer(request, list, { headers, dependsOn });
  }

  /**
   * Withdraws an upload, with a key allowed to write its region. The upload stays in the history, marked
   * with `withdrawnAt` and `withdrawnBy`. If it was current, the upload before it for the same region and
   * period becomes current again, or the region has no figures for that period; reads and their ETags
   * follow at once, while `asOf` reads of an earlier instant still show the withdrawn figures.
   * @summary Withdraw an upload
   * @param id The upload to withdraw.
   * @example id 2
   */
  @Delete('{id}')
  @Security('apiKey')
  @Example<WithdrawalReceipt>({
    withdrawn: {
      id: 2, region: { code: 'AM05', name: 'Twente' }, period: '2026-06', registerTotal: 10371, uploadedBy: 'twente', uploadedAt: '2026-07-01T08:00:00.000Z',
      source: 'json', current: false, gemeenteCount: 1, withdrawnAt: '2026-07-01T08:05:00.000Z', withdrawnBy: 'twente',
    },
    current: {
      id: 1, region: { code: 'AM05', name: 'Twente' }, period: '2026-06', registerTotal: 10371, uploadedBy: 'twente', uploadedAt: '2026-06-30T12:00:00.000Z',
      source: 'tsv', current: true, gemeenteCount: 14, withdrawnAt: null, withdrawnBy: null,
    },
  })
  @SuccessResponse<{ 'API-Version': string }>(200, 'Withdrawn; the answer says which upload the reads now serve')
  @Response<ProblemDetails>(400, MALFORMED_ID)
  @Response<ProblemDetails>(401, NO_API_KEY)
  @Response<ProblemDetails>(403, "The key may not write the upload's region; nothing was changed")
  @Response<ProblemDetails>(404, NO_SUCH_UPLOAD)
  @Response<ProblemDetails>(409, 'The upload was withdrawn already; nothing was changed')
  @Response<ProblemDetails>(429, 'Too many writes; see Retry-After')
  public async withdrawUpload(@Path() id: UploadId, @Request() request: ExpressRequest): Promise<WithdrawalReceipt> {
    const writer = writerOf(request);
    const receipt = await withdrawUpload(this.service, id, writer);
    if (request.res) request.res.locals.audit = { withdrew: id, by: writer.name, current: receipt.current?.id ?? null };
    return receipt;
  }

  /**
   * One upload with its figures as they were uploaded, whether or not a later upload replaced them.
   * @summary One upload with its figures
   * @param id The upload's number, as its receipt and Location give it.
   * @example id 1
   */
  @Get('{id}')
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The upload')
  @Response<void, { 'API-Version': string; ETag: string }>(304, NOT_MODIFIED)
  @Response<ProblemDetails>(400, MALFORMED_ID)
  @Response<ProblemDetails>(404, NO_SUCH_UPLOAD)
  public async getUpload(@Path() id: UploadId, @Request() request: ExpressRequest): Promise<UploadDetail> {
    const view = await this.service.getUpload(id);
    return answer(request, view, { dependsOn: [{ regionCode: view.region.code, period: view.period }] });
  }
}
