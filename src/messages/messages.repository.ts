import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '../db/database';
import type { MessageRow, Viewer } from './message';

const SELECT_MESSAGE = `
  SELECT m.id, m.user_id, u.session_id, m.posted, m.edited, m.seqno, m.seqno_data,
         m.seqno_reactions, m.seqno_creation, m.data, m.signature, m.filtered,
         w.session_id AS whisper_to, m.whisper_mods
    FROM messages m JOIN users u ON u.id = m.user_id LEFT JOIN users w ON w.id = m.whisper_to`;

/**
 * Visibility for the viewer whose user id (or null) is `userId` and moderator flag `moderator`
 * (SQL expressions), model.md §2: never filtered posts; whispers only for their target, or for
 * moderators when meant for all of them or sent by the moderator.
 */
const visibleTo = (userId: string, moderator: string) => `NOT m.filtered AND (
    (m.whisper_to IS NULL AND NOT m.whisper_mods)
    OR m.whisper_to = ${userId}
    OR (${moderator} AND (m.whisper_mods OR m.user_id = ${userId})))`;
const VISIBLE = visibleTo('$2', '$3');

/**
 * The changes after read `q`'s seqno (model.md §2): deleted messages only when created at or
 * before it, and reaction-only changes only when the read asks for them.
 */
const CHANGES_AFTER = `m.seqno > q.after
  AND (m.data IS NOT NULL OR m.seqno_creation <= q.after)
  AND (q.reaction_changes OR m.seqno_data > q.after)`;

/**
 * The changes after a seqno in each of several rooms, oldest first, tagged with the read's
 * position (`i`). The reads, viewer included, come as the only parameter, a JSON set:
 * PostgreSQL estimates an array parameter's rows from its value, and folds a scalar one, so
 * that every run planned the statement afresh (planning cost more than running it); a JSON set
 * has one estimate, and the statement gets a generic plan after five.
 */
const SINCE = `
  SELECT q.i, s.*
    FROM json_to_recordset($1::json)
           AS q(i int, room_id bigint, viewer bigint, moderator bool, after bigint, lim int,
                reaction_changes bool)
    CROSS JOIN LATERAL (${SELECT_MESSAGE}
      WHERE m.room_id = q.room_id AND ${visibleTo('q.viewer', 'q.moderator')}
        AND ${CHANGES_AFTER}
      ORDER BY m.seqno LIMIT q.lim) s
   ORDER BY q.i, s.seqno`;

/** The columns of SELECT_MESSAGE as a JSON object, bytes as hex (`rowFromJson` reads it). */
const MESSAGE_JSON = `json_build_object('id', x.id, 'user_id', x.user_id,
  'session_id', x.session_id, 'posted', x.posted, 'edited', x.edited, 'seqno', x.seqno,
  'seqno_data', x.seqno_data, 'seqno_reactions', x.seqno_reactions,
  'seqno_creation', x.seqno_creation, 'data', encode(x.data, 'hex'),
  'signature', encode(x.signature, 'hex'), 'filtered', x.filtered, 'whisper_to', x.whisper_to,
  'whisper_mods', x.whisper_mods)`;

/**
 * A JSON column for a statement over rooms `r` and the caller's overrides `o`: the news of the
 * room in each read of `reads` (a JSON set of i, token, after, lim, reaction_changes) that names
 * it and is behind the room's counter, as `[{i, moderator, rows}]`, for viewer `viewer` (user
 * id), who moderates every room if `globalModerator` and else where the override says so
 * (resolvePermissions's rule: rows read under another flag than the reader's are keyed apart and
 * not used); null when none. The arguments are SQL expressions.
 */
export const newsOfRoom = (viewer: string, reads: string, globalModerator: string) => `(
  SELECT json_agg(json_build_object('i', q.i, 'moderator', q.moderator, 'rows', (
           SELECT coalesce(json_agg(${MESSAGE_JSON} ORDER BY x.seqno), '[]'::json)
             FROM (${SELECT_MESSAGE}
                    WHERE m.room_id = r.id AND ${visibleTo(viewer, 'q.moderator')}
                      AND ${CHANGES_AFTER}
                    ORDER BY m.seqno LIMIT q.lim) x)))
    FROM (SELECT j.*, ${globalModerator} OR coalesce(o.moderator, false)
                   OR coalesce(o.admin, false) AS moderator
            FROM json_to_recordset(${reads})
                   AS j(i int, token text, after bigint, lim int, reaction_changes bool)) q
   WHERE q.token = lower(r.token) AND q.after < r.message_sequence)`;

/** A message row read back from MESSAGE_JSON. */
export function rowFromJson(
  row: Omit<MessageRow, 'data' | 'signature'> & {
    data: string | null;
    signature: string | null;
  },
): MessageRow {
  const bytes = (hex: string | null) => (hex === null ? null : Buffer.from(hex, 'hex'));
  return { ...row, data: bytes(row.data), signature: bytes(row.signature) };
}

/** One room's changes after a seqno, as one viewer (whose flag here is per room) may see them. */
export interface SinceRead {
  roomId: number;
  moderator: boolean;
  after: number;
  limit: number;
  withReactionChanges: boolean;
}

/** Identifies a SinceRead of one viewer (a request memo's key). */
export function sinceKey(r: SinceRead): string {
  return `${r.roomId}:${r.moderator}:${r.after}:${r.limit}:${r.withReactionChanges}`;
}

export interface NewMessage {
  roomId: number;
  userId: number;
  posted: number;
  seqno: number;
  data: Buffer;
  signature: Buffer;
  filtered: boolean;
  whisperTo: number | null;
  whisperMods: boolean;
}

/** The seqnos a deleted message takes: its deletion, then one per removed reaction. */
export interface Tombstone {
  id: number;
  seqnoData: number;
  seqnoReactions: number;
}

/** Queries on `messages` and `message_history`. */
@Injectable()
export class MessagesRepository {
  constructor(private readonly db: Database) {}

  /** The rows of each read, in the order given, for the viewer whose user id is `userId`. */
  async since(userId: number | null, reads: SinceRead[]): Promise<MessageRow[][]> {
    const set = reads.map((r, i) => ({
      i,
      room_id: r.roomId,
      viewer: userId,
      moderator: r.moderator,
      after: r.after,
      lim: r.limit,
      reaction_changes: r.withReactionChanges,
    }));
    // Each row keeps its read's position `i`: message objects are built from named fields.
    const rows = await this.db.query<MessageRow & { i: number }>(SINCE, [JSON.stringify(set)]);
    const out = reads.map((): MessageRow[] => []);
    for (const row of rows) out[row.i].push(row);
    return out;
  }

  /** The newest visible live messages, newest first, optionally only those before an id. */
  latest(
    roomId: number,
    viewer: Viewer,
    limit: number,
    beforeId: number | null,
  ): Promise<MessageRow[]> {
    return this.db.query<MessageRow>(
      `${SELECT_MESSAGE}
        WHERE m.room_id = $1 AND ${VISIBLE} AND m.data IS NOT NULL
          AND ($4::bigint IS NULL OR m.id < $4)
        ORDER BY m.id DESC LIMIT $5`,
      [roomId, viewer.userId, viewer.moderator, beforeId, limit],
    );
  }

  /** One live message the viewer may see, or null. */
  async visible(roomId: number, viewer: Viewer, id: number): Promise<MessageRow | null> {
    const rows = await this.db.query<MessageRow>(
      `${SELECT_MESSAGE} WHERE m.room_id = $1 AND ${VISIBLE} AND m.data IS NOT NULL AND m.id = $4`,
      [roomId, viewer.userId, viewer.moderator, id],
    );
    return rows[0] ?? null;
  }

  /** A message of the room in whatever state, regardless of who may see it. */
  async find(roomId: number, id: number, q: Queryable = this.db): Promise<MessageRow | null> {
    const rows = await q.query<MessageRow>(`${SELECT_MESSAGE} WHERE m.room_id = $1 AND m.id = $2`, [
      roomId,
      id,
    ]);
    return rows[0] ?? null;
  }

  async insert(tx: Queryable, m: NewMessage): Promise<MessageRow> {
    const [{ id }] = await tx.query<{ id: number }>(
      `INSERT INTO messages (room_id, user_id, posted, seqno_data, seqno_creation, data, signature,
         filtered, whisper_to, whisper_mods)
       VALUES ($1, $2, $3, $4, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        m.roomId,
        m.userId,
        m.posted,
        m.seqno,
        m.data,
        m.signature,
        m.filtered,
        m.whisperTo,
        m.whisperMods,
      ],
    );
    return (await this.find(m.roomId, id, tx))!;
  }

  /** Messages (of any kind) the user created in the room since `since`, for the rate limit. */
  async countPostedSince(tx: Queryable, roomId: number, userId: number, since: number) {
    const [{ n }] = await tx.query<{ n: number }>(
      'SELECT count(*) AS n FROM messages WHERE room_id = $1 AND user_id = $2 AND posted > $3',
      [roomId, userId, since],
    );
    return n;
  }

  /** An edit with new bytes: the old content goes to the history, the message to a new seqno. */
  async replaceContent(
    tx: Queryable,
    id: number,
    c: { data: Buffer; signature: Buffer; seqno: number; now: number },
  ): Promise<void> {
    await tx.query(
      `INSERT INTO message_history (message_id, replaced, data, signature)
       SELECT id, $2, data, signature FROM messages WHERE id = $1`,
      [id, c.now],
    );
    await tx.query(
      `UPDATE messages SET data = $2, signature = $3, seqno_data = $4, edited = $5 WHERE id = $1`,
      [id, c.data, c.signature, c.seqno, c.now],
    );
  }

  /** An edit with identical bytes changes nothing clients see, so it takes no seqno. */
  async replaceSignature(tx: Queryable, id: number, signature: Buffer): Promise<void> {
    await tx.query('UPDATE messages SET signature = $2 WHERE id = $1', [id, signature]);
  }

  async setReactionSeqno(tx: Queryable, id: number, seqno: number): Promise<void> {
    await tx.query('UPDATE messages SET seqno_reactions = $2 WHERE id = $1', [id, seqno]);
  }

  /** Ids of the room's live messages: those among `ids`, or all of one author's. */
  async liveIds(
    tx: Queryable,
    roomId: number,
    select: { ids: number[] } | { authorId: number },
  ): Promise<number[]> {
    const rows = await tx.query<{ id: number }>(
      `SELECT id FROM messages WHERE room_id = $1 AND data IS NOT NULL
         AND ($2::bigint[] IS NULL OR id = ANY($2)) AND ($3::bigint IS NULL OR user_id = $3)
       ORDER BY id`,
      [roomId, 'ids' in select ? select.ids : null, 'authorId' in select ? select.authorId : null],
    );
    return rows.map((r) => r.id);
  }

  /** Clears content (kept in the history) and stamps each message's deletion seqnos. */
  async tombstone(tx: Queryable, stones: Tombstone[], now: number): Promise<void> {
    const ids = stones.map((s) => s.id);
    await tx.query(
      `INSERT INTO message_history (message_id, replaced, data, signature)
       SELECT id, $2, data, signature FROM messages WHERE id = ANY($1::bigint[])`,
      [ids, now],
    );
    await tx.query(
      `UPDATE messages m SET data = NULL, signature = NULL, edited = $2,
         seqno_data = s.seqno_data, seqno_reactions = GREATEST(m.seqno_reactions, s.seqno_reactions)
       FROM unnest($1::bigint[], $3::bigint[], $4::bigint[]) AS s(id, seqno_data, seqno_reactions)
       WHERE m.id = s.id`,
      [ids, now, stones.map((s) => s.seqnoData), stones.map((s) => s.seqnoReactions)],
    );
  }
}
