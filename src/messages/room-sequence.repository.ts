import { Injectable } from '@nestjs/common';
import type { Queryable } from '../db/database';

/**
 * A room's `message_sequence` (model.md §2). Every change to a room's messages or reactions runs
 * in a transaction that first locks or advances this counter, which serialises the room's writers
 * across processes and keeps seqnos strictly increasing.
 */
@Injectable()
export class RoomSequenceRepository {
  /** Takes the room's write lock without advancing the counter (for changes that may not happen). */
  async lock(tx: Queryable, roomId: number): Promise<void> {
    // NO KEY: inserting messages (a foreign key to rooms) must not wait on this lock.
    await tx.query('SELECT 1 FROM rooms WHERE id = $1 FOR NO KEY UPDATE', [roomId]);
  }

  /** Advances the counter by `by` and returns its new value. */
  async advance(tx: Queryable, roomId: number, by = 1): Promise<number> {
    const rows = await tx.query<{ message_sequence: number }>(
      `UPDATE rooms SET message_sequence = message_sequence + $2 WHERE id = $1
       RETURNING message_sequence`,
      [roomId, by],
    );
    return rows[0].message_sequence;
  }
}
