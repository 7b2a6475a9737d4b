import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';
import { StatementGroup } from '../db/statement-group';
import type { DmHighs, PollSnapshot, RoomForCaller } from '../common/request-memo';
import type { MessageRow } from '../messages/message';
import type { PlannedSince } from '../messages/message-reads.service';
import { newsOfRoom, rowFromJson, sinceKey } from '../messages/messages.repository';
import type { RoomRow } from '../rooms/room';
import { roomsForCaller, toRoomForCaller, type CallerOverrideRow } from '../rooms/rooms.repository';

/** Polls read by one statement at most (a bound on the statement's size). */
const MAX_GROUP = 100;
/** Statements in flight at once. */
const READERS = 2;

/**
 * The snapshots of a group of polls, each poll `p` of the JSON set `$1` read as the statement
 * of one poll would: its rooms by lower-case token with the viewer's overrides and the news of
 * its reads, and its DM highs if asked; at least one row per poll (null room columns when no
 * room matches); `OFFSET 0` keeps the DM highs to one reading per poll, not per room. The polls
 * come as one JSON parameter, not arrays: PostgreSQL estimates an array parameter's rows from
 * its value, and the statement would be planned every run.
 */
const SNAPSHOTS = `
  SELECT p.i, d.inbox_high, d.outbox_high, s.*
    FROM json_to_recordset($1::json)
           AS p(i int, tokens json, viewer bigint, dms bool, reads json, moderator bool)
    CROSS JOIN LATERAL (
      SELECT CASE WHEN p.dms THEN (SELECT max(id) FROM inbox WHERE recipient_id = p.viewer)
             END AS inbox_high,
             CASE WHEN p.dms THEN (SELECT max(id) FROM inbox WHERE sender_id = p.viewer)
             END AS outbox_high
      OFFSET 0) d
    LEFT JOIN LATERAL (
      ${roomsForCaller(`, ${newsOfRoom('p.viewer', 'p.reads', 'p.moderator')} AS news`, 'p.viewer')}
       WHERE lower(r.token) IN (SELECT json_array_elements_text(p.tokens))) s ON true
   ORDER BY p.i`;

type JsonRow = Parameters<typeof rowFromJson>[0];
type Row = RoomRow &
  CallerOverrideRow & {
    i: number;
    inbox_high: number | null;
    outbox_high: number | null;
    news: { i: number; moderator: boolean; rows: JsonRow[] }[] | null;
  };

interface Poll {
  tokens: string[];
  viewer: number | null;
  dms: boolean;
  reads: { i: number; token: string; after: number; lim: number; reaction_changes: boolean }[];
  moderator: boolean;
}

/**
 * What a poll (a /batch naming several rooms, its inbox and its outbox) reads before it runs,
 * in one round trip: its rooms with the caller's overrides, its DM highs if asked, and the news
 * of its `messages/since` reads whose rooms have any. Polls arriving together share the round
 * trip (StatementGroup).
 */
@Injectable()
export class PollSnapshotRepository {
  private readonly groups = new StatementGroup(
    (polls: Poll[]) => this.readGroup(polls),
    MAX_GROUP,
    READERS,
  );

  constructor(private readonly db: Database) {}

  /**
   * The rooms by lower-case token with the caller's overrides, the DM highs if asked, and the
   * rows of the planned reads with news, by `sinceKey` (the viewer's moderator flag as the
   * statement found it: a read that finds another flag makes its own query).
   */
  load(
    tokens: string[],
    user: { id: number; moderator: boolean; admin: boolean } | null,
    withDms: boolean,
    planned: PlannedSince[],
  ): Promise<PollSnapshot> {
    return this.groups.add({
      tokens: tokens.map((t) => t.toLowerCase()),
      viewer: user?.id ?? null,
      dms: withDms,
      reads: planned.map((p, i) => ({
        i,
        token: p.token.toLowerCase(),
        after: p.after,
        lim: p.options.limit,
        reaction_changes: p.options.reactionUpdates,
      })),
      moderator: (user?.moderator ?? false) || (user?.admin ?? false),
    });
  }

  private async readGroup(polls: Poll[]): Promise<PollSnapshot[]> {
    const set = polls.map((p, i) => ({ ...p, i }));
    const rows = await this.db.query<Row>(SNAPSHOTS, [JSON.stringify(set)]);
    const byPoll = polls.map((): Row[] => []);
    for (const row of rows) byPoll[row.i].push(row);
    return polls.map((poll, i) => snapshotOf(poll, byPoll[i]));
  }
}

/** One poll's snapshot from its rows (at least one: the DM highs come on each). */
function snapshotOf(poll: Poll, rows: Row[]): PollSnapshot {
  const news = new Map<string, MessageRow[]>();
  const rooms = new Map<string, RoomForCaller>();
  for (const row of rows) {
    if (row.id === null) continue;
    rooms.set(row.token.toLowerCase(), toRoomForCaller(row));
    for (const { i, moderator, rows: found } of row.news ?? []) {
      const read = poll.reads[i];
      const key = sinceKey({
        roomId: row.id,
        moderator,
        after: read.after,
        limit: read.lim,
        withReactionChanges: read.reaction_changes,
      });
      news.set(key, found.map(rowFromJson));
    }
  }
  const dms: DmHighs | null = poll.dms
    ? { inbox: rows[0].inbox_high ?? 0, outbox: rows[0].outbox_high ?? 0 }
    : null;
  return { rooms, dms, news };
}
