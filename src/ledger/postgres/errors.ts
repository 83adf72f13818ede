/**
 * Sorting PostgreSQL failures into "try again later" and "this row can never be written": the first
 * sends a batch to the spool, the second must not, or one bad row would block the spool forever.
 */
type PgError = { code?: unknown };

/** SQLSTATE classes of failures that a later retry can get past. */
const TRANSIENT_CLASSES = new Set([
  '08', // connection exception
  '40', // serialization failure, deadlock
  '53', // insufficient resources (too many connections, disk full)
  '57', // operator intervention: admin shutdown, cannot connect now, query canceled (statement timeout)
  '58', // system error (I/O)
]);

function sqlState(err: unknown): string | undefined {
  const code = (err as PgError | undefined)?.code;
  // Node's errno codes (ECONNRESET, EPIPE, ...) also sit in `code`; no SQLSTATE class starts with E.
  return typeof code === 'string' && /^[0-9A-DF-Z][0-9A-Z]{4}$/.test(code) ? code : undefined;
}

/** Network-level failures (no SQLSTATE: ECONNREFUSED, a pool connect timeout, a dropped socket) or a transient SQLSTATE. */
export function isUnavailable(err: unknown): boolean {
  const state = sqlState(err);
  return state === undefined || TRANSIENT_CLASSES.has(state.slice(0, 2));
}

/** Data exceptions (22: e.g. a NUL byte in text, a number out of range) and constraint violations (23). */
export function isBadRow(err: unknown): boolean {
  const state = sqlState(err);
  return state !== undefined && (state.startsWith('22') || state.startsWith('23'));
}
