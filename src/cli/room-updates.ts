import type { INestApplicationContext } from '@nestjs/common';
import { RoomsRepository } from '../rooms/rooms.repository';
import type { Room } from '../rooms/room';
import { UsersService } from '../users/users.service';
import { ModeratorsService, type RoleChange } from '../moderation/moderators.service';
import type { User } from '../users/user';
import { OverridesRepository } from '../moderation/overrides.repository';
import {
  ModerationLogRepository,
  type ModerationEntry,
} from '../moderation/moderation-log.repository';
import { Clock } from '../common/clock';
import { ServerKeys } from '../config/server-keys';
import { Database } from '../db/database';
import type { PermChanges, RoomUpdate } from './cli-args';
import { CliUsageError } from './cli-usage.error';
import { defaultValues, overrideValues } from './perm-values';

const NO_ROLE = { moderator: false, admin: false, visible: false };

/**
 * `--rooms …` with any mix of moderator, permission, description and name changes, applied in
 * PySOGS's order. The parser has already refused the invalid mixes, so nothing is half-applied
 * because of a bad flag (PySOGS applies the earlier changes before it notices). Role and
 * permission changes go to the moderation log as the server's system user, as the admin API's do.
 */
export class RoomUpdates {
  private readonly rooms: RoomsRepository;
  private readonly users: UsersService;
  private readonly moderators: ModeratorsService;

  constructor(
    private readonly ctx: INestApplicationContext,
    private readonly out: (line: string) => void,
  ) {
    this.rooms = ctx.get(RoomsRepository);
    this.users = ctx.get(UsersService);
    this.moderators = ctx.get(ModeratorsService);
  }

  async apply(cmd: RoomUpdate): Promise<void> {
    const global = cmd.rooms[0] === '+';
    const rooms = global ? [] : await this.select(cmd.rooms);
    for (const id of cmd.addModerators) await this.addModerator(id, cmd, global, rooms);
    for (const id of cmd.deleteModerators) await this.deleteModerator(id, global, rooms);
    if (cmd.perms) await this.setPerms(cmd.perms, cmd.users, rooms);
    if (cmd.description !== undefined) {
      for (const room of rooms) {
        await this.rooms.updateInfo(room.id, { description: cmd.description || null });
        this.out(`Updated ${room.token} description to:\n\n${cmd.description || '(none)'}\n`);
      }
    }
    if (cmd.name !== undefined) {
      for (const room of rooms) {
        await this.rooms.updateInfo(room.id, { name: cmd.name });
        this.out(`Changed ${room.token} name from '${room.name}' to '${cmd.name}'`);
      }
    }
  }

  /** `*` is every current room (there must be one); tokens must all name rooms. */
  private async select(tokens: string[]): Promise<Room[]> {
    if (tokens[0] === '*') {
      const all = await this.rooms.list();
      if (!all.length) throw new CliUsageError("--rooms '*': there are no rooms");
      return all;
    }
    const rooms: Room[] = [];
    for (const token of tokens) {
      const room = await this.rooms.findByToken(token);
      if (!room) throw new CliUsageError(`No such room: '${token}'`);
      rooms.push(room);
    }
    return rooms;
  }

  /** An audit record by the system user (the operator acting through the CLI). */
  private async record(entry: Omit<ModerationEntry, 'actorId'>): Promise<void> {
    const system = await this.users.find(this.ctx.get(ServerKeys).systemSessionId);
    await this.ctx
      .get(ModerationLogRepository)
      .record(this.ctx.get(Database), this.ctx.get(Clock).now(), {
        ...entry,
        actorId: system!.id,
      });
  }

  private async setGlobalRole(user: User, role: RoleChange): Promise<void> {
    await this.moderators.setGlobalRole(user, role);
    await this.record({
      action: 'global_role',
      roomId: null,
      targetUserId: user.id,
      details: { ...role },
    });
  }

  private async setRoomRole(room: Room, user: User, role: RoleChange): Promise<void> {
    await this.moderators.setRoomRole(room, user, role);
    await this.record({
      action: 'room_role',
      roomId: room.id,
      targetUserId: user.id,
      details: { ...role },
    });
  }

  /** Room roles are visible unless `--hidden`; global ones hidden unless `--visible`. */
  private async addModerator(id: string, cmd: RoomUpdate, global: boolean, rooms: Room[]) {
    const user = await this.users.resolveTarget(id);
    const role = { moderator: true, admin: cmd.admin, visible: cmd.visible ?? !global };
    const visibility = role.visible ? 'visible' : 'hidden';
    const title = cmd.admin ? 'admin' : 'moderator';
    if (global) {
      await this.setGlobalRole(user, role);
      this.out(`Added ${user.sessionId} as ${visibility} global ${title}`);
    }
    for (const room of rooms) {
      await this.setRoomRole(room, user, role);
      this.out(`Added ${user.sessionId} as ${visibility} ${title} of ${room.name} (${room.token})`);
    }
  }

  /** A `05` ID also loses the role of its blinded forms (model.md §15). */
  private async deleteModerator(id: string, global: boolean, rooms: Room[]) {
    const users = await this.users.matching(id);
    if (global) {
      const mods = users.filter((u) => u.moderator);
      if (!mods.length) this.out(`${id} was not a global moderator`);
      for (const user of mods) {
        await this.setGlobalRole(user, NO_ROLE);
        this.out(`Removed ${user.sessionId} as global ${user.admin ? 'admin' : 'moderator'}`);
      }
    }
    for (const room of rooms) {
      for (const user of users) await this.setRoomRole(room, user, NO_ROLE);
      this.out(`Removed ${id} as moderator/admin of ${room.name} (${room.token})`);
    }
  }

  private async setPerms(perms: PermChanges, userIds: string[], rooms: Room[]): Promise<void> {
    if (!userIds.length) {
      const defaults = defaultValues(perms);
      for (const room of rooms) {
        await this.rooms.setDefaults(room.id, defaults);
        for (const [name, on] of Object.entries(defaults)) {
          this.out(`${on ? 'Enabled' : 'Disabled'} default ${name} permission in ${room.token}`);
        }
      }
      return;
    }
    const overrides = this.ctx.get(OverridesRepository);
    const values = overrideValues(perms);
    for (const id of userIds) {
      const user = await this.users.resolveTarget(id);
      for (const room of rooms) {
        await overrides.setPermissions(room.id, user.id, values);
        await this.record({
          action: 'permissions',
          roomId: room.id,
          targetUserId: user.id,
          details: values,
        });
        this.out(`Updated room permissions for ${user.sessionId} in ${room.token}`);
      }
    }
  }
}
