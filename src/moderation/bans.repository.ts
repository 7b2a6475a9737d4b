import { Injectable } from '@nestjs/common';
import type { Queryable } from '../db/database';

/** Global bans, and the scheduled unbans that lift room and global bans (`user_ban_futures`). */
@Injectable()
export class BansRepository {
  async setGlobalBan(q: Queryable, userId: number, banned: boolean): Promise<void> {
    await q.query('UPDATE users SET banned = $2 WHERE id = $1', [userId, banned]);
  }

  /** Replaces the scheduled changes of this scope (room, or global when null) for the user. */
  async scheduleUnban(
    q: Queryable,
    roomId: number | null,
    userId: number,
    at: number | null,
  ): Promise<void> {
    await q.query(
      'DELETE FROM user_ban_futures WHERE user_id = $1 AND room_id IS NOT DISTINCT FROM $2',
      [userId, roomId],
    );
    if (at !== null) {
      await q.query(
        'INSERT INTO user_ban_futures (room_id, user_id, at, banned) VALUES ($1, $2, $3, false)',
        [roomId, userId, at],
      );
    }
  }
}
