import type { Room } from '../rooms/room';
import type { Override } from '../moderation/room-permissions';

export type RoomForCaller = { room: Room; override: Override | null } | null;

/**
 * Lookups shared by the sub-requests of one /batch or /sequence: a poll asks for the same rooms
 * (with the same caller's override) several times. Cleared after any sub-request that may write.
 */
export class RequestMemo {
  private readonly rooms = new Map<string, Promise<RoomForCaller>>();

  room(token: string, load: () => Promise<RoomForCaller>): Promise<RoomForCaller> {
    const key = token.toLowerCase();
    let hit = this.rooms.get(key);
    if (!hit) this.rooms.set(key, (hit = load()));
    return hit;
  }

  /** Seeds the memo with lookups made together (keys are lower-cased tokens). */
  prefetched(found: Map<string, RoomForCaller>): void {
    for (const [key, value] of found) this.rooms.set(key, Promise.resolve(value));
  }

  clear(): void {
    this.rooms.clear();
  }
}
