import { isPlainObject } from '../common/json-body';
import { SogsError } from '../common/sogs-error';

/** Where a moderation action applies: server-wide, every room the caller holds a role in, or named rooms. */
export type TargetSelection = { global: true } | { rooms: '*' } | { rooms: string[] };

/**
 * The `rooms`/`global` part of a moderator, ban or unban body (api.md §5): exactly one of a
 * non-empty `rooms` array (or exactly `["*"]`) and `global: true`; anything else is a 400.
 */
export function parseTargetSelection(body: unknown): TargetSelection {
  if (!isPlainObject(body)) throw SogsError.badRequest('Expected a JSON object');
  const { rooms, global } = body;
  if (global !== undefined && global !== null && typeof global !== 'boolean') {
    throw SogsError.badRequest('global must be a boolean');
  }
  const roomsGiven = rooms !== undefined && rooms !== null;
  if (global === true) {
    if (roomsGiven) throw SogsError.badRequest('rooms and global are exclusive');
    return { global: true };
  }
  if (!roomsGiven) throw SogsError.badRequest('Either rooms or global is required');
  if (!Array.isArray(rooms) || rooms.length === 0 || !rooms.every((r) => typeof r === 'string')) {
    throw SogsError.badRequest('rooms must be a non-empty array of room tokens');
  }
  if (rooms.includes('*')) {
    if (rooms.length !== 1) throw SogsError.badRequest('"*" cannot be combined with room tokens');
    return { rooms: '*' };
  }
  return { rooms: rooms as string[] };
}
