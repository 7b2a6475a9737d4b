import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory';
import type { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/env.schema';
import { ServerKeys } from '../../src/config/server-keys';
import { Clock } from '../../src/common/clock';
import { sodiumReady } from '../../src/crypto/sodium';
import { createDataSource, poolOf } from '../../src/db/data-source';
import { Database } from '../../src/db/database';
import { RoomsRepository, type NewRoom } from '../../src/rooms/rooms.repository';
import type { Room } from '../../src/rooms/room';
import { UsersService } from '../../src/users/users.service';
import { ModeratorsService } from '../../src/moderation/moderators.service';
import {
  OverridesRepository,
  type PermissionName,
} from '../../src/moderation/overrides.repository';
import type { User } from '../../src/users/user';
import { type SessionIdentity } from './client-crypto';
import { ONION_AES, SogsClient } from './sogs-client';
import { createTestDatabase } from './test-database';

export interface TestAppOptions {
  /** Environment for loadConfig (TSOGS_DIRECT, TSOGS_REQUIRE_BLIND_KEYS, …). */
  env?: Record<string, string>;
  /** Server keys; random when absent. */
  keys?: ServerKeys;
  /** Reuse this database instead of a fresh clone (two servers over one database). */
  databaseUrl?: string;
}

/** The real app on Fastify, listening on a loopback port, over a fresh clone of the database. */
export class TestApp {
  private constructor(
    readonly app: NestFastifyApplication,
    readonly baseUrl: string,
    readonly keys: ServerKeys,
    readonly clock: Clock,
    readonly db: Database,
    readonly config: AppConfig,
    private readonly cleanup: () => Promise<void>,
  ) {}

  static async start(opts: TestAppOptions = {}): Promise<TestApp> {
    await sodiumReady();
    const testDb = opts.databaseUrl
      ? { url: opts.databaseUrl, drop: async () => undefined }
      : await createTestDatabase();
    const ds = createDataSource(testDb.url, 5);
    await ds.initialize();
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tsogs-test-'));
    const config = loadConfig({
      TSOGS_DATA_DIR: dataDir,
      ...opts.env,
      DATABASE_URL: testDb.url,
    });
    const keys = opts.keys ?? ServerKeys.fromPrivate(randomBytes(32));
    const clock = new Clock();
    const database = new Database(poolOf(ds));
    const app = await createApp({ config, keys, database, clock });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address() as { port: number };
    return new TestApp(
      app,
      `http://127.0.0.1:${address.port}`,
      keys,
      clock,
      database,
      config,
      async () => {
        await app.close();
        await database.close();
        await ds.destroy();
        await testDb.drop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    );
  }

  get databaseUrl(): string {
    return this.config.db.url!;
  }

  close(): Promise<void> {
    return this.cleanup();
  }

  /** A client signing as `identity` (anonymous when null). */
  client(identity: SessionIdentity | null = null): SogsClient {
    return new SogsClient(this.baseUrl, this.keys.publicKey, identity, {
      clock: () => this.clock.now(),
    });
  }

  givenRoom(token: string, extra: Partial<NewRoom> = {}): Promise<Room> {
    return this.app
      .get(RoomsRepository)
      .create(
        {
          token,
          name: extra.name ?? token,
          description: extra.description ?? null,
          defaults: extra.defaults,
        },
        this.clock.now(),
      )
      .then((r) => r!);
  }

  /** The server-side user of an identity (blinded unless `unblinded`). */
  userOf(identity: SessionIdentity, unblinded = false): Promise<User> {
    const id = unblinded ? identity.sessionId : identity.blindedId(this.keys.publicKey);
    return this.app.get(UsersService).resolveTarget(id);
  }

  async givenModerator(
    identity: SessionIdentity,
    where: Room | 'global',
    role: { admin?: boolean; visible?: boolean } = {},
  ): Promise<void> {
    const user = await this.userOf(identity);
    const mods = this.app.get(ModeratorsService);
    const change = {
      moderator: true,
      admin: role.admin ?? false,
      visible: role.visible ?? where !== 'global',
    };
    if (where === 'global') await mods.setGlobalRole(user, change);
    else await mods.setRoomRole(where, user, change);
  }

  async givenPermissions(
    identity: SessionIdentity,
    room: Room,
    perms: Partial<Record<PermissionName, boolean | null>>,
  ): Promise<void> {
    const user = await this.userOf(identity);
    await this.app.get(OverridesRepository).setPermissions(room.id, user.id, perms);
  }

  async givenBan(identity: SessionIdentity, where: Room | 'global'): Promise<void> {
    const user = await this.userOf(identity);
    if (where === 'global')
      await this.db.query('UPDATE users SET banned = true WHERE id = $1', [user.id]);
    else {
      await this.db.query(
        `INSERT INTO user_permission_overrides (room_id, user_id, banned) VALUES ($1, $2, true)
         ON CONFLICT (room_id, user_id) DO UPDATE SET banned = true, moderator = false, admin = false`,
        [where.id, user.id],
      );
    }
  }

  /**
   * A message posted by `identity` through the API (onion, so it works whatever TSOGS_DIRECT
   * says); returns the 201 message object. Signatures are never verified, so any 64 bytes do.
   */
  async givenMessage(
    identity: SessionIdentity,
    room: Room,
    data: Buffer | string = randomBytes(24),
    extra: Record<string, unknown> = {},
  ): Promise<Record<string, unknown> & { id: number; seqno: number }> {
    const r = await this.client(identity).post(`/room/${room.token}/message`, {
      json: {
        data: Buffer.from(data).toString('base64'),
        signature: randomBytes(64).toString('base64'),
        ...extra,
      },
      via: ONION_AES,
    });
    if (r.status !== 201) throw new Error(`givenMessage: ${r.status} ${r.text}`);
    return r.json();
  }

  /** An upload record of `identity` in the room (bytes are not needed to attach it). */
  async givenUpload(identity: SessionIdentity, room: Room, uploaded = this.clock.now()) {
    const user = await this.userOf(identity);
    const [{ id }] = await this.db.query<{ id: number }>(
      `INSERT INTO files (room_id, uploader_id, size, uploaded, expiry, storage_key)
       VALUES ($1, $2, 1, $3, $3::double precision + 3600, 'test') RETURNING id`,
      [room.id, user.id, uploaded],
    );
    return id;
  }

  /** The expiry of a file and the message it is attached to. */
  async fileState(id: number) {
    const [row] = await this.db.query<{ expiry: number | null; message_id: number | null }>(
      'SELECT expiry, message_id FROM files WHERE id = $1',
      [id],
    );
    return row;
  }
}
