import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';

export interface RoomStats {
  messages: number;
  files: number;
  fileBytes: number;
  /** Users active within 1, 7, 14 and 30 days. */
  active: [number, number, number, number];
}

/** Aggregates shown to operators by `tsogs -L`. */
@Injectable()
export class RoomStatsRepository {
  constructor(private readonly db: Database) {}

  async of(roomId: number, now: number): Promise<RoomStats> {
    const [m] = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM messages WHERE room_id = $1 AND data IS NOT NULL',
      [roomId],
    );
    const [f] = await this.db.query<{ n: number; bytes: number }>(
      'SELECT count(*)::int AS n, COALESCE(sum(size), 0)::bigint AS bytes FROM files WHERE room_id = $1',
      [roomId],
    );
    const days = [1, 7, 14, 30];
    const [a] = await this.db.query<Record<string, number>>(
      `SELECT ${days.map((d, i) => `count(*) FILTER (WHERE last_active >= $${i + 2})::int AS d${d}`).join(', ')}
         FROM room_users WHERE room_id = $1`,
      [roomId, ...days.map((d) => now - d * 86400)],
    );
    return {
      messages: m.n,
      files: f.n,
      fileBytes: f.bytes,
      active: [a.d1, a.d7, a.d14, a.d30],
    };
  }
}
