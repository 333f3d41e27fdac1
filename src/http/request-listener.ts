import type { IncomingMessage, ServerResponse } from 'node:http';
import { KeptAnswer, KeptAnswers, sendAnswer } from './kept-answers';
import { Observability } from './observability';
import { UNEXPECTED, writeProblem } from './problem';
import { AnswerKind, answerKindOf, readCors, SECURITY_HEADERS } from './protection';
import { RateLimits, RateVerdict } from './rate-limits';
import { requestPath } from './request-path';

/** What node's server calls for every request. */
export type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

export interface ListenerParts {
  apiVersion: string;
  observed: Observability;
  /** Undefined when rate limiting is off. */
  limits?: RateLimits;
  answers: KeptAnswers;
  /** Everything the kept answers do not answer: the express app. */
  routed: RequestListener;
  onError: (error: unknown) => void;
}

/**
 * Every request, however it is answered, first gets what every answer has: an id, its log line and metrics,
 * its count against the rate limit, and the headers those and the security policy give. Then an allowed
 * read the kept answers hold is answered at once, with those headers and its own in one `writeHead` (one
 * being derived, once it is); anything else goes to express with them set. A browser's read (Origin)
 * needs CORS first: express answers it.
 */
export function requestListener({ apiVersion, observed, limits, answers, routed, onError }: ListenerParts): RequestListener {
  /** Reports an error and answers 500 as a problem; an answer that has begun is cut, one already sent stays. */
  const failed = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    onError(error);
    if (!res.headersSent) writeProblem(res, (req as { originalUrl?: string }).originalUrl ?? req.url ?? '', UNEXPECTED);
    else if (!res.writableEnded) res.destroy();
  };

  /**
   * Runs `answering`, which says whether it answered; else, or when it throws before its answer began
   * (reported), express answers. Express answers its own errors; one thrown past it is answered here: out of
   * this listener it would end the process, and after a wait for a derivation be a rejection no one handles.
   */
  const orRouted = (req: IncomingMessage, res: ServerResponse, answering: () => boolean) => {
    try {
      if (answering()) return;
    } catch (error) {
      if (res.headersSent) {
        failed(req, res, error);
        return;
      }
      onError(error);
    }
    try {
      routed(req, res);
    } catch (error) {
      failed(req, res, error);
    }
  };
  const setAll = (res: ServerResponse, headers: readonly string[]) => {
    for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i], headers[i + 1]);
  };

  /** A kept answer with the headers every answer has; without one, express with those headers set. */
  const send = (req: IncomingMessage, res: ServerResponse, headers: string[], kept: KeptAnswer | undefined) => orRouted(req, res, () => {
    if (kept) sendAnswer(req, res, kept, headers);
    else setAll(res, headers);
    return kept !== undefined;
  });

  const proceed = (req: IncomingMessage, res: ServerResponse, leading: string[], verdict: RateVerdict | undefined) => {
    const headers = verdict ? [...leading, ...verdict.headers] : leading;
    if (verdict && !verdict.allowed) {
      // A refused request stays refused: a failure while refusing is answered 500 here, never passed to express.
      try {
        setAll(res, headers);
        // A browser can read the refusal; its preflight is answered by CORS alone, as when it is allowed.
        readCors(req, res, () => {
          res.setHeader('Retry-After', String(verdict.retryAfterSeconds));
          writeProblem(res, req.url ?? '', { status: 429, detail: verdict.detail });
        });
      } catch (error) {
        failed(req, res, error);
      }
      return;
    }
    let kept: ReturnType<KeptAnswers['find']>;
    try {
      kept = req.headers.origin === undefined ? answers.find(req) : undefined;
    } catch (error) {
      onError(error); // express answers it, as any read not kept
    }
    if (kept instanceof Promise) void kept.then((answer) => send(req, res, headers, answer)); // a derivation's end never rejects
    else send(req, res, headers, kept);
  };

  const headersOf = {} as Record<AnswerKind, readonly string[]>;
  for (const kind of Object.keys(SECURITY_HEADERS) as AnswerKind[]) headersOf[kind] = ['API-Version', apiVersion, ...SECURITY_HEADERS[kind]];

  return (req, res) => {
    const path = requestPath(req);
    const id = observed.observe(req, res, path);
    const leading = [...headersOf[answerKindOf(path)], 'X-Request-Id', id];
    const counting = limits?.count(req, path);
    if (!counting) {
      proceed(req, res, leading, undefined);
      return;
    }
    counting.then((verdict) => proceed(req, res, leading, verdict), (error: unknown) => {
      onError(error);
      proceed(req, res, leading, undefined);
    });
  };
}
