import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';
import type { DmHighs, PollSnapshot, RequestMemo } from '../common/request-memo';
import type { MessageRow } from '../messages/message';
import { MessagesRepository, sinceKey, type SinceRead } from '../messages/messages.repository';
import { resolvePermissions } from '../moderation/room-permissions';
import type { User } from '../users/user';
import type { PlannedSince } from './poll-plan';
import type { RoomRow } from '../rooms/room';
import {
  ROOMS_FOR_CALLER,
  toRoomForCaller,
  type CallerOverrideRow,
} from '../rooms/rooms.repository';

const ROOMS = `${ROOMS_FOR_CALLER} WHERE lower(r.token) = ANY($1::text[])`;
/** The rooms and the caller's DM highs: one row with null room columns when no room matches. */
const ROOMS_AND_DMS = `SELECT d.inbox_high, d.outbox_high, r.*
  FROM (SELECT (SELECT max(id) FROM inbox WHERE recipient_id = $2) AS inbox_high,
               (SELECT max(id) FROM inbox WHERE sender_id = $2) AS outbox_high) d
  LEFT JOIN (${ROOMS}) r ON true`;

type Row = RoomRow &
  CallerOverrideRow & { inbox_high?: number | null; outbox_high?: number | null };

/** What a poll (a /batch naming several rooms, its inbox and its outbox) reads before it runs. */
@Injectable()
export class PollSnapshotRepository {
  constructor(
    private readonly db: Database,
    private readonly messages: MessagesRepository,
  ) {}

  /** The rooms by lower-case token with the caller's overrides, and the DM highs if asked. */
  async load(tokens: string[], userId: number | null, withDms: boolean): Promise<PollSnapshot> {
    const rows = await this.db.query<Row>(withDms ? ROOMS_AND_DMS : ROOMS, [
      tokens.map((t) => t.toLowerCase()),
      userId,
    ]);
    const rooms = new Map(
      rows
        .filter((row) => row.id !== null)
        .map((row) => [row.token.toLowerCase(), toRoomForCaller(row)]),
    );
    const dms: DmHighs | null = withDms
      ? { inbox: rows[0].inbox_high ?? 0, outbox: rows[0].outbox_high ?? 0 }
      : null;
    return { rooms, dms };
  }

  /**
   * The rows of the planned `messages/since` reads that need a query, in one statement, by
   * `sinceKey`: reads of rooms the memo knows, that the caller may read and that have news.
   */
  async loadSince(
    memo: RequestMemo,
    planned: PlannedSince[],
    user: User | null,
  ): Promise<Map<string, MessageRow[]>> {
    const reads: SinceRead[] = [];
    for (const { token, after, options } of planned) {
      const found = await memo.known(token);
      if (!found || after >= found.room.messageSequence) continue;
      const perms = resolvePermissions(found.room, user, found.override);
      if (!perms.read) continue;
      reads.push({
        roomId: found.room.id,
        moderator: perms.moderator,
        after,
        limit: options.limit,
        withReactionChanges: options.reactionUpdates,
      });
    }
    if (!reads.length) return new Map();
    const rows = await this.messages.since(user?.id ?? null, reads);
    return new Map(reads.map((r, i) => [sinceKey(r), rows[i]]));
  }
}
