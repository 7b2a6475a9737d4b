import type { FastifyRequest } from 'fastify';
import type { User } from '../users/user';
import type { Room } from '../rooms/room';
import type { RoomPermissions } from '../moderation/room-permissions';
import type { RequestMemo } from './request-memo';

/** How a request reached the pipeline. */
export type Transport = 'direct' | 'onion';

/** What the pipeline learns about a request, attached to it as `request.sogs`. */
export interface SogsRequestState {
  transport: Transport;
  /** A /batch or /sequence sub-request (runs as the outer caller). */
  batch?: boolean;
  /** How many /batch or /sequence requests this one is inside (0 or absent: none). */
  batchDepth?: number;
  /** Lookups shared with the other sub-requests of the same batch. */
  memo?: RequestMemo;
  /** The authenticated caller, or null for an anonymous request. */
  user: User | null;
  /** The room named by `:token`, once resolved. */
  room?: Room;
  /** The caller's permissions in that room, once checked. */
  permissions?: RoomPermissions;
}

export type SogsRequest = FastifyRequest & { sogs: SogsRequestState };
