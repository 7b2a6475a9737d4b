import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';

/** An admin token as listed: never its hash. */
export interface AdminTokenInfo {
  name: string;
  created: number;
}

/** Queries on `admin_tokens`: names and SHA-256 hashes of the admin API's bearer tokens. */
@Injectable()
export class AdminTokensRepository {
  constructor(private readonly db: Database) {}

  /** Stores a new token's hash; false when the name is taken. */
  async create(name: string, hash: Buffer, now: number): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO admin_tokens (name, token_hash, created) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO NOTHING RETURNING id`,
      [name, hash, now],
    );
    return rows.length > 0;
  }

  /** Replaces the hash of the named token; false when there is no such token. */
  async replace(name: string, hash: Buffer, now: number): Promise<boolean> {
    const rows = await this.db.query(
      'UPDATE admin_tokens SET token_hash = $2, created = $3 WHERE name = $1 RETURNING id',
      [name, hash, now],
    );
    return rows.length > 0;
  }

  async delete(name: string): Promise<boolean> {
    const rows = await this.db.query('DELETE FROM admin_tokens WHERE name = $1 RETURNING id', [
      name,
    ]);
    return rows.length > 0;
  }

  async list(): Promise<AdminTokenInfo[]> {
    return this.db.query<AdminTokenInfo>('SELECT name, created FROM admin_tokens ORDER BY name');
  }

  /** Every stored hash with its token's name (a handful of rows). */
  async hashes(): Promise<{ name: string; token_hash: Buffer }[]> {
    return this.db.query('SELECT name, token_hash FROM admin_tokens');
  }
}
