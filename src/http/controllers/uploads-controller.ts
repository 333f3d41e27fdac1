import { Body, Controller, Delete, Example, Get, Header, Middlewares, Path, Post, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { oneTable, SonarService } from '../../domain/service';
import { UploadRequest } from '../../domain/upload';
import { CreatedUploads, UploadDetail, UploadList, WithdrawalReceipt } from '../../domain/views';
import { withdrawUpload } from '../../domain/withdrawal';
import { writerOf } from '../authentication';
import { IdempotencyKey, KeyName, Period } from '../headers';
import { bodyDigestOf, REPLAYED_HEADER } from '../idempotency';
import { ProblemDetails } from '../problem';
import { tableUpload } from '../table-upload';
import { pageLinks } from '../paging';
import { listContentProblems } from '../upload-problems';
import { permittedJsonRegion } from '../write-access';

const PROBLEM = 'application/problem+json';

@Route('uploads')
@Tags('Uploads')
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
   * @param idempotencyKey Your own key for this upload (1–255 visible ASCII characters): a retry with the same key and body gets the first answer again instead of a second upload.
   */
  @Post()
  @Security('apiKey')
  @Middlewares(permittedJsonRegion, tableUpload, listContentProblems)
  @SuccessResponse<{ 'API-Version': string; Location: string; 'Idempotent-Replayed'?: string }>(201, 'Stored; the answer holds the region totals the reads will give')
  @Response<ProblemDetails>(400, 'Invalid upload: every offending field is listed', undefined, PROBLEM)
  @Response<ProblemDetails>(401, 'No valid API key', undefined, PROBLEM)
  @Response<ProblemDetails>(403, 'The key may not write a region of this upload; nothing was stored', undefined, PROBLEM)
  @Response<ProblemDetails>(413, 'Body too large', undefined, PROBLEM)
  @Response<ProblemDetails>(415, 'Unsupported content type', undefined, PROBLEM)
  @Response<ProblemDetails>(409, 'A request with the same Idempotency-Key was stored at the same moment', undefined, PROBLEM)
  @Response<ProblemDetails>(422, 'The Idempotency-Key was used before with a different body', undefined, PROBLEM)
  @Response<ProblemDetails>(429, 'Too many uploads; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, 'The database cannot be reached for now; nothing was changed; try again after Retry-After', undefined, PROBLEM)
  public async createUpload(
    @Body() body: UploadRequest,
    @Request() request: ExpressRequest,
    @Header('Idempotency-Key') idempotencyKey?: IdempotencyKey,
  ): Promise<CreatedUploads> {
    const client = writerOf(request).name;
    const claim = idempotencyKey === undefined ? undefined : { client, key: idempotencyKey, fingerprint: bodyDigestOf(request) };
    const { receipts, replayed } = await this.service.upload(oneTable(body), client, 'json', { claim });
    if (replayed) this.setHeader(REPLAYED_HEADER, 'true');
    this.setStatus(201);
    this.setHeader('Location', `/v1/uploads/${receipts[0].id}`);
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
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, 'The database cannot be reached for now; nothing was changed; try again after Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails>(400, 'Invalid filter', undefined, PROBLEM)
  @Response<ProblemDetails>(404, 'Unknown region', undefined, PROBLEM)
  public async listUploads(
    @Request() request: ExpressRequest,
    @Query() region?: string, @Query() period?: Period, @Query() limit = 100, @Query() offset = 0, @Query() uploadedBy?: KeyName,
  ): Promise<UploadList> {
    const list = await this.service.listUploads({ region, period, uploadedBy, limit, offset });
    this.setHeader('Total-Count', String(list.total));
    this.setHeader('Link', pageLinks(request.baseUrl + request.path, request.query, limit, offset, list.total));
    return list;
  }

  /**
   * Withdraws an upload, with a key allowed to write its region. The upload stays in the history, marked
   * with `withdrawnAt` and `withdrawnBy`. If it was current, the upload before it for the same region and
   * period becomes current again, or the region has no figures for that period; reads and their ETags
   * follow at once, while `asOf` reads of an earlier instant still show the withdrawn figures.
   * @summary Withdraw an upload
   * @param id The upload to withdraw.
   * @example id 2
   * @isInt id must be a whole number
   * @minimum id 1
   * @maximum id 9007199254740991 is larger than any upload id
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
  @Response<ProblemDetails>(400, 'Malformed id', undefined, PROBLEM)
  @Response<ProblemDetails>(401, 'No valid API key', undefined, PROBLEM)
  @Response<ProblemDetails>(403, "The key may not write the upload's region; nothing was changed", undefined, PROBLEM)
  @Response<ProblemDetails>(404, 'No such upload', undefined, PROBLEM)
  @Response<ProblemDetails>(409, 'The upload was withdrawn already; nothing was changed', undefined, PROBLEM)
  @Response<ProblemDetails>(429, 'Too many writes; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, 'The database cannot be reached for now; nothing was changed; try again after Retry-After', undefined, PROBLEM)
  public async withdrawUpload(@Path() id: number, @Request() request: ExpressRequest): Promise<WithdrawalReceipt> {
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
   * @isInt id must be a whole number
   * @minimum id 1
   * @maximum id 9007199254740991 is larger than any upload id
   */
  @Get('{id}')
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The upload')
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails, { 'Retry-After': string }>(503, 'The database cannot be reached for now; nothing was changed; try again after Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails>(400, 'Malformed id', undefined, PROBLEM)
  @Response<ProblemDetails>(404, 'No such upload', undefined, PROBLEM)
  public async getUpload(@Path() id: number): Promise<UploadDetail> {
    return this.service.getUpload(id);
  }
}
