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

  /**
   * Looks up several rooms at once, ahead of the sub-requests that name them: `loadAll` answers
   * for each (lower-case) token the same as `room()`'s loader would, null when there is no such
   * room. Tokens already known are left as they are.
   */
  prefetchRooms(
    tokens: string[],
    loadAll: (tokens: string[]) => Promise<Map<string, RoomForCaller>>,
  ): void {
    const wanted = [...new Set(tokens.map((t) => t.toLowerCase()))].filter(
      (t) => !this.rooms.has(t),
    );
    if (wanted.length === 0) return;
    const all = loadAll(wanted);
    for (const token of wanted) {
      const entry = all.then((found) => found.get(token) ?? null);
      // A failure reaches whichever sub-request awaits the entry; one that none awaits (a
      // /sequence that stopped, a memo cleared by a write) must not crash the process.
      entry.catch(() => undefined);
      this.rooms.set(token, entry);
    }
  }

  clear(): void {
    this.rooms.clear();
  }
}
