import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ProblemItem } from '../domain/errors';
import { extended } from '../domain/extended';
import { Region } from '../domain/reference';
import { toPeriod } from '../domain/period';
import { IdempotencyClaim } from '../domain/ports';
import { SonarService, TableBatchItem } from '../domain/service';
import { UploadSource } from '../domain/views';
import { XLSX_MEDIA_TYPE } from '../exports/formats';
import { publicationTables } from '../tables/publication';
import { textRows } from '../tables/text-rows';
import { xlsxRows } from '../tables/xlsx-rows';
import { digestOf } from './idempotency';
import { writerOf } from './authentication';
import { sendProblem } from './problem';
import { permittedTablesOnly } from './write-access';

const TSV_CONTENT_TYPE = 'text/tab-separated-values';
const CSV_CONTENT_TYPE = 'text/csv';

/**
 * The content types of the publication table, besides JSON, that POST /v1/uploads accepts. A literal list:
 * the upload controller hands it to the OpenAPI document (`x-also-consumes`), which tsoa reads from the source.
 */
export const TABLE_CONTENT_TYPES: string[] = [TSV_CONTENT_TYPE, CSV_CONTENT_TYPE, XLSX_MEDIA_TYPE];

const SOURCE_OF: Readonly<Record<string, UploadSource>> = {
  [TSV_CONTENT_TYPE]: 'tsv',
  [CSV_CONTENT_TYPE]: 'csv',
  [XLSX_MEDIA_TYPE]: 'xlsx',
};

const QUERY_PARAMETERS = ['partial', 'period', 'registerTotal', 'region'];

/**
 * The request body as it arrives, counted. Past `limit` bytes, or when the client goes away, it ends the
 * stream early and says why, so that readers stop cleanly; the upload is then refused whatever they read.
 */
class BodyMeter extends Transform {
  private received = 0;
  stopped: 'too-large' | 'aborted' | undefined;
  /** Of every byte received, for Idempotency-Key: the same file is the same request. */
  readonly digest = createHash('sha256');

  constructor(private readonly limit: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.stopped === undefined) {
      this.received += chunk.length;
      if (this.received > this.limit) this.stop('too-large');
      else {
        this.digest.update(chunk);
        this.push(chunk);
      }
    }
    done();
  }

  stop(reason: 'too-large' | 'aborted'): void {
    if (this.stopped !== undefined) return;
    this.stopped = reason;
    this.push(null);
  }
}

/** The parameters of a table upload, as tsoa parsed and checked them; the domain checks the period's form. */
export interface TableQuery {
  period?: string;
  registerTotal?: number;
  region?: string;
  partial: boolean;
  idempotencyKey?: string;
}

/** A table upload ready to be stored: its tables as they are read, the problems of its request, and its claim. */
export interface TableUpload {
  tables: AsyncIterable<TableBatchItem>;
  source: UploadSource;
  problems: ProblemItem[];
  claimOf?: () => IdempotencyClaim;
}

/**
 * What tsoa leaves to the table: a missing period, an unknown region (with suggestions) and a parameter the
 * upload does not take, all reported with the table's own problems in one answer.
 */
function queryProblems(req: Request, query: TableQuery, service: SonarService): { problems: ProblemItem[]; region?: Region } {
  const problems: ProblemItem[] = [];
  for (const name of Object.keys(req.query)) {
    if (!QUERY_PARAMETERS.includes(name)) problems.push({ field: `query.${name}`, detail: 'is not a query parameter of an upload; use period, registerTotal, region and partial' });
  }
  if (query.period === undefined) problems.push({ field: 'query.period', detail: 'is required with a table: the month of the figures, written YYYY-MM' });
  const period = query.period === undefined ? undefined : toPeriod(query.period);
  const reference = period === undefined ? service.reference : service.classifications.forPeriodOr(period, service.reference);
  const region = query.region === undefined ? undefined : reference.findRegion(query.region);
  if (query.region !== undefined && !region) {
    const suggestions = reference.suggestRegions(query.region);
    problems.push({
      field: 'query.region', detail: 'is not an arbeidsmarktregio: use a CBS code (AM05) or a name (Twente)', found: query.region, ...(suggestions.length ? { suggestions } : {}),
    });
  }
  return { problems, region };
}

/** Passes the tables on, then refuses the whole upload if the body was cut off: before anything is stored. */
async function* wholeBodyOnly(tables: AsyncIterable<TableBatchItem>, body: BodyMeter): AsyncGenerator<TableBatchItem> {
  yield* tables;
  if (body.stopped !== undefined) throw new Error(`The request body was cut off: ${body.stopped}`);
}

/**
 * `?partial=true` says, for every table of the file, that leaving out gemeenten is meant. A table the reader
 * found broken is not judged on what it leaves out: its own problems say why rows are missing.
 */
async function* asPartial(tables: AsyncIterable<TableBatchItem>, partial: boolean): AsyncGenerator<TableBatchItem> {
  for await (const item of tables) {
    yield (partial || item.problems.length > 0) && item.input ? extended(item, { input: extended(item.input, { partial: true }) }) : item;
  }
}

/** The query parameters in a fixed order, so that `?a=1&b=2` and `?b=2&a=1` are the same request. */
const canonicalQuery = (req: Request): string =>
  Object.keys(req.query).sort().map((name) => `${name}=${String(req.query[name])}`).join('&');

const charsetOf = (req: Request): string | undefined =>
  /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();

/**
 * POST /v1/uploads with the publication table as TSV, CSV or Excel: reads the body as a stream and hands its
 * tables to `store` as they are read. Answers itself, and gives undefined, when the body is too large or in
 * another character set than UTF-8.
 */
export async function readTableUpload<T>(req: Request, query: TableQuery, store: (upload: TableUpload) => Promise<T>): Promise<T | undefined> {
  const res = req.res;
  if (!res) throw new Error('readTableUpload needs the response of an express request');
  const source = SOURCE_OF[req.is(TABLE_CONTENT_TYPES) || ''];
  const { service } = req.app.locals;
  const limit = req.app.locals.tableBodyLimit;
  const tooLarge = () => sendProblem(res, { status: 413, detail: `The table is larger than this service accepts (${limit} bytes); upload fewer regions at a time.` });
  const charset = charsetOf(req);
  if (source !== 'xlsx' && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    sendProblem(res, { status: 415, detail: `The table is sent as ${charset}; send it as UTF-8.` });
    return undefined;
  }
  if (Number(req.headers['content-length']) > limit) {
    tooLarge();
    return undefined;
  }

  const key = query.idempotencyKey;
  const { problems, region } = queryProblems(req, query, service);
  const body = new BodyMeter(limit);
  const abort = () => {
    if (!req.complete) body.stop('aborted');
  };
  req.once('close', abort);
  req.once('error', abort);
  req.pipe(body);
  const rows = source === 'xlsx' ? xlsxRows(body) : textRows(body, source === 'tsv' ? '\t' : ',');
  // The table's label names a region as its period's classification does (AM99 in 2020).
  const period = query.period === undefined ? undefined : toPeriod(query.period);
  const reference = period === undefined ? service.reference : service.classifications.forPeriodOr(period, service.reference);
  const tables = publicationTables(rows, { reference, period: query.period, registerTotal: query.registerTotal, region });
  try {
    const writer = writerOf(req);
    // The content type and query are part of the request: the same bytes for another period are another upload.
    const claimOf = key === undefined ? undefined : () => ({
      client: writer.name, key, fingerprint: digestOf(body.digest.copy().update(`\n${source}\n${canonicalQuery(req)}`)),
    });
    const checked = permittedTablesOnly(asPartial(wholeBodyOnly(tables, body), query.partial), writer, service.reference, service.classifications);
    return await store({ tables: checked, source, problems, claimOf });
  } catch (error) {
    if (body.stopped === 'too-large') tooLarge();
    else if (body.stopped === 'aborted') throw Object.assign(new Error('The request was aborted.'), { type: 'request.aborted' });
    else throw error;
    return undefined;
  } finally {
    // Whatever the readers left unread is read and dropped, so that the answer reaches the client.
    req.unpipe(body);
    req.resume();
  }
}

/** Whether the request sends the publication table rather than JSON. */
export const isTableUpload = (req: Request): boolean => Boolean(req.is(TABLE_CONTENT_TYPES));
