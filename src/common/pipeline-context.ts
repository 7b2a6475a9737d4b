import type { User } from '../users/user';
import type { RequestMemo } from './request-memo';
import type { Transport } from './request-context';

/**
 * Set by the onion and batch dispatchers on the requests they replay into Fastify (it travels
 * on the in-memory `ReplayRequest`), so that a sub-request learns its origin (and, for batch,
 * the already-verified caller) from the server itself, never from anything a client could forge.
 */
export interface PipelineOrigin {
  transport: Transport;
  /** Present for /batch and /sequence sub-requests: the outer request's caller (or null). */
  inherited?: { user: User | null; memo: RequestMemo; depth: number };
}

/**
 * The origin of a replayed request, plus the query and body exactly as the client sent them,
 * which its signature covers (Fastify re-encodes replayed queries and drops GET bodies).
 */
export interface ReplayedRequest extends PipelineOrigin {
  sent: { query: string; body: Buffer };
}
