import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '../db/database';
import { RoomsRepository } from '../rooms/rooms.repository';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { OverridesRepository } from './overrides.repository';

export interface RoleChange {
  moderator: boolean;
  admin: boolean;
  visible: boolean;
}

/**
 * Grants and removes moderator/admin roles, keeping `info_updates` right (model.md §3, §5).
 * Each call runs in the given transaction, or in its own.
 */
@Injectable()
export class ModeratorsService {
  constructor(
    private readonly db: Database,
    private readonly overrides: OverridesRepository,
    private readonly rooms: RoomsRepository,
  ) {}

  async setRoomRole(room: Room, user: User, role: RoleChange, tx?: Queryable): Promise<void> {
    await this.within(tx, async (q) => {
      if (await this.overrides.setRole(room.id, user.id, normalise(role), q)) {
        await this.rooms.bumpInfoUpdates([room.id], q);
      }
    });
  }

  /** Global roles show in every room, so any change bumps every room's counter. */
  async setGlobalRole(user: User, role: RoleChange, tx?: Queryable): Promise<void> {
    const r = normalise(role);
    await this.within(tx, async (q) => {
      const changed = await q.query(
        `UPDATE users SET moderator = $2, admin = $3, visible_mod = $4
          WHERE id = $1 AND (moderator, admin, visible_mod) IS DISTINCT FROM ($2, $3, $4)
          RETURNING id`,
        [user.id, r.moderator, r.admin, r.moderator && r.visible],
      );
      if (changed.length) await this.rooms.bumpInfoUpdatesEverywhere(q);
    });
  }

  private within(tx: Queryable | undefined, work: (q: Queryable) => Promise<void>): Promise<void> {
    return tx ? work(tx) : this.db.transaction(work);
  }
}

/** Admin implies moderator; removing moderator removes admin. */
function normalise(role: RoleChange): RoleChange {
  return { moderator: role.moderator || role.admin, admin: role.admin, visible: role.visible };
}
