import type { Room } from '../rooms/room';
import type { RoomPermissions } from '../moderation/room-permissions';

/**
 * Lookups shared by the sub-requests of one /batch or /sequence: a poll asks for the same rooms
 * and the same caller's permissions several times. Cleared after any sub-request that may write.
 */
export class RequestMemo {
  private readonly rooms = new Map<string, Promise<Room | null>>();
  private readonly permissions = new Map<number, Promise<RoomPermissions>>();

  room(token: string, load: () => Promise<Room | null>): Promise<Room | null> {
    const key = token.toLowerCase();
    let hit = this.rooms.get(key);
    if (!hit) this.rooms.set(key, (hit = load()));
    return hit;
  }

  permissionsIn(roomId: number, load: () => Promise<RoomPermissions>): Promise<RoomPermissions> {
    let hit = this.permissions.get(roomId);
    if (!hit) this.permissions.set(roomId, (hit = load()));
    return hit;
  }

  clear(): void {
    this.rooms.clear();
    this.permissions.clear();
  }
}
