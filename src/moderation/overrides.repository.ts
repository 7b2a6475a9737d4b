import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '../db/database';
import type { Override } from './room-permissions';

interface OverrideRow {
  banned: boolean;
  read: boolean | null;
  accessible: boolean | null;
  write: boolean | null;
  upload: boolean | null;
  moderator: boolean;
  admin: boolean;
  visible_mod: boolean;
}

export type PermissionName = 'read' | 'accessible' | 'write' | 'upload';

/** A listed moderator of a room, global or room-level (model.md §5). */
export interface RoomModerator {
  sessionId: string;
  admin: boolean;
  visible: boolean;
}

/** Queries on `user_permission_overrides`: per-room permissions, bans and roles. */
@Injectable()
export class OverridesRepository {
  constructor(private readonly db: Database) {}

  async find(roomId: number, userId: number, q: Queryable = this.db): Promise<Override | null> {
    const rows = await q.query<OverrideRow>(
      `SELECT banned, read, accessible, write, upload, moderator, admin, visible_mod
         FROM user_permission_overrides WHERE room_id = $1 AND user_id = $2`,
      [roomId, userId],
    );
    const r = rows[0];
    return r ? { ...r, visibleMod: r.visible_mod } : null;
  }

  /** Every user's override in a room, keyed by Session ID. */
  async listForRoom(roomId: number): Promise<Map<string, Override>> {
    const rows = await this.db.query<OverrideRow & { session_id: string }>(
      `SELECT u.session_id, o.banned, o.read, o.accessible, o.write, o.upload, o.moderator, o.admin,
              o.visible_mod
         FROM user_permission_overrides o JOIN users u ON u.id = o.user_id
        WHERE o.room_id = $1 ORDER BY u.session_id`,
      [roomId],
    );
    return new Map(rows.map((r) => [r.session_id, { ...r, visibleMod: r.visible_mod }]));
  }

  /** Overrides of one user in several rooms, keyed by room id. */
  async findForUser(userId: number): Promise<Map<number, Override>> {
    const rows = await this.db.query<OverrideRow & { room_id: number }>(
      `SELECT room_id, banned, read, accessible, write, upload, moderator, admin, visible_mod
         FROM user_permission_overrides WHERE user_id = $1`,
      [userId],
    );
    return new Map(rows.map((r) => [r.room_id, { ...r, visibleMod: r.visible_mod }]));
  }

  /**
   * Sets (true/false) or clears (null) permission overrides; keys absent are left alone. A row
   * left with nothing set is deleted.
   */
  async setPermissions(
    roomId: number,
    userId: number,
    perms: Partial<Record<PermissionName, boolean | null>>,
    q: Queryable = this.db,
  ): Promise<void> {
    const has = (p: PermissionName) => p in perms;
    await q.query(
      `INSERT INTO user_permission_overrides (room_id, user_id, read, accessible, write, upload)
       VALUES ($1, $2, $4, $6, $8, $10)
       ON CONFLICT (room_id, user_id) DO UPDATE SET
         read = CASE WHEN $3 THEN $4 ELSE user_permission_overrides.read END,
         accessible = CASE WHEN $5 THEN $6 ELSE user_permission_overrides.accessible END,
         write = CASE WHEN $7 THEN $8 ELSE user_permission_overrides.write END,
         upload = CASE WHEN $9 THEN $10 ELSE user_permission_overrides.upload END`,
      [
        roomId,
        userId,
        has('read'),
        perms.read ?? null,
        has('accessible'),
        perms.accessible ?? null,
        has('write'),
        perms.write ?? null,
        has('upload'),
        perms.upload ?? null,
      ],
    );
    await this.deleteIfEmpty(roomId, userId, q);
  }

  /**
   * Grants or removes a room role. Returns true when the moderator list of the room changed
   * (a role added or removed; visibility alone does not count, as in the reference).
   */
  async setRole(
    roomId: number,
    userId: number,
    role: { moderator: boolean; admin: boolean; visible: boolean },
    q: Queryable,
  ): Promise<boolean> {
    await this.lockRow(roomId, userId, q);
    const before = await this.find(roomId, userId, q);
    await q.query(
      `INSERT INTO user_permission_overrides (room_id, user_id, moderator, admin, visible_mod)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (room_id, user_id) DO UPDATE
         SET moderator = $3, admin = $4, visible_mod = $5`,
      [roomId, userId, role.moderator, role.admin, role.moderator ? role.visible : true],
    );
    await this.deleteIfEmpty(roomId, userId, q);
    return (
      (before?.moderator ?? false) !== role.moderator || (before?.admin ?? false) !== role.admin
    );
  }

  /**
   * Bans in a room, stripping any room role; true when a role was removed (the room's
   * moderator list changed). The banned user's room activity goes too (model.md §6).
   */
  async ban(roomId: number, userId: number, q: Queryable): Promise<boolean> {
    await this.lockRow(roomId, userId, q);
    const before = await this.find(roomId, userId, q);
    await q.query(
      `INSERT INTO user_permission_overrides (room_id, user_id, banned) VALUES ($1, $2, true)
       ON CONFLICT (room_id, user_id) DO UPDATE
         SET banned = true, moderator = false, admin = false, visible_mod = true`,
      [roomId, userId],
    );
    await q.query('DELETE FROM room_users WHERE room_id = $1 AND user_id = $2', [roomId, userId]);
    return before?.moderator ?? false;
  }

  async unban(roomId: number, userId: number, q: Queryable): Promise<void> {
    await q.query(
      'UPDATE user_permission_overrides SET banned = false WHERE room_id = $1 AND user_id = $2',
      [roomId, userId],
    );
    await this.deleteIfEmpty(roomId, userId, q);
  }

  /** Moderators and admins listed for a room, global ones included, sorted by ID. */
  async moderatorsOf(roomId: number, systemSessionId: string): Promise<RoomModerator[]> {
    const rows = await this.db.query<{ session_id: string; admin: boolean; visible: boolean }>(
      `SELECT u.session_id,
              (u.admin OR COALESCE(o.admin, false)) AS admin,
              CASE WHEN o.moderator THEN o.visible_mod ELSE u.visible_mod END AS visible
         FROM (SELECT id FROM users WHERE moderator
               UNION SELECT user_id FROM user_permission_overrides
                      WHERE room_id = $1 AND moderator) m
         JOIN users u ON u.id = m.id
         LEFT JOIN user_permission_overrides o ON o.room_id = $1 AND o.user_id = u.id
        WHERE u.session_id <> $2
        ORDER BY u.session_id`,
      [roomId, systemSessionId],
    );
    return rows.map((r) => ({ sessionId: r.session_id, admin: r.admin, visible: r.visible }));
  }

  /**
   * Serialises read-then-write changes of one (room, user) row until the transaction ends, so
   * that concurrent role changes each see the other's result ("changed ⇒ counter changes").
   */
  private async lockRow(roomId: number, userId: number, q: Queryable): Promise<void> {
    await q.query('SELECT pg_advisory_xact_lock($1::int, $2::int)', [
      roomId % 2 ** 31,
      userId % 2 ** 31,
    ]);
  }

  /** Deletes the user's row in the room when it no longer sets anything. */
  async deleteIfEmpty(roomId: number, userId: number, q: Queryable): Promise<void> {
    await q.query(
      `DELETE FROM user_permission_overrides
        WHERE room_id = $1 AND user_id = $2 AND NOT banned AND NOT moderator AND NOT admin
          AND read IS NULL AND accessible IS NULL AND write IS NULL AND upload IS NULL`,
      [roomId, userId],
    );
  }
}
