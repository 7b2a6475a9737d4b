import { createInterface } from 'node:readline/promises';
import type { INestApplicationContext } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { ServerKeys } from '../config/server-keys';
import { Clock } from '../common/clock';
import { RoomsRepository } from '../rooms/rooms.repository';
import { joinUrl } from '../rooms/join-url';
import type { Room } from '../rooms/room';
import { UsersService } from '../users/users.service';
import { ModeratorsService } from '../moderation/moderators.service';
import { OverridesRepository, type PermissionName } from '../moderation/overrides.repository';
import { UsersRepository } from '../users/users.repository';
import { RoomStatsRepository } from './room-stats.repository';
import { CliUsageError, type CliCommand, type Perm, type PermChanges } from './cli-args';

const PERM_NAMES: Record<Perm, PermissionName> = {
  r: 'read',
  w: 'write',
  u: 'upload',
  a: 'accessible',
};

function permValues(c: PermChanges): Partial<Record<PermissionName, boolean | null>> {
  const out: Partial<Record<PermissionName, boolean | null>> = {};
  for (const p of c.add) out[PERM_NAMES[p]] = true;
  for (const p of c.remove) out[PERM_NAMES[p]] = false;
  for (const p of c.clear) out[PERM_NAMES[p]] = null;
  return out;
}

/** Executes operator commands with the same services the server uses. */
export class CliCommands {
  private readonly rooms: RoomsRepository;
  private readonly users: UsersService;
  private readonly moderators: ModeratorsService;
  private readonly overrides: OverridesRepository;
  private readonly config: AppConfig;
  private readonly keys: ServerKeys;

  constructor(
    private readonly ctx: INestApplicationContext,
    private readonly out: (line: string) => void,
  ) {
    this.rooms = ctx.get(RoomsRepository);
    this.users = ctx.get(UsersService);
    this.moderators = ctx.get(ModeratorsService);
    this.overrides = ctx.get(OverridesRepository);
    this.config = ctx.get<AppConfig>(APP_CONFIG);
    this.keys = ctx.get(ServerKeys);
  }

  async run(cmd: CliCommand): Promise<void> {
    switch (cmd.kind) {
      case 'initialize':
        return this.out(`database ready; public key ${this.keys.publicKeyHex}`);
      case 'add-room':
        return this.addRoom(cmd);
      case 'delete-room':
        return this.deleteRoom(cmd.token, cmd.yes);
      case 'update-room':
        return this.updateRooms(cmd);
      case 'perms':
        return this.setPerms(cmd);
      case 'add-moderators':
        return this.addModerators(cmd);
      case 'delete-moderators':
        return this.deleteModerators(cmd);
      case 'list-rooms':
        return this.listRooms(cmd.verbose);
      case 'list-global-mods':
        return this.listGlobalMods();
      case 'help':
      case 'version':
        return;
    }
  }

  private url(room: Room): string {
    return joinUrl(this.config.http.baseUrl, room.token, this.keys.publicKeyHex);
  }

  private async room(token: string): Promise<Room> {
    const room = await this.rooms.findByToken(token);
    if (!room) throw new CliUsageError(`no such room: ${token}`);
    return room;
  }

  /** `*` means every room; otherwise each named room, which must exist. */
  private async roomsNamed(tokens: string[]): Promise<Room[]> {
    if (tokens[0] === '*') return this.rooms.list();
    return Promise.all(tokens.map((t) => this.room(t)));
  }

  private async addRoom(cmd: Extract<CliCommand, { kind: 'add-room' }>): Promise<void> {
    if (cmd.perms.clear.length) throw new CliUsageError('--clear-perms applies to --users only');
    const values = permValues(cmd.perms) as Partial<Record<PermissionName, boolean>>;
    const now = this.ctx.get(Clock).now();
    const room = await this.rooms.create(
      { token: cmd.token, name: cmd.name, description: cmd.description, defaults: values },
      now,
    );
    if (!room) throw new CliUsageError(`a room with token ${cmd.token} already exists`);
    this.out(`Created room ${room.token} (${room.name})`);
    this.out(`Join URL: ${this.url(room)}`);
  }

  private async deleteRoom(token: string, yes: boolean): Promise<void> {
    const room = await this.room(token);
    if (!yes) {
      if (!process.stdin.isTTY)
        throw new CliUsageError('refusing to delete without confirmation: add --yes');
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      const answer = await rl.question(
        `Delete room ${room.token} and all its messages and files? [y/N] `,
      );
      rl.close();
      if (!/^y(es)?$/i.test(answer.trim())) return this.out('Not deleted.');
    }
    await this.rooms.delete(room.id);
    this.out(`Deleted room ${room.token}`);
  }

  private async updateRooms(cmd: Extract<CliCommand, { kind: 'update-room' }>): Promise<void> {
    for (const room of await this.roomsNamed(cmd.rooms)) {
      const description = cmd.description === undefined ? undefined : cmd.description || null;
      await this.rooms.updateInfo(room.id, { name: cmd.name, description });
      this.out(`Updated room ${room.token}`);
    }
  }

  private async setPerms(cmd: Extract<CliCommand, { kind: 'perms' }>): Promise<void> {
    const values = permValues(cmd.perms);
    const rooms = await this.roomsNamed(cmd.rooms);
    if (cmd.users.length === 0) {
      if (cmd.perms.clear.length) throw new CliUsageError('--clear-perms applies to --users only');
      for (const room of rooms) {
        await this.rooms.setDefaults(room.id, values as Partial<Record<PermissionName, boolean>>);
        this.out(`Updated default permissions of ${room.token}`);
      }
      return;
    }
    for (const id of cmd.users) {
      const user = await this.users.resolveTarget(id);
      for (const room of rooms) {
        await this.overrides.setPermissions(room.id, user.id, values);
        this.out(`Updated permissions of ${user.sessionId} in ${room.token}`);
      }
    }
  }

  private async addModerators(cmd: Extract<CliCommand, { kind: 'add-moderators' }>): Promise<void> {
    const global = cmd.rooms[0] === '+';
    const rooms = global ? [] : await this.roomsNamed(cmd.rooms);
    const role = { moderator: true, admin: cmd.admin, visible: cmd.visible ?? !global };
    const what = `${role.visible ? 'visible' : 'hidden'} ${cmd.admin ? 'admin' : 'moderator'}`;
    for (const id of cmd.ids) {
      const user = await this.users.resolveTarget(id);
      if (global) {
        await this.moderators.setGlobalRole(user, role);
        this.out(`Made ${user.sessionId} a global ${what}`);
      }
      for (const room of rooms) {
        await this.moderators.setRoomRole(room, user, role);
        this.out(`Made ${user.sessionId} a ${what} of ${room.token}`);
      }
    }
  }

  private async deleteModerators(
    cmd: Extract<CliCommand, { kind: 'delete-moderators' }>,
  ): Promise<void> {
    const global = cmd.rooms[0] === '+';
    const rooms = global ? [] : await this.roomsNamed(cmd.rooms);
    const none = { moderator: false, admin: false, visible: true };
    for (const id of cmd.ids) {
      for (const user of await this.users.matching(id)) {
        if (global) await this.moderators.setGlobalRole(user, { ...none, visible: false });
        for (const room of rooms) await this.moderators.setRoomRole(room, user, none);
        this.out(
          `Removed ${user.sessionId} as ${global ? 'global moderator' : `moderator of ${cmd.rooms.join(' ')}`}`,
        );
      }
    }
  }

  private async listRooms(verbose: boolean): Promise<void> {
    const rooms = await this.rooms.list();
    if (!rooms.length) return this.out('No rooms.');
    const stats = this.ctx.get(RoomStatsRepository);
    const now = this.ctx.get(Clock).now();
    for (const room of rooms) {
      const s = await stats.of(room.id, now);
      const mods = await this.overrides.moderatorsOf(room.id, this.keys.systemSessionId);
      const flag = (b: boolean, c: string) => (b ? c : '-');
      this.out(`${room.token}: ${room.name}`);
      if (room.description) this.out(`  description: ${room.description.replace(/\n/g, '\n    ')}`);
      this.out(`  URL: ${this.url(room)}`);
      this.out(
        `  messages: ${s.messages}; files: ${s.files} (${(s.fileBytes / 1e6).toFixed(1)} MB)`,
      );
      this.out(
        `  active users: ${s.active[0]} (1d), ${s.active[1]} (7d), ${s.active[2]} (14d), ${s.active[3]} (30d)`,
      );
      this.out(
        `  default permissions: ${flag(room.defaultRead, 'r')}${flag(room.defaultWrite, 'w')}` +
          `${flag(room.defaultUpload, 'u')}${flag(room.defaultAccessible, 'a')}`,
      );
      const admins = mods.filter((m) => m.admin);
      this.out(`  moderators: ${mods.length - admins.length}; admins: ${admins.length}`);
      if (verbose) {
        for (const m of mods)
          this.out(
            `    ${m.sessionId} ${m.admin ? 'admin' : 'moderator'}${m.visible ? '' : ' (hidden)'}`,
          );
      }
    }
  }

  private async listGlobalMods(): Promise<void> {
    const mods = await this.ctx.get(UsersRepository).globalModerators(this.keys.systemSessionId);
    if (!mods.length) return this.out('No global moderators.');
    for (const u of mods) {
      this.out(
        `${u.sessionId} ${u.admin ? 'admin' : 'moderator'}${u.visibleMod ? '' : ' (hidden)'}`,
      );
    }
  }
}
