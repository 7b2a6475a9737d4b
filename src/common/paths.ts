/** Splits a request target into its raw path and raw query (without `?`; '' when none). */
export function splitTarget(target: string): { path: string; query: string } {
  const q = target.indexOf('?');
  return q < 0
    ? { path: target, query: '' }
    : { path: target.slice(0, q), query: target.slice(q + 1) };
}

export const INVALID_PATH_ENCODING = 'Invalid percent-encoding in request path';

/** Percent-decodes a path as strict UTF-8 (`+` stays `+`); null when the encoding is invalid. */
export function decodePath(path: string): string | null {
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}

/**
 * Re-encodes a decoded path for replaying it as a URL: every byte outside the unreserved set
 * and `/` is percent-encoded, so raw UTF-8 from an onion endpoint becomes a valid request line.
 */
export function encodePath(decoded: string): string | null {
  try {
    return encodeURIComponent(decoded).replace(/%2F/g, '/');
  } catch {
    return null; // a lone UTF-16 surrogate (possible in JSON) has no UTF-8 form
  }
}

/**
 * The (still percent-encoded) token of a `/room/:token/…` path, or null for other paths. Every
 * room route has this shape; the token may still name no room or be malformed.
 */
export function roomTokenSegment(path: string): string | null {
  const m = /^\/room\/([^/]+)/.exec(path);
  return m ? m[1] : null;
}

/** Characters a WHATWG URL parser keeps as they are in the query of an http URL. */
const PLAIN_QUERY = /^[!$-&(-;=?-~]*$/;
/** A `.` or `..` path segment, which a URL parser resolves. */
const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

/**
 * The path and query a URL parser makes of an encoded target (as from `encodePath`, plus a raw
 * query) resolved against `http://localhost`: dot segments resolved, unsafe query characters
 * percent-encoded, a `#…` fragment dropped. Targets it would not change skip the parser.
 */
export function routedUrl(url: string): string {
  const { path, query } = splitTarget(url);
  if (!path.startsWith('//') && !DOT_SEGMENT.test(path) && PLAIN_QUERY.test(query)) return url;
  const parsed = new URL(url.startsWith('//') ? `http://localhost${url}` : url, 'http://localhost');
  return parsed.pathname + parsed.search;
}

/** Routes reachable over plain HTTP even when direct access to the room API is off. */
const ALWAYS_DIRECT = new Set([
  '/capabilities',
  '/healthz',
  '/readyz',
  '/oxen/v4/lsrpc',
  '/loki/v3/lsrpc',
  '/oxen/v3/lsrpc',
]);
export const ONION_PATHS = new Set(['/oxen/v4/lsrpc', '/loki/v3/lsrpc', '/oxen/v3/lsrpc']);

export function alwaysDirect(path: string): boolean {
  // The public web pages (api.md §9) are for browsers: `/` and everything under `/r/`.
  return ALWAYS_DIRECT.has(path) || path === '/' || path.startsWith('/r/');
}
