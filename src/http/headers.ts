/**
 * Month of the count's reference date, `YYYY-MM`; a quarter written `YYYY-Qn` (SDMX) or `YYYYKWnn` (CBS)
 * means the quarter's last month (`2026-Q2` and `2026KW02` are `2026-06`).
 * @pattern ^(19|20)[0-9]{2}(-(0[1-9]|1[0-2])|-Q[1-4]|KW0[1-4])$ must be a month written YYYY-MM, or a quarter written YYYY-Qn or YYYYKWnn
 * @example "2026-06"
 */
export type Period = string;

/**
 * An instant, RFC 3339 (`2026-07-01T12:00:00Z`, `2026-07-01T14:00:00+02:00`): the figures as they stood
 * then, from the uploads made at or before it. A `+` sent unencoded in a URL arrives as a space, and is
 * read as the `+` it was.
 * @format date-time
 * @pattern ^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt\x20]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?([Zz]|[+\x20-]([01][0-9]|2[0-3]):[0-5][0-9])$ must be an RFC 3339 instant such as 2026-07-01T12:00:00Z
 * @example "2026-07-01T12:00:00Z"
 */
export type Instant = string;

/**
 * A client's own key for one upload, so that it can be retried safely: the same key with the same body
 * answers the first answer again. Visible ASCII, at most 255 characters; remembered for 24 hours.
 * @pattern ^[\x21-\x7E]{1,255}$ must be 1 to 255 visible ASCII characters
 * @example "upload-twente-2026-06-try-1"
 */
export type IdempotencyKey = string;

/**
 * The name of an API key, as recorded on each upload (`uploadedBy`) and withdrawal (`withdrawnBy`).
 * @pattern ^[A-Za-z0-9_.-]{1,100}$ must be a key name: letters, digits, _ . -
 * @example "twente"
 */
export type KeyName = string;

/**
 * A year, `YYYY`: the classification of gemeenten and regions of that year (those of 1 January).
 * @pattern ^(19|20)[0-9]{2}$ must be a year written YYYY
 * @example "2022"
 */
export type Year = string;
