import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '../db/database';
import type { ReactionMap } from './message';

interface SummaryRow {
  message_id: number;
  reaction: string;
  count: number;
  you: boolean;
  reactors: string[];
}

/**
 * Queries on `reactions` (one row per reaction string on a message; its id gives the display
 * order) and `user_reactions` (who reacted, when). A reaction row lives while someone has it.
 */
@Injectable()
export class ReactionsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Reactions on each message as the viewer sees them, with the first `reactors` reactors (by
   * reaction time) when `reactors` > 0.
   */
  async summaries(
    messageIds: number[],
    viewerId: number | null,
    reactors: number,
  ): Promise<Map<number, ReactionMap>> {
    // Null-prototype maps: a reaction may be any string, `__proto__` included.
    const out = new Map<number, ReactionMap>(messageIds.map((id) => [id, Object.create(null)]));
    if (!messageIds.length) return out;
    const rows = await this.db.query<SummaryRow>(
      `SELECT r.message_id, r.reaction,
              (SELECT count(*) FROM user_reactions ur WHERE ur.reaction_id = r.id) AS count,
              EXISTS (SELECT 1 FROM user_reactions ur
                       WHERE ur.reaction_id = r.id AND ur.user_id = $2) AS you,
              ARRAY(SELECT u.session_id FROM user_reactions ur JOIN users u ON u.id = ur.user_id
                     WHERE ur.reaction_id = r.id ORDER BY ur.at, ur.user_id LIMIT $3) AS reactors
         FROM reactions r WHERE r.message_id = ANY($1::bigint[])
        ORDER BY r.message_id, r.id`,
      [messageIds, viewerId, reactors],
    );
    for (const row of rows) {
      const map = out.get(row.message_id)!;
      map[row.reaction] = {
        index: Object.keys(map).length,
        count: row.count,
        ...(reactors > 0 ? { reactors: row.reactors } : {}),
        ...(row.you ? { you: true as const } : {}),
      };
    }
    return out;
  }

  /** Adds the user's reaction; false when they already had it. */
  async add(
    tx: Queryable,
    r: { messageId: number; reaction: string; userId: number; now: number },
  ): Promise<boolean> {
    // The inserted row and an existing one are never both visible to one statement.
    const [{ id }] = await tx.query<{ id: number }>(
      `WITH created AS (
         INSERT INTO reactions (message_id, reaction) VALUES ($1, $2)
         ON CONFLICT (message_id, reaction) DO NOTHING RETURNING id)
       SELECT id FROM created
       UNION ALL SELECT id FROM reactions WHERE message_id = $1 AND reaction = $2`,
      [r.messageId, r.reaction],
    );
    const added = await tx.query(
      `INSERT INTO user_reactions (reaction_id, user_id, at) VALUES ($1, $2, $3)
       ON CONFLICT (reaction_id, user_id) DO NOTHING RETURNING 1`,
      [id, r.userId, r.now],
    );
    return added.length > 0;
  }

  /** Removes the user's reaction; false when they did not have it. */
  async remove(
    tx: Queryable,
    r: { messageId: number; reaction: string; userId: number },
  ): Promise<boolean> {
    const gone = await tx.query<{ reaction_id: number }>(
      `DELETE FROM user_reactions ur USING reactions r
        WHERE ur.reaction_id = r.id AND r.message_id = $1 AND r.reaction = $2 AND ur.user_id = $3
        RETURNING ur.reaction_id`,
      [r.messageId, r.reaction, r.userId],
    );
    if (!gone.length) return false;
    // The last user gone: the reaction, if added again, goes last in the display order.
    await tx.query(
      `DELETE FROM reactions r WHERE r.id = $1
         AND NOT EXISTS (SELECT 1 FROM user_reactions WHERE reaction_id = r.id)`,
      [gone[0].reaction_id],
    );
    return true;
  }

  /** Removes every user's reactions (or one reaction) on the messages; returns how many. */
  async clear(tx: Queryable, messageIds: number[], reaction: string | null): Promise<number> {
    const [{ n }] = await tx.query<{ n: number }>(
      `SELECT count(*) AS n FROM user_reactions ur JOIN reactions r ON r.id = ur.reaction_id
        WHERE r.message_id = ANY($1::bigint[]) AND ($2::text IS NULL OR r.reaction = $2)`,
      [messageIds, reaction],
    );
    await tx.query(
      `DELETE FROM reactions WHERE message_id = ANY($1::bigint[])
         AND ($2::text IS NULL OR reaction = $2)`,
      [messageIds, reaction],
    );
    return n;
  }

  /** How many user-reactions each message has (messages without any are absent). */
  async countsOf(tx: Queryable, messageIds: number[]): Promise<Map<number, number>> {
    const rows = await tx.query<{ message_id: number; n: number }>(
      `SELECT r.message_id, count(*) AS n FROM reactions r JOIN user_reactions ur
           ON ur.reaction_id = r.id
        WHERE r.message_id = ANY($1::bigint[]) GROUP BY r.message_id`,
      [messageIds],
    );
    return new Map(rows.map((r) => [r.message_id, r.n]));
  }

  /** `[session_id, at]` of the users with this reaction, earliest first; all when no limit. */
  async reactors(
    messageId: number,
    reaction: string,
    limit: number | null,
  ): Promise<[string, number][]> {
    const rows = await this.db.query<{ session_id: string; at: number }>(
      `SELECT u.session_id, ur.at
         FROM user_reactions ur JOIN reactions r ON r.id = ur.reaction_id
         JOIN users u ON u.id = ur.user_id
        WHERE r.message_id = $1 AND r.reaction = $2
        ORDER BY ur.at, ur.user_id LIMIT $3`,
      [messageId, reaction, limit],
    );
    return rows.map((r) => [r.session_id, r.at]);
  }
}
