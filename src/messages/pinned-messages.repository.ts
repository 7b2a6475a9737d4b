import { Injectable } from '@nestjs/common';
import type { Queryable } from '../db/database';

/**
 * Writes to `pinned_messages` and the `info_updates` they cause (model.md §3). The room object
 * reads pins through rooms/PinsRepository.
 */
@Injectable()
export class PinnedMessagesRepository {
  /** Pins, or re-pins (moving the pin to the end of the list). */
  async pin(tx: Queryable, p: { roomId: number; messageId: number; userId: number; now: number }) {
    await tx.query(
      `INSERT INTO pinned_messages (room_id, message_id, pinned_by, pinned_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (room_id, message_id)
       DO UPDATE SET pinned_by = EXCLUDED.pinned_by, pinned_at = EXCLUDED.pinned_at`,
      [p.roomId, p.messageId, p.userId, p.now],
    );
  }

  /** Unpins the messages (all of the room's when `messageIds` is null); returns those unpinned. */
  async unpin(tx: Queryable, roomId: number, messageIds: number[] | null): Promise<number[]> {
    const rows = await tx.query<{ message_id: number }>(
      `DELETE FROM pinned_messages
        WHERE room_id = $1 AND ($2::bigint[] IS NULL OR message_id = ANY($2))
        RETURNING message_id`,
      [roomId, messageIds],
    );
    return rows.map((r) => r.message_id);
  }

  /** Raises the room's `info_updates` by `by` (once per pin change) and returns it. */
  async bumpInfoUpdates(tx: Queryable, roomId: number, by: number): Promise<number> {
    const rows = await tx.query<{ info_updates: number }>(
      'UPDATE rooms SET info_updates = info_updates + $2 WHERE id = $1 RETURNING info_updates',
      [roomId, by],
    );
    return rows[0].info_updates;
  }
}
