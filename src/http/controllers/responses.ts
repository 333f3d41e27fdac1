/**
 * The words of the answers many operations share, for the controllers' `@Response` decorators: a controller
 * declares the ones all its operations give once, on its class. Every 4xx and 5xx answer is
 * application/problem+json; the build step (scripts/openapi-document.js) says so for every one of them.
 */
export const NOT_MODIFIED = 'Not modified: the ETag in If-None-Match is current';
export const TOO_MANY_REQUESTS = 'Too many requests; see Retry-After';
export const UNAVAILABLE = 'The database cannot be reached for now; nothing was changed; try again after Retry-After';
export const UNKNOWN_QUERY_PARAMETER = 'Unknown query parameter';
export const MALFORMED_FIGURES_QUERY = 'Malformed period or asOf';
export const MALFORMED_FILTER = 'Malformed filter: each offending parameter is named';
export const MALFORMED_TABLE_QUERY = 'Malformed period, format or delimiter';
export const NO_FIGURES = 'No figures for that period';
export const UNKNOWN_REGION = 'Unknown region';
export const UNKNOWN_REGION_OR_FIGURES = 'Unknown region, or no figures for it in that period';
export const INVALID_REGION = 'Invalid region';
export const NO_SUCH_UPLOAD = 'No such upload';
export const MALFORMED_ID = 'Malformed id';
export const NO_API_KEY = 'No valid API key';
export const NO_SUCH_SUBSCRIPTION = 'No such subscription of this key';
