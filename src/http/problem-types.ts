import { STATUS_CODES } from 'node:http';

/**
 * The kinds of problem the service answers, each with one fixed title. Types are URNs: they name a kind
 * of problem and are documented in the OpenAPI description ("Problem types"), not fetched.
 */
export const PROBLEM_TYPE_BASE = 'urn:sonar-transparency:problem:';

export const INVALID_INPUT = `${PROBLEM_TYPE_BASE}invalid-input`;

export interface ProblemType {
  type: string;
  title: string;
  /** What it means, for the documentation. */
  meaning: string;
}

export const PROBLEM_TYPES: readonly ProblemType[] = [
  {
    type: INVALID_INPUT,
    title: 'Invalid input',
    meaning: 'Status 400. The request (body, path or query) breaks a rule; `errors` names each offending field, query parameter, or row and column of a table. Nothing was changed.',
  },
  {
    type: 'about:blank',
    title: 'the HTTP reason phrase of the status',
    meaning: 'Every other status (401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503): the status says it all, `detail` says what to do about it, and `title` is the status\'s reason phrase, e.g. "Not Found".',
  },
];

const TITLES: ReadonlyMap<string, string> = new Map(PROBLEM_TYPES.filter((p) => p.type !== 'about:blank').map((p) => [p.type, p.title]));

/** The type of a problem with this status, unless the code raising it names another. */
export const problemTypeOf = (status: number): string => (status === 400 ? INVALID_INPUT : 'about:blank');

/** One title per type, whatever the code that raised the problem called it; about:blank takes the status's phrase. */
export const problemTitleOf = (type: string, status: number): string => TITLES.get(type) ?? STATUS_CODES[status] ?? 'Error';
