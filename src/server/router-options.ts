/** Onion requests are at most this large (onion.md §9); so is any other body. */
export const MAX_BODY = 10_485_760;

/**
 * The router's options, for Fastify's router and for the in-process lane's (reads and batches
 * inside onion requests and batches): both must match the same paths the same way. Path parameters are checked by the routes (404
 * when they do not match); a long one, such as a percent-encoded 12-emoji reaction, must not get
 * Fastify's 414 instead.
 */
export const ROUTER_OPTIONS = { maxParamLength: MAX_BODY } as const;

/** Fastify's hook rule: a Content-Type that is not a media type reads as octet-stream. */
const MEDIA_TYPE = /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\s*(;.*)?$/;

export function normaliseContentType(headers: Record<string, string | string[] | undefined>) {
  const type = headers['content-type'];
  if (typeof type !== 'string' || !MEDIA_TYPE.test(type)) {
    headers['content-type'] = 'application/octet-stream';
  }
}

/** The server's onSend rule: every JSON body is labelled exactly `application/json`. */
export function jsonLabel(type: unknown): string | null {
  return typeof type === 'string' && type.startsWith('application/json')
    ? 'application/json'
    : null;
}
