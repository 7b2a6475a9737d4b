/**
 * PostgreSQL could not be reached, is restarting, or aborted the transaction to resolve a
 * conflict: the request may succeed when retried, so it is a 503, not a server fault. Covers
 * socket errors, the pool's connect timeout, a connection cut mid-query, the server's own
 * "shutting down / starting up / too many connections" codes, deadlocks and serialization
 * failures.
 */
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EPIPE',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '40P01', // deadlock_detected: this transaction was chosen to give way; a retry succeeds
  '40001', // serialization_failure: likewise
]);
const TRANSIENT_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

export function isTransientDatabaseError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (TRANSIENT_CODES.has(code) || code.startsWith('08'))) {
    return true;
  }
  if (err instanceof AggregateError) return err.errors.some(isTransientDatabaseError);
  return TRANSIENT_MESSAGES.test(err.message);
}
