import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';
import { toUser, type User, type UserRow } from '../users/user';

/**
 * Request nonces, unique across all users and shared by every process on the database; the
 * UNIQUE key settles races.
 */
@Injectable()
export class NonceRepository {
  constructor(private readonly db: Database) {}

  /**
   * Records the nonce (`fresh` is false when it was already recorded) and, in the same round
   * trip, reads the user the request claims to be (null when unknown).
   */
  async recordFor(
    sessionId: string,
    nonce: Buffer,
    expiry: number,
  ): Promise<{ fresh: boolean; user: User | null }> {
    const [row] = await this.db.query<{ fresh: boolean } & Partial<UserRow>>(
      `WITH n AS (INSERT INTO request_nonces (nonce, expiry) VALUES ($2, $3)
                  ON CONFLICT (nonce) DO NOTHING RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM n) AS fresh, u.id, u.session_id, u.created, u.last_active,
              u.banned, u.moderator, u.admin, u.visible_mod
         FROM (SELECT 1) one LEFT JOIN users u ON u.session_id = $1`,
      [sessionId, nonce, expiry],
    );
    return { fresh: row.fresh, user: row.id == null ? null : toUser(row as UserRow) };
  }

  async seen(nonce: Buffer): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM request_nonces WHERE nonce = $1', [nonce]);
    return rows.length === 1;
  }
}
