import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tokens of the operator admin API (src/admin). Only the SHA-256 of each token is stored; the
 * token itself is shown once, by `tsogs admin-token create|rotate`.
 */
export class AdminTokens1795941086184 implements MigrationInterface {
  name = 'AdminTokens1795941086184';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE admin_tokens (
        id bigserial PRIMARY KEY,
        name text NOT NULL,
        token_hash bytea NOT NULL,
        created double precision NOT NULL,
        CONSTRAINT admin_tokens_name_key UNIQUE (name),
        CONSTRAINT admin_tokens_hash_length CHECK (octet_length(token_hash) = 32)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE admin_tokens`);
  }
}
