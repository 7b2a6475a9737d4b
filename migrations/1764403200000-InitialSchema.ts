import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The whole SOGS data model (spec model.md §1). Times are unix seconds as double precision so
 * that values imported from PySOGS and returned on the wire round-trip exactly.
 */
export class InitialSchema1764403200000 implements MigrationInterface {
  name = 'InitialSchema1764403200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE users (
        id bigserial PRIMARY KEY,
        session_id text NOT NULL,
        created double precision NOT NULL,
        last_active double precision NOT NULL,
        banned boolean NOT NULL DEFAULT false,
        moderator boolean NOT NULL DEFAULT false,
        admin boolean NOT NULL DEFAULT false,
        visible_mod boolean NOT NULL DEFAULT false,
        CONSTRAINT users_session_id_key UNIQUE (session_id),
        CONSTRAINT users_session_id_format CHECK (session_id ~ '^[0-9a-f]{66}$'),
        CONSTRAINT users_admin_is_moderator CHECK (moderator OR NOT admin)
      )`);

    await q.query(`
      CREATE TABLE rooms (
        id bigserial PRIMARY KEY,
        token text NOT NULL,
        name text NOT NULL,
        description text,
        image_id bigint,
        created double precision NOT NULL,
        message_sequence bigint NOT NULL DEFAULT 0,
        info_updates bigint NOT NULL DEFAULT 0,
        active_users bigint NOT NULL DEFAULT 0,
        default_read boolean NOT NULL DEFAULT true,
        default_accessible boolean NOT NULL DEFAULT true,
        default_write boolean NOT NULL DEFAULT true,
        default_upload boolean NOT NULL DEFAULT true,
        CONSTRAINT rooms_token_format CHECK (token ~ '^[A-Za-z0-9_-]{1,64}$')
      )`);
    await q.query(`CREATE UNIQUE INDEX rooms_token_lower_key ON rooms (lower(token))`);

    await q.query(`
      CREATE TABLE messages (
        id bigserial PRIMARY KEY,
        room_id bigint NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
        user_id bigint NOT NULL REFERENCES users (id),
        posted double precision NOT NULL,
        edited double precision,
        seqno_data bigint NOT NULL,
        seqno_reactions bigint NOT NULL DEFAULT 0,
        seqno_creation bigint NOT NULL,
        seqno bigint GENERATED ALWAYS AS (GREATEST(seqno_data, seqno_reactions)) STORED,
        data bytea,
        signature bytea,
        filtered boolean NOT NULL DEFAULT false,
        whisper_to bigint REFERENCES users (id),
        whisper_mods boolean NOT NULL DEFAULT false
      )`);
    await q.query(`CREATE INDEX messages_room_seqno ON messages (room_id, seqno)`);
    await q.query(`CREATE INDEX messages_room_id ON messages (room_id, id)`);
    await q.query(`CREATE INDEX messages_room_user_posted ON messages (room_id, user_id, posted)`);

    await q.query(`
      CREATE TABLE message_history (
        id bigserial PRIMARY KEY,
        message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        replaced double precision NOT NULL,
        data bytea,
        signature bytea
      )`);
    await q.query(`CREATE INDEX message_history_message ON message_history (message_id)`);
    await q.query(`CREATE INDEX message_history_replaced ON message_history (replaced)`);

    await q.query(`
      CREATE TABLE pinned_messages (
        room_id bigint NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
        message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        pinned_by bigint NOT NULL REFERENCES users (id),
        pinned_at double precision NOT NULL,
        PRIMARY KEY (room_id, message_id)
      )`);

    await q.query(`
      CREATE TABLE files (
        id bigserial PRIMARY KEY,
        room_id bigint REFERENCES rooms (id) ON DELETE SET NULL,
        uploader_id bigint REFERENCES users (id),
        message_id bigint REFERENCES messages (id) ON DELETE SET NULL,
        size bigint NOT NULL,
        uploaded double precision NOT NULL,
        expiry double precision,
        filename text,
        storage_key text NOT NULL
      )`);
    await q.query(`CREATE INDEX files_room ON files (room_id)`);
    await q.query(`CREATE INDEX files_message ON files (message_id)`);
    await q.query(`CREATE INDEX files_expiry ON files (expiry)`);
    await q.query(`
      ALTER TABLE rooms ADD CONSTRAINT rooms_image_id_fkey
        FOREIGN KEY (image_id) REFERENCES files (id) ON DELETE SET NULL`);

    await q.query(`
      CREATE TABLE reactions (
        id bigserial PRIMARY KEY,
        message_id bigint NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
        reaction text NOT NULL,
        CONSTRAINT reactions_message_reaction_key UNIQUE (message_id, reaction)
      )`);
    await q.query(`
      CREATE TABLE user_reactions (
        reaction_id bigint NOT NULL REFERENCES reactions (id) ON DELETE CASCADE,
        user_id bigint NOT NULL REFERENCES users (id),
        at double precision NOT NULL,
        PRIMARY KEY (reaction_id, user_id)
      )`);
    await q.query(`CREATE INDEX user_reactions_at ON user_reactions (reaction_id, at)`);

    await q.query(`
      CREATE TABLE room_users (
        room_id bigint NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
        user_id bigint NOT NULL REFERENCES users (id),
        last_active double precision NOT NULL,
        PRIMARY KEY (room_id, user_id)
      )`);
    await q.query(`CREATE INDEX room_users_active ON room_users (room_id, last_active)`);

    await q.query(`
      CREATE TABLE user_permission_overrides (
        room_id bigint NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
        user_id bigint NOT NULL REFERENCES users (id),
        banned boolean NOT NULL DEFAULT false,
        read boolean,
        accessible boolean,
        write boolean,
        upload boolean,
        moderator boolean NOT NULL DEFAULT false,
        admin boolean NOT NULL DEFAULT false,
        visible_mod boolean NOT NULL DEFAULT true,
        PRIMARY KEY (room_id, user_id),
        CONSTRAINT overrides_admin_is_moderator CHECK (moderator OR NOT admin)
      )`);
    await q.query(`CREATE INDEX overrides_user ON user_permission_overrides (user_id)`);

    await q.query(`
      CREATE TABLE user_permission_futures (
        id bigserial PRIMARY KEY,
        room_id bigint NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
        user_id bigint NOT NULL REFERENCES users (id),
        at double precision NOT NULL,
        read boolean,
        write boolean,
        upload boolean
      )`);
    await q.query(`CREATE INDEX permission_futures_at ON user_permission_futures (at)`);

    await q.query(`
      CREATE TABLE user_ban_futures (
        id bigserial PRIMARY KEY,
        room_id bigint REFERENCES rooms (id) ON DELETE CASCADE,
        user_id bigint NOT NULL REFERENCES users (id),
        at double precision NOT NULL,
        banned boolean NOT NULL
      )`);
    await q.query(`CREATE INDEX ban_futures_at ON user_ban_futures (at)`);

    await q.query(`
      CREATE TABLE request_nonces (
        nonce bytea PRIMARY KEY,
        expiry double precision NOT NULL
      )`);
    await q.query(`CREATE INDEX request_nonces_expiry ON request_nonces (expiry)`);

    await q.query(`
      CREATE TABLE inbox (
        id bigserial PRIMARY KEY,
        recipient_id bigint NOT NULL REFERENCES users (id),
        sender_id bigint NOT NULL REFERENCES users (id),
        body bytea NOT NULL,
        posted_at double precision NOT NULL,
        expiry double precision NOT NULL
      )`);
    await q.query(`CREATE INDEX inbox_recipient ON inbox (recipient_id, id)`);
    await q.query(`CREATE INDEX inbox_sender ON inbox (sender_id, id)`);
    await q.query(`CREATE INDEX inbox_expiry ON inbox (expiry)`);

    await q.query(`
      CREATE TABLE needs_blinding (
        blinded_abs text PRIMARY KEY,
        user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE
      )`);

    await q.query(`
      CREATE TABLE moderation_log (
        id bigserial PRIMARY KEY,
        at double precision NOT NULL,
        actor_id bigint REFERENCES users (id),
        action text NOT NULL,
        room_id bigint REFERENCES rooms (id) ON DELETE SET NULL,
        target_user_id bigint REFERENCES users (id),
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await q.query(`CREATE INDEX moderation_log_at ON moderation_log (at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE rooms DROP CONSTRAINT rooms_image_id_fkey`);
    for (const table of [
      'moderation_log',
      'needs_blinding',
      'inbox',
      'request_nonces',
      'user_ban_futures',
      'user_permission_futures',
      'user_permission_overrides',
      'room_users',
      'user_reactions',
      'reactions',
      'files',
      'pinned_messages',
      'message_history',
      'messages',
      'rooms',
      'users',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
