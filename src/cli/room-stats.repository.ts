import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';

export interface RoomStats {
  messages: number;
  /** Total size of the stored message bodies. */
  messageBytes: number;
  files: number;
  fileBytes: number;
  reactions: number;
  /** The five most used reactions, most used first. */
  topReactions: { reaction: string; count: number }[];
  /** Users active within 1, 7, 14 and 30 days. */
  active: [number, number, number, number];
}

/** A moderator or admin named in the room itself (global ones are listed by `tsogs -M`). */
export interface RoomLevelModerator {
  sessionId: string;
  admin: boolean;
  visible: boolean;
}

/** Aggregates shown to operators by `tsogs -L`, as PySOGS's `print_room` computes them. */
@Injectable()
export class RoomStatsRepository {
  constructor(private readonly db: Database) {}

  async of(roomId: number, now: number): Promise<RoomStats> {
    // Deleted (data NULL) and filtered messages are not content the room holds.
    const [m] = await this.db.query<{ n: number; bytes: number }>(
      `SELECT count(*)::int AS n, COALESCE(sum(octet_length(data)), 0)::bigint AS bytes
         FROM messages WHERE room_id = $1 AND data IS NOT NULL AND NOT filtered`,
      [roomId],
    );
    const [f] = await this.db.query<{ n: number; bytes: number }>(
      'SELECT count(*)::int AS n, COALESCE(sum(size), 0)::bigint AS bytes FROM files WHERE room_id = $1',
      [roomId],
    );
    // Each user's use of a reaction counts once, like PySOGS's message_reactions rows.
    const top = await this.db.query<{ reaction: string; n: number; total: number }>(
      `SELECT r.reaction, count(*)::int AS n, (sum(count(*)) OVER ())::int AS total
         FROM reactions r
         JOIN user_reactions ur ON ur.reaction_id = r.id
         JOIN messages m ON m.id = r.message_id
        WHERE m.room_id = $1
        GROUP BY r.reaction
        ORDER BY n DESC, r.reaction
        LIMIT 5`,
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
      messageBytes: m.bytes,
      files: f.n,
      fileBytes: f.bytes,
      reactions: top[0]?.total ?? 0,
      topReactions: top.map((r) => ({ reaction: r.reaction, count: r.n })),
      active: [a.d1, a.d7, a.d14, a.d30],
    };
  }

  /** The room's own moderators and admins, hidden ones included, sorted by ID. */
  async moderators(roomId: number): Promise<RoomLevelModerator[]> {
    const rows = await this.db.query<{ session_id: string; admin: boolean; visible_mod: boolean }>(
      `SELECT u.session_id, o.admin, o.visible_mod
         FROM user_permission_overrides o JOIN users u ON u.id = o.user_id
        WHERE o.room_id = $1 AND o.moderator
        ORDER BY u.session_id`,
      [roomId],
    );
    return rows.map((r) => ({ sessionId: r.session_id, admin: r.admin, visible: r.visible_mod }));
  }
}
