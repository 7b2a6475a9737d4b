import { Injectable } from '@nestjs/common';
import type { Queryable } from '../db/database';

/** One moderation action: who, what, when, on whom, where — never message content. */
export interface ModerationEntry {
  actorId: number;
  action: string;
  roomId: number | null;
  targetUserId: number | null;
  details?: Record<string, unknown>;
}

/** The moderation audit log (`moderation_log`), written in the same transaction as the action. */
@Injectable()
export class ModerationLogRepository {
  async record(q: Queryable, at: number, e: ModerationEntry): Promise<void> {
    await q.query(
      `INSERT INTO moderation_log (at, actor_id, action, room_id, target_user_id, details)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [at, e.actorId, e.action, e.roomId, e.targetUserId, JSON.stringify(e.details ?? {})],
    );
  }
}
