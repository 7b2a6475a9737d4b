/**
 * The SOGS routes of api.md with the statuses the spec names for each, for the oracle "every
 * rejection is one the spec allows". Auth failures can happen on any path (auth.md §5 runs before
 * routing: 400 malformed headers or path encoding, 401 bad signature, 403 banned, 425 timestamp
 * or nonce), as can 404 (no route), 405 (other method) and 413 (body limit).
 */

export const UNIVERSAL = [400, 401, 403, 404, 405, 413, 425] as const;

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

export interface RouteDef {
  method: Method;
  /** Fastify-style template; `*` is the rest of the path (reactions may contain `/`). */
  path: string;
  /** Statuses the spec names for this route besides UNIVERSAL. */
  statuses: number[];
  /** What the body is: a JSON document, raw bytes (uploads), or ignored. */
  body: 'json' | 'raw' | 'ignored';
  /** Web pages answer HTML errors; every other error must be text/plain (README conventions). */
  web?: boolean;
}

const R = (
  method: Method,
  path: string,
  statuses: number[],
  body: RouteDef['body'] = 'ignored',
): RouteDef => ({ method, path, statuses, body });

export const ROUTES: RouteDef[] = [
  R('GET', '/capabilities', [200, 412]),
  R('POST', '/batch', [200], 'json'),
  R('POST', '/sequence', [200], 'json'),
  R('GET', '/rooms', [200]),
  R('GET', '/room/:token', [200]),
  R('PUT', '/room/:token', [200, 406], 'json'),
  R('GET', '/room/:token/pollInfo/:info', [200]),
  R('GET', '/room/:token/messages/recent', [200]),
  R('GET', '/room/:token/messages/before/:id', [200]),
  R('GET', '/room/:token/messages/since/:seqno', [200]),
  R('GET', '/room/:token/message/:id', [200]),
  R('POST', '/room/:token/message', [201, 429], 'json'),
  R('PUT', '/room/:token/message/:id', [200, 429], 'json'),
  R('DELETE', '/room/:token/message/:id', [200]),
  R('DELETE', '/room/:token/all/:sid', [200]),
  R('PUT', '/room/:token/reaction/:id/*', [200]),
  R('DELETE', '/room/:token/reaction/:id/*', [200]),
  R('DELETE', '/room/:token/reactions/:id', [200]),
  R('DELETE', '/room/:token/reactions/:id/*', [200]),
  R('GET', '/room/:token/reactors/:id/*', [200]),
  R('POST', '/room/:token/pin/:id', [200]),
  R('POST', '/room/:token/unpin/:id', [200]),
  R('POST', '/room/:token/unpin/all', [200]),
  R('POST', '/room/:token/file', [201, 507], 'raw'),
  R('GET', '/room/:token/file/:id', [200]),
  R('GET', '/room/:token/file/:id/:filename', [200]),
  R('POST', '/user/:sid/moderator', [200], 'json'),
  R('POST', '/user/:sid/ban', [200], 'json'),
  R('POST', '/user/:sid/unban', [200], 'json'),
  R('DELETE', '/rooms/all/:sid', [200]),
  R('GET', '/room/:token/permissions', [200]),
  R('GET', '/room/:token/permissions/:sid', [200]),
  R('POST', '/room/:token/permissions/:sid', [200], 'json'),
  R('GET', '/room/:token/futurePermissions', [200]),
  R('GET', '/room/:token/futurePermissions/:sid', [200]),
  R('POST', '/room/:token/futurePermissions/:sid', [200], 'json'),
  R('GET', '/inbox', [200]),
  R('GET', '/outbox', [200]),
  R('GET', '/inbox/since/:id', [200, 304]),
  R('GET', '/outbox/since/:id', [200, 304]),
  R('POST', '/inbox/:sid', [201, 429], 'json'),
  R('DELETE', '/inbox', [200]),
  R('GET', '/healthz', [200]),
  R('GET', '/readyz', [200]),
  { ...R('GET', '/', [200]), web: true },
  { ...R('GET', '/r/:room', [308]), web: true },
  { ...R('GET', '/r/:room/*', [200]), web: true },
  { ...R('GET', '/r/:room/invite.png', [200]), web: true },
  R('POST', '/oxen/v4/lsrpc', [200], 'raw'),
  R('POST', '/loki/v3/lsrpc', [200], 'raw'),
  R('POST', '/oxen/v3/lsrpc', [200], 'raw'),
];

function compile(template: string): RegExp {
  const source = template
    .split('/')
    .map((seg) => (seg === '*' ? '.*' : seg.startsWith(':') ? '[^/]+' : seg.replace(/\./g, '\\.')))
    .join('/');
  return new RegExp(`^${source}$`, 's');
}

const COMPILED = ROUTES.map((r) => ({ route: r, re: compile(r.path) }));

/** Routes whose template matches this method and percent-decoded path. */
export function routesMatching(method: string, path: string): RouteDef[] {
  return COMPILED.filter((c) => c.route.method === method.toUpperCase() && c.re.test(path)).map(
    (c) => c.route,
  );
}

/** Every status the spec allows for a request with this method and decoded path. */
export function allowedStatuses(method: string, path: string): Set<number> {
  const out = new Set<number>(UNIVERSAL);
  for (const r of routesMatching(method, path)) for (const s of r.statuses) out.add(s);
  return out;
}

/** True when the path belongs to the HTML web pages (whose errors are HTML, not text/plain). */
export function isWebPath(path: string): boolean {
  return path === '/' || path.startsWith('/r/') || path.startsWith('/static/');
}

/** Percent-decodes the path part of a target (null if the encoding is invalid). */
export function decodedPathOf(target: string): string | null {
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  try {
    return decodeURIComponent(path);
  } catch {
    return null;
  }
}
