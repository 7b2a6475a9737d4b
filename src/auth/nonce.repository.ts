import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';

/**
 * Request nonces, unique across all users and shared by every process on the database; the
 * UNIQUE key settles races.
 */
@Injectable()
export class NonceRepository {
  constructor(private readonly db: Database) {}

  /** Records the nonce; false when it was already recorded. */
  async record(nonce: Buffer, expiry: number): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO request_nonces (nonce, expiry) VALUES ($1, $2)
       ON CONFLICT (nonce) DO NOTHING RETURNING 1`,
      [nonce, expiry],
    );
    return rows.length === 1;
  }

  async seen(nonce: Buffer): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM request_nonces WHERE nonce = $1', [nonce]);
    return rows.length === 1;
  }
}
