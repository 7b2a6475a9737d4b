import { randomBytes } from 'node:crypto';
import type { User } from '../users/user';
import type { RequestMemo } from './request-memo';
import type { Transport } from './request-context';

/**
 * Set by the onion and batch dispatchers for the requests they replay into Fastify, so that a
 * sub-request learns its origin (and, for batch, the already-verified caller) from the server
 * itself, never from anything a client could forge.
 */
export interface PipelineOrigin {
  transport: Transport;
  /** Present for /batch and /sequence sub-requests: the outer request's caller (or null). */
  inherited?: { user: User | null; memo: RequestMemo };
}

/**
 * A ticket's payload: the origin, plus the query and body exactly as the client sent them,
 * which its signature covers (Fastify re-encodes replayed queries and drops GET bodies).
 */
export interface ReplayedRequest extends PipelineOrigin {
  sent: { query: string; body: Buffer };
}

/** Header that carries the one-time ticket of a replayed request. */
export const ORIGIN_HEADER = 'x-tsogs-origin';

/**
 * Origins of replayed requests in flight, keyed by single-use random tickets. (AsyncLocalStorage
 * would be the natural carrier, but Fastify's inject does not keep the caller's async context.)
 * A ticket is 128 random bits known only to this process, so a client cannot present one.
 */
class OriginTickets {
  private readonly pending = new Map<string, ReplayedRequest>();

  issue(origin: ReplayedRequest): string {
    const ticket = randomBytes(16).toString('hex');
    this.pending.set(ticket, origin);
    return ticket;
  }

  /** Whether this is a ticket in flight (without redeeming it). */
  has(ticket: string | string[] | undefined): boolean {
    return typeof ticket === 'string' && this.pending.has(ticket);
  }

  /** The origin of a ticket, once; undefined for unknown tickets. */
  redeem(ticket: string | string[] | undefined): ReplayedRequest | undefined {
    if (typeof ticket !== 'string') return undefined;
    const origin = this.pending.get(ticket);
    this.pending.delete(ticket);
    return origin;
  }

  /** Forgets a ticket whose request never reached the pipeline hook. */
  cancel(ticket: string): void {
    this.pending.delete(ticket);
  }
}

export const originTickets = new OriginTickets();
