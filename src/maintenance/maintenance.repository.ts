import { Injectable } from '@nestjs/common';
import type { Queryable } from '../db/database';

/** Set-based clean-up statements of the periodic job (model.md §12); each is safe to repeat. */
@Injectable()
export class MaintenanceRepository {
  async pruneNonces(q: Queryable, now: number): Promise<void> {
    await q.query('DELETE FROM request_nonces WHERE expiry < $1', [now]);
  }

  /** Edit and deletion history: the replaced content of messages, kept for a while only. */
  async pruneHistory(q: Queryable, before: number): Promise<void> {
    await q.query('DELETE FROM message_history WHERE replaced < $1', [before]);
  }

  async pruneDms(q: Queryable, now: number): Promise<void> {
    await q.query('DELETE FROM inbox WHERE expiry <= $1', [now]);
  }

  async pruneActivity(q: Queryable, before: number): Promise<void> {
    await q.query('DELETE FROM room_users WHERE last_active < $1', [before]);
  }

  /**
   * Sets each room's cached `active_users` from activity since `since`; writes only changes. It
   * locks the rooms in id order first, as RoomsRepository's multi-room updates do.
   */
  async refreshActiveUsers(q: Queryable, since: number): Promise<void> {
    await q.query(
      `UPDATE rooms r SET active_users = c.n
         FROM (SELECT r2.id, count(ru.user_id) AS n
                 FROM rooms r2
                 LEFT JOIN room_users ru ON ru.room_id = r2.id AND ru.last_active >= $1
                GROUP BY r2.id) c
        WHERE r.id = c.id AND r.active_users IS DISTINCT FROM c.n
          AND r.id IN (SELECT id FROM rooms ORDER BY id FOR NO KEY UPDATE)`,
      [since],
    );
  }
}
