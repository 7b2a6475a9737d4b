import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';
import type { DmHighs, PollSnapshot } from '../common/request-memo';
import type { MessageRow } from '../messages/message';
import type { PlannedSince } from '../messages/message-reads.service';
import { NEWS_OF_ROOM, rowFromJson, sinceKey } from '../messages/messages.repository';
import type { RoomRow } from '../rooms/room';
import { roomsForCaller, toRoomForCaller, type CallerOverrideRow } from '../rooms/rooms.repository';

/**
 * The tokens come as JSON, not an array, for the reason the reads do (messages.repository.ts):
 * an array's rows are estimated from its value, and the statement would be planned every run.
 */
const ROOMS = `${roomsForCaller(`, ${NEWS_OF_ROOM} AS news`)}
  WHERE lower(r.token) IN (SELECT json_array_elements_text($1::json))`;
/** The rooms and the caller's DM highs: one row with null room columns when no room matches. */
const ROOMS_AND_DMS = `SELECT d.inbox_high, d.outbox_high, r.*
  FROM (SELECT (SELECT max(id) FROM inbox WHERE recipient_id = $2) AS inbox_high,
               (SELECT max(id) FROM inbox WHERE sender_id = $2) AS outbox_high) d
  LEFT JOIN (${ROOMS}) r ON true`;

type JsonRow = Parameters<typeof rowFromJson>[0];
type Row = RoomRow &
  CallerOverrideRow & {
    inbox_high?: number | null;
    outbox_high?: number | null;
    news: { i: number; moderator: boolean; rows: JsonRow[] }[] | null;
  };

/**
 * What a poll (a /batch naming several rooms, its inbox and its outbox) reads before it runs,
 * in one statement: its rooms with the caller's overrides, its DM highs if asked, and the news
 * of its `messages/since` reads whose rooms have any.
 */
@Injectable()
export class PollSnapshotRepository {
  constructor(private readonly db: Database) {}

  /**
   * The rooms by lower-case token with the caller's overrides, the DM highs if asked, and the
   * rows of the planned reads with news, by `sinceKey` (the viewer's moderator flag as the
   * statement found it: a read that finds another flag makes its own query).
   */
  async load(
    tokens: string[],
    user: { id: number; moderator: boolean; admin: boolean } | null,
    withDms: boolean,
    planned: PlannedSince[],
  ): Promise<PollSnapshot> {
    const reads = planned.map((p, i) => ({
      i,
      token: p.token.toLowerCase(),
      after: p.after,
      lim: p.options.limit,
      reaction_changes: p.options.reactionUpdates,
    }));
    const rows = await this.db.query<Row>(withDms ? ROOMS_AND_DMS : ROOMS, [
      JSON.stringify(tokens.map((t) => t.toLowerCase())),
      user?.id ?? null,
      JSON.stringify(reads),
      (user?.moderator ?? false) || (user?.admin ?? false),
    ]);
    const news = new Map<string, MessageRow[]>();
    for (const row of rows) {
      for (const { i, moderator, rows: found } of row.news ?? []) {
        const key = sinceKey({
          roomId: row.id,
          moderator,
          after: reads[i].after,
          limit: reads[i].lim,
          withReactionChanges: reads[i].reaction_changes,
        });
        news.set(key, found.map(rowFromJson));
      }
    }
    const rooms = new Map(
      rows
        .filter((row) => row.id !== null)
        .map((row) => [row.token.toLowerCase(), toRoomForCaller(row)]),
    );
    const dms: DmHighs | null = withDms
      ? { inbox: rows[0].inbox_high ?? 0, outbox: rows[0].outbox_high ?? 0 }
      : null;
    return { rooms, dms, news };
  }
}
