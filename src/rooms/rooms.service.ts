import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { ServerKeys } from '../config/server-keys';
import { Clock } from '../common/clock';
import { OverridesRepository } from '../moderation/overrides.repository';
import { RoomPermissionsService } from '../moderation/room-permissions.service';
import { resolvePermissions, type RoomPermissions } from '../moderation/room-permissions';
import type { User } from '../users/user';
import { ActivityRepository } from './activity.repository';
import { PinsRepository } from './pins.repository';
import type { Room } from './room';
import { permissionFlags, toRoomInfo } from './room-info.mapper';
import { RoomsRepository } from './rooms.repository';
import type { RoomUpdate } from './room-update';
import { FilesRepository } from '../files/files.repository';
import { Database } from '../db/database';
import { SogsError } from '../common/sogs-error';
import { ModerationLogRepository } from '../moderation/moderation-log.repository';
import { RoomSequenceRepository } from '../messages/room-sequence.repository';

/** Room details, listings and pollInfo, as each caller may see them. */
@Injectable()
export class RoomsService {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly overrides: OverridesRepository,
    private readonly permissions: RoomPermissionsService,
    private readonly pins: PinsRepository,
    private readonly activity: ActivityRepository,
    private readonly files: FilesRepository,
    private readonly db: Database,
    private readonly log: ModerationLogRepository,
    private readonly sequence: RoomSequenceRepository,
    private readonly keys: ServerKeys,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async info(room: Room, user: User | null, perms?: RoomPermissions) {
    const [p, mods, pins] = await Promise.all([
      perms ?? this.permissions.of(room, user),
      this.overrides.moderatorsOf(room.id, this.keys.systemSessionId),
      this.pins.ofRoom(room.id),
    ]);
    return toRoomInfo(room, p, mods, pins, this.config.rooms.activeThreshold);
  }

  /** Every room the caller may access (moderators always see their rooms), sorted by token. */
  async list(user: User | null) {
    const [rooms, overrides] = await Promise.all([
      this.rooms.list(),
      user ? this.overrides.findForUser(user.id) : new Map(),
    ]);
    const visible = rooms
      .map((room) => ({
        room,
        perms: resolvePermissions(room, user, overrides.get(room.id) ?? null),
      }))
      .filter(({ perms }) => perms.accessible);
    return Promise.all(visible.map(({ room, perms }) => this.info(room, user, perms)));
  }

  /**
   * Applies a validated room update all-or-nothing; a new image must be a live upload of this
   * room (406 otherwise), never expires, and the image it replaces expires now.
   */
  async update(room: Room, admin: User, update: RoomUpdate): Promise<{ info_updates: number }> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      // Room lock first, in the same order as every other writer of the room.
      await this.sequence.lock(tx, room.id);
      if (update.name !== undefined || update.description !== undefined) {
        await this.rooms.updateInfo(
          room.id,
          { name: update.name, description: update.description },
          tx,
        );
      }
      if (update.image !== undefined) {
        if (!(await this.files.findLive(room.id, update.image, now, tx))) {
          throw new SogsError(406, 'NO_SUCH_FILE', `No such file: ${update.image}`);
        }
        await this.files.setRoomImage(room.id, update.image, now, tx);
        await this.rooms.setImage(room.id, update.image, tx);
      }
      await this.log.record(tx, now, {
        actorId: admin.id,
        action: 'room_update',
        roomId: room.id,
        targetUserId: null,
        details: {
          fields: Object.keys(update).filter((k) => k !== 'defaults'),
          defaults: update.defaults,
        },
      });
      if (Object.keys(update.defaults).length)
        await this.rooms.setDefaults(room.id, update.defaults, tx);
      return { info_updates: await this.rooms.infoUpdates(room.id, tx) };
    });
  }

  /** pollInfo: the caller's flags, plus full details when its `info_updates` is stale. */
  async pollInfo(room: Room, user: User | null, perms: RoomPermissions, knownInfoUpdates: number) {
    if (user) await this.activity.record(room.id, user.id, this.clock.now());
    const out: Record<string, unknown> = {
      token: room.token,
      active_users: room.activeUsers,
      ...permissionFlags(room, perms),
    };
    if (room.infoUpdates !== knownInfoUpdates) out.details = await this.info(room, user, perms);
    return out;
  }
}
