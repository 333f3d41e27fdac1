/**
 * One offending field of a JSON body, or one offending cell or row of an uploaded table.
 * @example { "field": "gemeenten[0].gemeente", "detail": "is not a gemeente of Twente (AM05)", "found": "Almeloo", "suggestions": ["Almelo"] }
 */
export interface ProblemItem {
  /**
   * Path of the offending field in the request, e.g. `gemeenten[2].total` or `query.period`.
   * @example "gemeenten[0].gemeente"
   */
  field?: string;
  /**
   * 1-based row of an uploaded table, as a spreadsheet shows it.
   * @isInt
   * @minimum 1
   * @example 4
   */
  row?: number;
  /**
   * 1-based column of an uploaded table.
   * @isInt
   * @minimum 1
   * @example 7
   */
  column?: number;
  /**
   * What is wrong, in one sentence.
   * @example "is not a gemeente of Twente (AM05)"
   */
  detail: string;
  /**
   * The value that was found, as text.
   * @example "Almeloo"
   */
  found?: string;
  /**
   * Close matches, where the value looks like a misspelt name.
   * @example ["Almelo"]
   */
  suggestions?: string[];
}

/** Why a request could not be served; the HTTP layer maps each kind to a status code. */
export type ErrorKind = 'invalid' | 'not-found' | 'unauthorized' | 'forbidden' | 'conflict' | 'gone' | 'key-reused' | 'unavailable' | 'not-configured';

/** The one error type for expected failures. Everything else is a bug and answers 500. */
export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly title: string,
    readonly detail: string,
    readonly errors: ProblemItem[] = [],
  ) {
    super(detail);
    this.name = 'DomainError';
  }
}

export const invalid = (detail: string, errors: ProblemItem[] = []): DomainError =>
  new DomainError('invalid', 'Invalid input', detail, errors);

export const notFound = (detail: string): DomainError => new DomainError('not-found', 'Not found', detail);

/** The store cannot reach its database just now; nothing was changed, and the same request may be sent again. */
export const unavailable = (detail: string): DomainError => new DomainError('unavailable', 'Service unavailable', detail);

/** A value as problem details show it: text as it is, anything else as JSON; never long, never throwing. */
export function shown(value: unknown, max = 200): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = Array.isArray(value) ? '[…]' : String(value); // nested too deep, or circular
    }
  }
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
