import { Body, Controller, Get, Header, Middlewares, Path, Post, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import type { Request as ExpressRequest } from 'express';
import { SonarService } from '../../domain/service';
import { UploadRequest } from '../../domain/upload';
import { UploadDetail, UploadList, UploadReceipt } from '../../domain/views';
import { IdempotencyKey, Period } from '../headers';
import { bodyDigestOf, REPLAYED_HEADER } from '../idempotency';
import { ProblemDetails } from '../problem';
import { tableUpload } from '../table-upload';
import { listContentProblems } from '../upload-problems';

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
   * and nothing is stored.
   * @summary Upload a region's figures
   * @param idempotencyKey Your own key for this upload (1–255 visible ASCII characters): a retry with the same key and body gets the first answer again instead of a second upload.
   */
  @Post()
  @Security('apiKey')
  @Middlewares(tableUpload, listContentProblems)
  @SuccessResponse<{ 'API-Version': string; Location: string; 'Idempotent-Replayed'?: string }>(201, 'Stored; the answer holds the region totals the reads will give')
  @Response<ProblemDetails>(400, 'Invalid upload: every offending field is listed', undefined, PROBLEM)
  @Response<ProblemDetails>(401, 'No valid API key', undefined, PROBLEM)
  @Response<ProblemDetails>(413, 'Body too large', undefined, PROBLEM)
  @Response<ProblemDetails>(415, 'Unsupported content type', undefined, PROBLEM)
  @Response<ProblemDetails>(409, 'A request with the same Idempotency-Key was stored at the same moment', undefined, PROBLEM)
  @Response<ProblemDetails>(422, 'The Idempotency-Key was used before with a different body', undefined, PROBLEM)
  @Response<ProblemDetails>(429, 'Too many uploads; see Retry-After', undefined, PROBLEM)
  public createUpload(
    @Body() body: UploadRequest,
    @Request() request: ExpressRequest,
    @Header('Idempotency-Key') idempotencyKey?: IdempotencyKey,
  ): UploadReceipt {
    const client = String((request as { user?: unknown }).user);
    const claim = idempotencyKey === undefined ? undefined : { client, key: idempotencyKey, fingerprint: bodyDigestOf(request) };
    const { receipts: [receipt], replayed } = this.service.uploadOnce([{ input: body }], client, 'json', claim);
    if (replayed) this.setHeader(REPLAYED_HEADER, 'true');
    this.setStatus(201);
    this.setHeader('Location', `/v1/uploads/${receipt.id}`);
    return receipt;
  }

  /**
   * What was uploaded, newest first: when, by which key, for which region and period, and whether it is
   * still the current upload.
   * @summary The upload history
   * @param region Only uploads of this region (CBS code or name).
   * @param period Only uploads for this period.
   * @param limit At most this many uploads.
   * @param offset Skip this many of the newest.
   * @isInt limit must be a whole number
   * @minimum limit 1
   * @maximum limit 1000
   * @isInt offset must be a whole number
   * @minimum offset 0
   * @maximum offset 1000000000
   */
  @Get()
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The uploads')
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails>(400, 'Invalid filter', undefined, PROBLEM)
  @Response<ProblemDetails>(404, 'Unknown region', undefined, PROBLEM)
  public listUploads(@Query() region?: string, @Query() period?: Period, @Query() limit = 100, @Query() offset = 0): UploadList {
    return this.service.listUploads({ region, period, limit, offset });
  }

  /**
   * One upload with its figures as they were uploaded, whether or not a later upload replaced them.
   * @summary One upload with its figures
   * @param id The upload's number, as its receipt and Location give it.
   * @example id 1
   * @isInt id must be a whole number
   * @minimum id 1
   */
  @Get('{id}')
  @SuccessResponse<{ 'API-Version': string; ETag: string; 'Cache-Control': string }>(200, 'The upload')
  @Response<void, { 'API-Version': string; ETag: string }>(304, 'Not modified: the ETag in If-None-Match is current')
  @Response<ProblemDetails>(429, 'Too many requests; see Retry-After', undefined, PROBLEM)
  @Response<ProblemDetails>(400, 'Malformed id', undefined, PROBLEM)
  @Response<ProblemDetails>(404, 'No such upload', undefined, PROBLEM)
  public getUpload(@Path() id: number): UploadDetail {
    return this.service.getUpload(id);
  }
}
