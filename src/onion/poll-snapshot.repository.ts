import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';
import type { DmHighs, PollSnapshot } from '../common/request-memo';
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
  constructor(private readonly db: Database) {}

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
}
