import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '../db/database';
import { toUser, type User, type UserRow } from './user';

const USER_COLUMNS = 'id, session_id, created, last_active, banned, moderator, admin, visible_mod';

/** Queries on `users` and `needs_blinding`. */
@Injectable()
export class UsersRepository {
  constructor(private readonly db: Database) {}

  async findBySessionId(sessionId: string, q: Queryable = this.db): Promise<User | null> {
    const rows = await q.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE session_id = $1`, [
      sessionId,
    ]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findAnyOf(sessionIds: string[], q: Queryable = this.db): Promise<User | null> {
    const rows = await q.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users WHERE session_id = ANY($1) ORDER BY id LIMIT 1`,
      [sessionIds],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  /** Inserts the user unless it exists; returns the row either way. */
  async insertOrGet(sessionId: string, now: number, q: Queryable = this.db): Promise<User> {
    const rows = await q.query<UserRow>(
      `INSERT INTO users (session_id, created, last_active) VALUES ($1, $2, $2)
       ON CONFLICT (session_id) DO UPDATE SET session_id = EXCLUDED.session_id
       RETURNING ${USER_COLUMNS}`,
      [sessionId, now],
    );
    return toUser(rows[0]);
  }

  async touch(userId: number, now: number): Promise<void> {
    await this.db.queryAsyncCommit(
      'UPDATE users SET last_active = $2 WHERE id = $1 AND last_active < $2',
      [userId, now],
    );
  }

  /** The unblinded user waiting for the blinded ID whose `abs` form is given, locked. */
  async pendingBlinding(blindedAbs: string, q: Queryable): Promise<User | null> {
    const rows = await q.query<UserRow>(
      `SELECT ${USER_COLUMNS.split(', ')
        .map((c) => `u.${c}`)
        .join(', ')}
         FROM needs_blinding nb JOIN users u ON u.id = nb.user_id
        WHERE nb.blinded_abs = $1 FOR UPDATE OF nb`,
      [blindedAbs],
    );
    return rows[0] ? toUser(rows[0]) : null;
  }

  async addNeedsBlinding(
    blindedAbs: string,
    userId: number,
    q: Queryable = this.db,
  ): Promise<void> {
    await q.query(
      'INSERT INTO needs_blinding (blinded_abs, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [blindedAbs, userId],
    );
  }

  /**
   * Moves roles, bans, overrides and scheduled changes from an unblinded user to its newly seen
   * blinded user (auth.md §9 step 3). Returns the new user and whether moderator lists changed.
   */
  async migrateToBlinded(
    old: User,
    blindedId: string,
    blindedAbs: string,
    q: Queryable,
  ): Promise<{ user: User; globalRoleMoved: boolean; roomIdsWithRoles: number[] }> {
    const [row] = await q.query<UserRow>(
      `INSERT INTO users (session_id, created, last_active, banned, moderator, admin, visible_mod)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${USER_COLUMNS}`,
      [
        blindedId,
        old.created,
        old.lastActive,
        old.banned,
        old.moderator,
        old.admin,
        old.visibleMod,
      ],
    );
    await q.query(
      'UPDATE users SET banned = false, moderator = false, admin = false WHERE id = $1',
      [old.id],
    );
    const moved = await q.query<{ room_id: number; moderator: boolean }>(
      `UPDATE user_permission_overrides SET user_id = $2 WHERE user_id = $1
       RETURNING room_id, moderator`,
      [old.id, row.id],
    );
    await q.query('UPDATE user_permission_futures SET user_id = $2 WHERE user_id = $1', [
      old.id,
      row.id,
    ]);
    await q.query('UPDATE user_ban_futures SET user_id = $2 WHERE user_id = $1', [old.id, row.id]);
    await q.query('DELETE FROM needs_blinding WHERE blinded_abs = $1', [blindedAbs]);
    return {
      user: toUser(row),
      globalRoleMoved: old.moderator || old.admin,
      roomIdsWithRoles: moved.filter((m) => m.moderator).map((m) => m.room_id),
    };
  }

  /** Global moderators and admins, the system user excluded, sorted by ID. */
  async globalModerators(systemSessionId: string): Promise<User[]> {
    const rows = await this.db.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users WHERE moderator AND session_id <> $1 ORDER BY session_id`,
      [systemSessionId],
    );
    return rows.map(toUser);
  }

  /** Unblinded users holding roles, bans, overrides or scheduled changes (auth.md §9 step 4). */
  async unblindedWithStanding(): Promise<User[]> {
    const rows = await this.db.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users u
        WHERE u.session_id LIKE '05%'
          AND (u.banned OR u.moderator OR u.admin
               OR EXISTS (SELECT 1 FROM user_permission_overrides o WHERE o.user_id = u.id)
               OR EXISTS (SELECT 1 FROM user_permission_futures f WHERE f.user_id = u.id)
               OR EXISTS (SELECT 1 FROM user_ban_futures b WHERE b.user_id = u.id))`,
    );
    return rows.map(toUser);
  }
}
