import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';

export interface ServerCounts {
  rooms: number;
  users: number;
  messages: number;
  files: number;
  file_bytes: number;
  active_day: number;
  active_week: number;
  active_month: number;
}

export interface AuditRow {
  id: number;
  at: number;
  action: string;
  actor: string | null;
  room: string | null;
  target: string | null;
  details: Record<string, unknown>;
}

const DAY = 86400;

/** Server-wide counts and the moderation audit log, for the admin API. */
@Injectable()
export class AdminReportsRepository {
  constructor(private readonly db: Database) {}

  /** Live messages only (not deleted or filtered); active = posted or polled in a room lately. */
  async counts(now: number, systemSessionId: string): Promise<ServerCounts> {
    const [row] = await this.db.query<ServerCounts>(
      `SELECT (SELECT count(*) FROM rooms) AS rooms,
              (SELECT count(*) FROM users WHERE session_id <> $1) AS users,
              (SELECT count(*) FROM messages WHERE data IS NOT NULL AND NOT filtered) AS messages,
              f.files, f.file_bytes, a.active_day, a.active_week, a.active_month
         FROM (SELECT count(*) AS files, COALESCE(sum(size), 0)::bigint AS file_bytes
                 FROM files) f,
              (SELECT count(DISTINCT user_id) FILTER (WHERE last_active >= $2) AS active_day,
                      count(DISTINCT user_id) FILTER (WHERE last_active >= $3) AS active_week,
                      count(DISTINCT user_id) FILTER (WHERE last_active >= $4) AS active_month
                 FROM room_users) a`,
      [systemSessionId, now - DAY, now - 7 * DAY, now - 30 * DAY],
    );
    return row;
  }

  /** Entries newest first, ids below `before` when given; Session IDs and tokens, not row ids. */
  async audit(limit: number, before: number | null): Promise<AuditRow[]> {
    return this.db.query<AuditRow>(
      `SELECT l.id, l.at, l.action, a.session_id AS actor, r.token AS room,
              t.session_id AS target, l.details
         FROM moderation_log l
         LEFT JOIN users a ON a.id = l.actor_id
         LEFT JOIN rooms r ON r.id = l.room_id
         LEFT JOIN users t ON t.id = l.target_user_id
        WHERE $2::bigint IS NULL OR l.id < $2
        ORDER BY l.id DESC
        LIMIT $1`,
      [limit, before],
    );
  }
}
