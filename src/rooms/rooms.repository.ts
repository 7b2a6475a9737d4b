import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '../db/database';
import { ROOM_TOKEN, toRoom, type Room, type RoomRow } from './room';
import type { Override } from '../moderation/room-permissions';
import type { RoomForCaller } from '../common/request-memo';

const ROOM_COLUMNS = `id, token, name, description, image_id, created, message_sequence, info_updates,
  active_users, default_read, default_accessible, default_write, default_upload`;

/**
 * Rooms `r` with the override row `o` of the caller (user id `viewer`, an SQL expression), and
 * any `extra` columns over both.
 */
export const roomsForCaller = (extra = '', viewer = '$2') => `SELECT ${ROOM_COLUMNS.split(',')
  .map((c) => `r.${c.trim()}`)
  .join(', ')},
       o.user_id IS NOT NULL AS o_exists, o.banned AS o_banned, o.read AS o_read,
       o.accessible AS o_accessible, o.write AS o_write, o.upload AS o_upload,
       o.moderator AS o_moderator, o.admin AS o_admin, o.visible_mod AS o_visible_mod${extra}
  FROM rooms r
  LEFT JOIN user_permission_overrides o ON o.room_id = r.id AND o.user_id = ${viewer}`;
/** A room with the caller's override row; built once, as it runs for every room request. */
export const ROOMS_FOR_CALLER = roomsForCaller();
const FIND_FOR_CALLER = `${ROOMS_FOR_CALLER} WHERE lower(r.token) = lower($1)`;

export interface CallerOverrideRow {
  o_exists: boolean;
  o_banned: boolean;
  o_read: boolean | null;
  o_accessible: boolean | null;
  o_write: boolean | null;
  o_upload: boolean | null;
  o_moderator: boolean;
  o_admin: boolean;
  o_visible_mod: boolean;
}

export interface NewRoom {
  token: string;
  name: string;
  description: string | null;
  defaults?: Partial<Record<'read' | 'accessible' | 'write' | 'upload', boolean>>;
}

export function toRoomForCaller(row: RoomRow & CallerOverrideRow): NonNullable<RoomForCaller> {
  const override: Override | null = row.o_exists
    ? {
        banned: row.o_banned,
        read: row.o_read,
        accessible: row.o_accessible,
        write: row.o_write,
        upload: row.o_upload,
        moderator: row.o_moderator,
        admin: row.o_admin,
        visibleMod: row.o_visible_mod,
      }
    : null;
  return { room: toRoom(row), override };
}

/** Queries on `rooms`. Tokens match case-insensitively and keep the case they were created in. */
@Injectable()
export class RoomsRepository {
  constructor(private readonly db: Database) {}

  /** Null at once for a string that cannot be a token (PostgreSQL refuses a NUL, say). */
  async findByToken(token: string, q: Queryable = this.db): Promise<Room | null> {
    if (!ROOM_TOKEN.test(token)) return null;
    const rows = await q.query<RoomRow>(
      `SELECT ${ROOM_COLUMNS} FROM rooms WHERE lower(token) = lower($1)`,
      [token],
    );
    return rows[0] ? toRoom(rows[0]) : null;
  }

  /**
   * The room and the caller's override row in it, in one round trip: what every room route
   * needs before it runs. The override is null for anonymous callers and users without one.
   */
  async findForCaller(token: string, userId: number | null): Promise<RoomForCaller> {
    const [row] = await this.db.query<RoomRow & CallerOverrideRow>(FIND_FOR_CALLER, [
      token,
      userId,
    ]);
    return row ? toRoomForCaller(row) : null;
  }

  async list(): Promise<Room[]> {
    const rows = await this.db.query<RoomRow>(
      `SELECT ${ROOM_COLUMNS} FROM rooms ORDER BY lower(token)`,
    );
    return rows.map(toRoom);
  }

  /** Creates a room; null when the token is taken (in any case). */
  async create(room: NewRoom, now: number): Promise<Room | null> {
    const d = room.defaults ?? {};
    const rows = await this.db.query<RoomRow>(
      `INSERT INTO rooms (token, name, description, created,
         default_read, default_accessible, default_write, default_upload)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT ((lower(token))) DO NOTHING
       RETURNING ${ROOM_COLUMNS}`,
      [
        room.token,
        room.name,
        room.description,
        now,
        d.read ?? true,
        d.accessible ?? true,
        d.write ?? true,
        d.upload ?? true,
      ],
    );
    return rows[0] ? toRoom(rows[0]) : null;
  }

  async delete(roomId: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE files SET expiry = 0 WHERE room_id = $1', [roomId]);
      await tx.query('DELETE FROM rooms WHERE id = $1', [roomId]);
    });
  }

  /** Sets name and/or description, raising info_updates once per field that changes. */
  async updateInfo(
    roomId: number,
    changes: { name?: string; description?: string | null },
    q: Queryable = this.db,
  ): Promise<number> {
    const rows = await q.query<{ info_updates: number }>(
      `UPDATE rooms SET
         info_updates = info_updates
           + (CASE WHEN $2::boolean AND name IS DISTINCT FROM $3 THEN 1 ELSE 0 END)
           + (CASE WHEN $4::boolean AND description IS DISTINCT FROM $5 THEN 1 ELSE 0 END),
         name = CASE WHEN $2::boolean THEN $3 ELSE name END,
         description = CASE WHEN $4::boolean THEN $5 ELSE description END
       WHERE id = $1 RETURNING info_updates`,
      [
        roomId,
        changes.name !== undefined,
        changes.name ?? null,
        changes.description !== undefined,
        changes.description ?? null,
      ],
    );
    return rows[0].info_updates;
  }

  async setDefaults(
    roomId: number,
    defaults: Partial<Record<'read' | 'accessible' | 'write' | 'upload', boolean>>,
    q: Queryable = this.db,
  ): Promise<void> {
    await q.query(
      `UPDATE rooms SET default_read = COALESCE($2, default_read),
         default_accessible = COALESCE($3, default_accessible),
         default_write = COALESCE($4, default_write),
         default_upload = COALESCE($5, default_upload)
       WHERE id = $1`,
      [
        roomId,
        defaults.read ?? null,
        defaults.accessible ?? null,
        defaults.write ?? null,
        defaults.upload ?? null,
      ],
    );
  }

  /** Sets the room image, raising info_updates when it changes. */
  async setImage(roomId: number, fileId: number, q: Queryable): Promise<void> {
    await q.query(
      `UPDATE rooms SET image_id = $2, info_updates = info_updates + 1
        WHERE id = $1 AND image_id IS DISTINCT FROM $2`,
      [roomId, fileId],
    );
  }

  async infoUpdates(roomId: number, q: Queryable = this.db): Promise<number> {
    const [row] = await q.query<{ info_updates: number }>(
      'SELECT info_updates FROM rooms WHERE id = $1',
      [roomId],
    );
    return row.info_updates;
  }

  /**
   * Statements that update several rooms lock them in id order first: two of them running at
   * once (a global role change, a multi-room ban, the periodic job) would otherwise deadlock,
   * each holding a room the other wants.
   */
  async bumpInfoUpdates(roomIds: number[], q: Queryable = this.db): Promise<void> {
    await q.query(
      `UPDATE rooms SET info_updates = info_updates + 1
        WHERE id IN (SELECT id FROM rooms WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE)`,
      [roomIds],
    );
  }

  async bumpInfoUpdatesEverywhere(q: Queryable = this.db): Promise<void> {
    await q.query(
      `UPDATE rooms SET info_updates = info_updates + 1
        WHERE id IN (SELECT id FROM rooms ORDER BY id FOR NO KEY UPDATE)`,
    );
  }
}
