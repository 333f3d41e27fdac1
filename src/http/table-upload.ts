import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ProblemItem } from '../domain/errors';
import { Region } from '../domain/reference';
import { SonarService, TableBatchItem } from '../domain/service';
import { CreatedUploads, UploadSource } from '../domain/views';
import { publicationTables } from '../tables/publication';
import { textRows } from '../tables/text-rows';
import { xlsxRows } from '../tables/xlsx-rows';
import { digestOf, idempotencyKeyOf, REPLAYED_HEADER } from './idempotency';
import { writerOf } from './authentication';
import { sendProblem } from './problem';
import { permittedTablesOnly } from './write-access';

export const XLSX_CONTENT_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const SOURCE_OF: Readonly<Record<string, UploadSource>> = {
  'text/tab-separated-values': 'tsv',
  'text/csv': 'csv',
  [XLSX_CONTENT_TYPE]: 'xlsx',
};

/** The content types of the publication table, besides JSON, that POST /v1/uploads accepts. */
export const TABLE_CONTENT_TYPES: readonly string[] = Object.keys(SOURCE_OF);

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

interface TableQuery {
  period?: string;
  registerTotal?: number;
  region?: Region;
  partial: boolean;
  problems: ProblemItem[];
}

/** period, registerTotal and region of a table upload; the domain checks the period's form. */
function readQuery(query: Request['query'], service: SonarService): TableQuery {
  const result: TableQuery = { partial: false, problems: [] };
  const problem = (name: string, detail: string, found?: string, suggestions?: string[]) =>
    result.problems.push({ field: `query.${name}`, detail, ...(found === undefined ? {} : { found }), ...(suggestions?.length ? { suggestions } : {}) });
  for (const name of Object.keys(query)) {
    if (!QUERY_PARAMETERS.includes(name)) problem(name, 'is not a query parameter of an upload; use period, registerTotal, region and partial');
  }
  const single = (name: string): string | undefined => {
    const value = query[name];
    if (value === undefined || typeof value === 'string') return value;
    problem(name, 'is given more than once');
    return undefined;
  };

  const period = single('period');
  if (query.period === undefined) problem('period', 'is required with a table: the month of the figures, written YYYY-MM');
  result.period = period;

  const registerTotal = single('registerTotal');
  if (registerTotal !== undefined) {
    if (/^\d{1,10}$/.test(registerTotal)) result.registerTotal = Number(registerTotal);
    else problem('registerTotal', 'must be a whole number written in plain digits, e.g. 10371', registerTotal);
  }

  const partial = single('partial');
  if (partial !== undefined) {
    if (partial === 'true' || partial === 'false') result.partial = partial === 'true';
    else problem('partial', 'must be true or false', partial);
  }

  const region = single('region');
  if (region !== undefined) {
    result.region = service.reference.findRegion(region);
    if (!result.region) {
      problem('region', 'is not an arbeidsmarktregio: use a CBS code (AM05) or a name (Twente)', region, service.reference.suggestRegions(region));
    }
  }
  return result;
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
    yield (partial || item.problems.length > 0) && item.input ? { ...item, input: { ...item.input, partial: true } } : item;
  }
}

/** The query parameters in a fixed order, so that `?a=1&b=2` and `?b=2&a=1` are the same request. */
const canonicalQuery = (req: Request): string =>
  Object.keys(req.query).sort().map((name) => `${name}=${String(req.query[name])}`).join('&');

const charsetOf = (req: Request): string | undefined =>
  /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.headers['content-type'] ?? '')?.[1]?.toLowerCase();

async function uploadTable(req: Request, res: Response, source: UploadSource): Promise<void> {
  const service = req.app.locals.service as SonarService;
  const limit = req.app.locals.tableBodyLimit as number;
  const tooLarge = () => sendProblem(res, { status: 413, detail: `The table is larger than this service accepts (${limit} bytes); upload fewer regions at a time.` });
  const charset = charsetOf(req);
  if (source !== 'xlsx' && charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') {
    sendProblem(res, { status: 415, detail: `The table is sent as ${charset}; send it as UTF-8.` });
    return;
  }
  if (Number(req.headers['content-length']) > limit) {
    tooLarge();
    return;
  }

  const key = idempotencyKeyOf(req);
  const query = readQuery(req.query, service);
  const body = new BodyMeter(limit);
  const abort = () => {
    if (!req.complete) body.stop('aborted');
  };
  req.once('close', abort);
  req.once('error', abort);
  req.pipe(body);
  const rows = source === 'xlsx' ? xlsxRows(body) : textRows(body, source === 'tsv' ? '\t' : ',');
  const tables = publicationTables(rows, { reference: service.reference, period: query.period, registerTotal: query.registerTotal, region: query.region });
  try {
    const writer = writerOf(req);
    const client = writer.name;
    // The content type and query are part of the request: the same bytes for another period are another upload.
    const claimOf = key === undefined ? undefined : () => ({
      client, key, fingerprint: digestOf(body.digest.copy().update(`\n${source}\n${canonicalQuery(req)}`)),
    });
    const checked = permittedTablesOnly(asPartial(wholeBodyOnly(tables, body), query.partial), writer, service.reference);
    const { receipts, replayed } = await service.upload(checked, client, source, { requestProblems: query.problems, claim: claimOf });
    const answer: CreatedUploads = { uploads: receipts };
    const location = receipts.length === 1 ? `/v1/uploads/${receipts[0].id}` : `/v1/uploads?period=${encodeURIComponent(receipts[0].period)}`;
    if (replayed) res.setHeader(REPLAYED_HEADER, 'true');
    res.status(201).location(location).json(answer);
  } catch (error) {
    if (body.stopped === 'too-large') tooLarge();
    else if (body.stopped === 'aborted') throw Object.assign(new Error('The request was aborted.'), { type: 'request.aborted' });
    else throw error;
  } finally {
    // Whatever the readers left unread is read and dropped, so that the answer reaches the client.
    req.unpipe(body);
    req.resume();
  }
}

/**
 * POST /v1/uploads for the publication table as TSV, CSV or Excel: reads the body as a stream and answers
 * itself. JSON goes on to the tsoa controller. tsoa has checked the API key before this runs.
 */
export const tableUpload: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
  const type = req.is(TABLE_CONTENT_TYPES as string[]);
  if (!type) {
    next();
    return;
  }
  uploadTable(req, res, SOURCE_OF[type]).catch(next);
};
