import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '../db/database';
import { OverridesRepository } from './overrides.repository';

export type FuturePermission = 'read' | 'write' | 'upload';

/** A scheduled change as the API shows it (api.md §5 futurePermissions). */
export interface FutureRow {
  session_id: string;
  at: number;
  read: boolean | null;
  write: boolean | null;
  upload: boolean | null;
  banned: boolean | null;
}

/** Scheduled permission changes and scheduled (un)bans, and applying the due ones. */
@Injectable()
export class FuturesRepository {
  constructor(
    private readonly db: Database,
    private readonly overrides: OverridesRepository,
  ) {}

  async schedule(
    roomId: number,
    userId: number,
    at: number,
    change: Partial<Record<FuturePermission, boolean>>,
  ): Promise<void> {
    await this.db.query(
      `INSERT INTO user_permission_futures (room_id, user_id, at, read, write, upload)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [roomId, userId, at, change.read ?? null, change.write ?? null, change.upload ?? null],
    );
  }

  /**
   * Forgets scheduled changes of the given permissions: a change stops setting them, and a
   * change left setting nothing goes.
   */
  async unschedule(
    roomId: number,
    userId: number,
    perms: FuturePermission[],
    q: Queryable,
  ): Promise<void> {
    if (!perms.length) return;
    await q.query(
      `UPDATE user_permission_futures SET
         read = CASE WHEN 'read' = ANY($3) THEN NULL ELSE read END,
         write = CASE WHEN 'write' = ANY($3) THEN NULL ELSE write END,
         upload = CASE WHEN 'upload' = ANY($3) THEN NULL ELSE upload END
       WHERE room_id = $1 AND user_id = $2`,
      [roomId, userId, perms],
    );
    await q.query(
      `DELETE FROM user_permission_futures WHERE room_id = $1 AND user_id = $2
         AND read IS NULL AND write IS NULL AND upload IS NULL`,
      [roomId, userId],
    );
  }

  /** Scheduled permission changes and unbans in a room (of one user, when given), by time. */
  async list(roomId: number, userId?: number): Promise<FutureRow[]> {
    return this.db.query<FutureRow>(
      `SELECT u.session_id, f.at, f.read, f.write, f.upload, f.banned FROM (
         SELECT user_id, at, read, write, upload, NULL::boolean AS banned
           FROM user_permission_futures WHERE room_id = $1
         UNION ALL
         SELECT user_id, at, NULL, NULL, NULL, banned FROM user_ban_futures WHERE room_id = $1
       ) f JOIN users u ON u.id = f.user_id
       WHERE $2::bigint IS NULL OR f.user_id = $2
       ORDER BY f.at, u.session_id`,
      [roomId, userId ?? null],
    );
  }

  /**
   * Applies due permission changes in order of time (model.md §6): a value equal to the room
   * default clears the override instead; then due ban changes. Applied entries are deleted.
   */
  async applyDue(q: Queryable, now: number): Promise<void> {
    const due = await q.query<{
      id: number;
      room_id: number;
      user_id: number;
      at: number;
      read: boolean | null;
      write: boolean | null;
      upload: boolean | null;
    }>(
      `DELETE FROM user_permission_futures WHERE at <= $1
       RETURNING id, room_id, user_id, read, write, upload, at`,
      [now],
    );
    due.sort((a, b) => a.at - b.at || a.id - b.id);
    for (const f of due) {
      await q.query(
        `INSERT INTO user_permission_overrides (room_id, user_id) VALUES ($1, $2)
         ON CONFLICT (room_id, user_id) DO NOTHING`,
        [f.room_id, f.user_id],
      );
      await q.query(
        `UPDATE user_permission_overrides o SET
           read = CASE WHEN $3::boolean IS NULL THEN o.read
                       WHEN $3 = r.default_read THEN NULL ELSE $3 END,
           write = CASE WHEN $4::boolean IS NULL THEN o.write
                        WHEN $4 = r.default_write THEN NULL ELSE $4 END,
           upload = CASE WHEN $5::boolean IS NULL THEN o.upload
                         WHEN $5 = r.default_upload THEN NULL ELSE $5 END
          FROM rooms r WHERE r.id = o.room_id AND o.room_id = $1 AND o.user_id = $2`,
        [f.room_id, f.user_id, f.read, f.write, f.upload],
      );
      await this.overrides.deleteIfEmpty(f.room_id, f.user_id, q);
    }
    const bans = await q.query<{ room_id: number | null; user_id: number; banned: boolean }>(
      'DELETE FROM user_ban_futures WHERE at <= $1 RETURNING room_id, user_id, banned, at',
      [now],
    );
    for (const b of bans) {
      if (b.room_id === null) {
        await q.query('UPDATE users SET banned = $2 WHERE id = $1', [b.user_id, b.banned]);
      } else if (b.banned) {
        await this.overrides.ban(b.room_id, b.user_id, q);
      } else {
        await this.overrides.unban(b.room_id, b.user_id, q);
      }
    }
  }
}
