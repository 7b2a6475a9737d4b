import type { INestApplicationContext } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { ServerKeys } from '../config/server-keys';
import { Clock } from '../common/clock';
import { RoomsRepository } from '../rooms/rooms.repository';
import { joinUrl } from '../rooms/join-url';
import type { Room } from '../rooms/room';
import { UsersRepository } from '../users/users.repository';
import type { CliCommand } from './cli-args';
import { CliUsageError } from './cli-usage.error';
import { defaultValues } from './perm-values';
import { roomReport } from './room-report';
import { RoomStatsRepository } from './room-stats.repository';
import { RoomUpdates } from './room-updates';

/** Asks a question on the terminal; null when standard input ends without an answer. */
export type Ask = (question: string) => Promise<string | null>;

/** Executes operator commands with the same services the server uses. */
export class CliCommands {
  private readonly rooms: RoomsRepository;
  private readonly config: AppConfig;
  private readonly keys: ServerKeys;

  constructor(
    private readonly ctx: INestApplicationContext,
    private readonly out: (line: string) => void,
    private readonly ask: Ask,
  ) {
    this.rooms = ctx.get(RoomsRepository);
    this.config = ctx.get<AppConfig>(APP_CONFIG);
    this.keys = ctx.get(ServerKeys);
  }

  /** Runs the command; resolves to the exit status. */
  async run(cmd: CliCommand): Promise<number> {
    switch (cmd.kind) {
      case 'add-room':
        await this.addRoom(cmd);
        break;
      case 'delete-room':
        return this.deleteRoom(cmd);
      case 'update-rooms':
        await new RoomUpdates(this.ctx, this.out).apply(cmd);
        break;
      case 'list-rooms':
        await this.listRooms(cmd.verbose);
        break;
      case 'list-global-mods':
        await this.listGlobalMods();
        break;
    }
    return 0;
  }

  private async report(room: Room, verbose: boolean): Promise<void> {
    const stats = this.ctx.get(RoomStatsRepository);
    const url = joinUrl(this.config.http.baseUrl, room.token, this.keys.publicKeyHex);
    const [s, mods] = await Promise.all([
      stats.of(room.id, this.ctx.get(Clock).now()),
      stats.moderators(room.id),
    ]);
    for (const line of roomReport(room, url, s, mods, verbose)) this.out(line);
  }

  private async addRoom(cmd: Extract<CliCommand, { kind: 'add-room' }>): Promise<void> {
    const defaults = defaultValues(cmd.perms);
    const now = this.ctx.get(Clock).now();
    const room = await this.rooms.create(
      { token: cmd.token, name: cmd.name, description: cmd.description, defaults },
      now,
    );
    if (!room) throw new CliUsageError(`room '${cmd.token}' already exists!`);
    this.out(`Created room ${room.token}:`);
    await this.report(room, cmd.verbose);
  }

  /** Shows the room, then deletes it on `--yes` or an answer starting with y; else exits 2. */
  private async deleteRoom(cmd: Extract<CliCommand, { kind: 'delete-room' }>): Promise<number> {
    const room = await this.rooms.findByToken(cmd.token);
    if (!room) throw new CliUsageError(`no such room '${cmd.token}'`);
    await this.report(room, cmd.verbose);
    const answer = cmd.yes
      ? 'y'
      : await this.ask('Are you sure you want to delete this room? [yN] ');
    if (answer === null) {
      throw new CliUsageError('no answer to the confirmation; add --yes to delete without asking');
    }
    if (!/^[yY]/.test(answer)) {
      this.out('Aborted.');
      return 2;
    }
    await this.rooms.delete(room.id);
    this.out('Room deleted.');
    return 0;
  }

  private async listRooms(verbose: boolean): Promise<void> {
    const rooms = await this.rooms.list();
    if (!rooms.length) return this.out('No rooms.');
    for (const [i, room] of rooms.entries()) {
      if (i) this.out('');
      await this.report(room, verbose);
    }
  }

  /** PySOGS's layout: a count line, then admins, hidden admins, moderators, hidden moderators. */
  private async listGlobalMods(): Promise<void> {
    const mods = await this.ctx.get(UsersRepository).globalModerators(this.keys.systemSessionId);
    const group = (admin: boolean, visible: boolean) =>
      mods.filter((u) => u.admin === admin && u.visibleMod === visible);
    const [a, ha, m, hm] = [
      group(true, true),
      group(true, false),
      group(false, true),
      group(false, false),
    ];
    this.out(
      `${a.length + ha.length} global admins (${ha.length} hidden), ` +
        `${m.length + hm.length} moderators (${hm.length} hidden):`,
    );
    for (const [list, role] of [
      [a, 'admin'],
      [ha, 'hidden admin'],
      [m, 'moderator'],
      [hm, 'hidden moderator'],
    ] as const) {
      for (const u of list) this.out(`- ${u.sessionId} (${role})`);
    }
  }
}
