/**
 * Month of the count's reference date, `YYYY-MM`.
 * @pattern ^(19|20)\d{2}-(0[1-9]|1[0-2])$ must be a month written YYYY-MM
 * @example "2026-06"
 */
export type Period = string;

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
