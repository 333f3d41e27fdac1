/** Node's errors for a server that cannot be reached or went away. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOENT']);

/**
 * Whether an error means PostgreSQL could not be reached or would not serve, rather than a bug: connection
 * exceptions (SQLSTATE class 08), shutdowns and start-ups (57P01-57P03), statement timeouts (57014),
 * insufficient resources (class 53), and node-postgres's own connection and timeout errors.
 */
export function isUnreachable(error: unknown): boolean {
  // Not `instanceof Error`: Node's own errors may come from another realm (as under jest).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || code.startsWith('08') || code.startsWith('53') || code === '57014' || /^57P0[1-3]$/.test(code)) return true;
  }
  return /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Client was closed|Cannot use a pool after calling end|driver has already been destroyed/i.test(String(message));
}
