import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';

/** A user's presence in a room is refreshed at most this often: `active_users` counts days. */
const REFRESH_SECONDS = 300;
const MAX_TRACKED = 200_000;

/**
 * Room activity (`room_users`): when each user last polled each room. Writes are debounced per
 * process, so a room polled hundreds of times a second costs a write per user per few minutes.
 */
@Injectable()
export class ActivityRepository {
  private readonly written = new Map<string, number>();

  constructor(private readonly db: Database) {}

  async record(roomId: number, userId: number, now: number): Promise<void> {
    const key = `${roomId}:${userId}`;
    const last = this.written.get(key);
    if (last !== undefined && now - last < REFRESH_SECONDS) return;
    if (this.written.size >= MAX_TRACKED) this.written.clear();
    this.written.set(key, now);
    await this.db.queryAsyncCommit(
      `INSERT INTO room_users (room_id, user_id, last_active) VALUES ($1, $2, $3)
       ON CONFLICT (room_id, user_id) DO UPDATE SET last_active = EXCLUDED.last_active`,
      [roomId, userId, now],
    );
  }
}
