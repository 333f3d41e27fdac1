import { ValidateError } from '@tsoa/runtime';
import type { ErrorRequestHandler, Request, RequestHandler, Response } from 'express';
import { STATUS_CODES, type ServerResponse } from 'node:http';
import { DomainError, ErrorKind, ProblemItem, shown } from '../domain/errors';
import { extended } from '../domain/extended';
import { PROBLEM_TYPE_BASE, problemTitleOf, problemTypeOf } from './problem-types';
import './request-state';

/**
 * RFC 9457 problem details, as every 4xx and 5xx answer of the service.
 * @example { "type": "urn:sonar-transparency:problem:invalid-input", "title": "Invalid input", "status": 400, "detail": "The upload has 1 problem; nothing was stored.", "instance": "/v1/uploads", "errors": [ { "field": "gemeenten[0].gemeente", "detail": "is not a gemeente of Twente (AM05)", "found": "Almeloo", "suggestions": ["Almelo"] } ] }
 */
export interface ProblemDetails {
  /**
   * A URI naming the kind of problem: `urn:sonar-transparency:problem:invalid-input` for 400, `about:blank`
   * (the status says it all) for the others; see "Problem types" in the API description.
   * @example "urn:sonar-transparency:problem:invalid-input"
   */
  type: string;
  /**
   * Short summary of the kind of problem: one fixed title per type.
   * @example "Invalid input"
   */
  title: string;
  /**
   * The HTTP status code.
   * @isInt
   * @minimum 400
   * @maximum 599
   * @example 400
   */
  status: number;
  /**
   * What went wrong with this request, for a person.
   * @example "The upload has 1 problem; nothing was stored."
   */
  detail: string;
  /**
   * The request path the problem arose on.
   * @example "/v1/uploads"
   */
  instance?: string;
  /** Every offending field, row or cell. */
  errors?: ProblemItem[];
}

export { PROBLEM_TYPE_BASE } from './problem-types';

const STATUS_OF: Record<ErrorKind, number> = { invalid: 400, unauthorized: 401, forbidden: 403, 'not-found': 404, conflict: 409, gone: 410, 'key-reused': 422, unavailable: 503, 'not-configured': 503 };

/** How long a client should wait before asking again while the database cannot be reached. */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 5;

/** What a request gets when the service fails in a way it did not foresee (the error is logged, not shown). */
export const UNEXPECTED = { status: 500, detail: 'The service failed to answer this request; it has been logged.' } as const;

/** `title` is decided here from the type (see problem-types.ts), so one type always has one title; a given one is ignored. */
export function sendProblem(res: Response, problem: Problem): void {
  writeProblem(res, res.req.originalUrl, problem);
}

type Problem = Omit<ProblemDetails, 'type' | 'title'> & { type?: string; title?: string };

/**
 * Writes a problem on any response, also one express has not seen (a request refused before it is routed);
 * `url` is the request's URL, whose path is the problem's instance unless it names one.
 */
export function writeProblem(res: ServerResponse, url: string, problem: Problem): void {
  const type = problem.type ?? problemTypeOf(problem.status);
  const body: ProblemDetails = {
    type,
    title: problemTitleOf(type, problem.status),
    status: problem.status,
    detail: problem.detail,
    instance: problem.instance ?? url.split('?')[0],
    ...(problem.errors?.length ? { errors: problem.errors } : {}),
  };
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.statusCode = problem.status;
  res.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  res.setHeader('Content-Length', String(Buffer.byteLength(text)));
  res.end(text);
}

/** tsoa names fields `body.gemeenten.$0.total`; callers know them as `gemeenten[0].total`. */
function fieldName(key: string): string {
  return key
    .replace(/^(body|requestBody)\.?/, '')
    .replace(/\.\$(\d+)/g, '[$1]')
    .replace(/^\$(\d+)/, '[$1]')
    || '(body)';
}

/**
 * tsoa names a query parameter or header plainly (`registerTotal`, `Idempotency-Key`), a body's field with
 * `body.`: told apart before renaming.
 */
function fromValidateError(error: ValidateError, req: Request): ProblemItem[] {
  return Object.entries(error.fields).map(([key, { message, value }]) => {
    const excess = /^"(.+)" is an excess property/.exec(message);
    const field = Object.hasOwn(req.query, key) ? `query.${key}` : req.header(key) !== undefined ? `header.${key}` : fieldName(key);
    const item: ProblemItem = excess
      ? { field: field === '(body)' || field.endsWith(excess[1]) ? field.replace('(body)', excess[1]) : `${field}.${excess[1]}`, detail: 'is not a known field' }
      : { field, detail: message };
    if (value !== undefined && !excess) item.found = shown(value);
    return item;
  });
}

/**
 * A route that knows the content rules of its body may leave `res.locals.contentProblems`: when the
 * body's shape fails, its content problems are listed too, so that one answer names every problem.
 */
function withContentProblems(shape: ProblemItem[], res: Response): ProblemItem[] {
  const content = res.locals.contentProblems;
  if (!content) return shape;
  const named = new Set(shape.map((p) => p.field));
  return [...shape, ...content().filter((p) => !named.has(p.field))];
}

/** body-parser errors carry a `type`; each maps to the status HTTP has for it. */
const BODY_ERRORS: Record<string, { status: number; detail: string }> = {
  'entity.parse.failed': { status: 400, detail: 'The body is not valid JSON.' },
  'entity.too.large': { status: 413, detail: 'The body is larger than this service accepts.' },
  'encoding.unsupported': { status: 415, detail: 'The body has a character set this service does not read; send UTF-8.' },
  'charset.unsupported': { status: 415, detail: 'The body has a character set this service does not read; send UTF-8.' },
  'request.aborted': { status: 400, detail: 'The request was aborted before its body arrived.' },
};

export const notFoundHandler: RequestHandler = (req, res) => {
  sendProblem(res, { status: 404, detail: `There is nothing at ${req.method} ${req.path}.` });
};

export function errorHandler(onUnexpected: (error: unknown) => void): ErrorRequestHandler {
  const answer = problemFor(onUnexpected);
  return (error, req, res, _next) => {
    try {
      answer(error, req, res);
    } catch (failure) {
      // Turning the error into a problem failed too: still answer problem+json, never express's HTML page.
      onUnexpected(failure);
      if (!res.headersSent) res.status(500).type('application/problem+json').send('{"type":"about:blank","title":"Internal Server Error","status":500,"detail":"The service failed to answer this request."}');
    }
  };
}

/**
 * Query parameters are named `query.X` in every problem, as uploads name theirs, whoever found the fault:
 * tsoa and the use cases say just `period`. Only requests without a body are renamed, where a field of
 * the same name as a parameter given in the query can only be that parameter.
 */
function queryFieldsNamed(req: Request, errors: ProblemItem[]): ProblemItem[] {
  if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'DELETE') return errors;
  const given = new Set(Object.keys(req.query));
  return errors.map((e) => (e.field !== undefined && given.has(e.field) ? extended(e, { field: `query.${e.field}` }) : e));
}

function problemFor(onUnexpected: (error: unknown) => void): (error: any, req: Request, res: Response) => void {
  return (error, req, res) => {
    if (error instanceof DomainError) {
      const status = STATUS_OF[error.kind];
      if (error.kind === 'unavailable' && !res.headersSent) res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
      sendProblem(res, { status, type: status === 400 ? `${PROBLEM_TYPE_BASE}invalid-input` : undefined, title: error.title, detail: error.detail, errors: queryFieldsNamed(req, error.errors) });
    } else if (error instanceof ValidateError) {
      const errors = queryFieldsNamed(req, withContentProblems(fromValidateError(error, req), res));
      sendProblem(res, {
        status: 400, type: `${PROBLEM_TYPE_BASE}invalid-input`, title: 'Invalid input',
        detail: `The request has ${errors.length} invalid field${errors.length === 1 ? '' : 's'}; nothing was changed.`, errors,
      });
    } else if (typeof error?.type === 'string' && BODY_ERRORS[error.type]) {
      const { status, detail } = BODY_ERRORS[error.type];
      const why = error.type === 'entity.parse.failed' && error instanceof Error ? `${detail} ${error.message}` : detail;
      sendProblem(res, { status, detail, errors: [{ field: '(body)', detail: why }] });
    } else if (error instanceof URIError || (error?.status >= 400 && error?.status < 500)) {
      // express's own 4xx, such as a path with a malformed %-escape
      const status = error instanceof URIError ? 400 : Number(error.status);
      const detail = error instanceof URIError ? 'The path has a malformed %-escape.' : (STATUS_CODES[status] ?? 'Bad request');
      sendProblem(res, { status, detail, errors: [{ field: 'path', detail, found: shown(req.path) }] });
    } else {
      onUnexpected(error);
      sendProblem(res, UNEXPECTED);
    }
  };
}
