import { SogsError } from './sogs-error';

const QUERY_INTEGER = /^[+-]?[0-9]+$/;

/** A base-10 query integer (first value when repeated); 400 when present but not an integer. */
export function queryInteger(query: Record<string, unknown>, name: string): number | undefined {
  const raw = Array.isArray(query[name]) ? (query[name] as unknown[])[0] : query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !QUERY_INTEGER.test(raw.trim())) {
    throw SogsError.badRequest(`Invalid ${name}: expected an integer`);
  }
  return Number(raw.trim());
}

export const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

/**
 * An id from an integer path parameter (already digits-only); null past 2^53, where no id can
 * exist (and which PostgreSQL would refuse as a bigint).
 */
export function pathId(raw: string): number | null {
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : null;
}
