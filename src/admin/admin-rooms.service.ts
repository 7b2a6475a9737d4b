import { Inject, Injectable } from '@nestjs/common';
import { RoomStatsRepository } from '../cli/room-stats.repository';
import { Clock } from '../common/clock';
import { SogsError } from '../common/sogs-error';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { ServerKeys } from '../config/server-keys';
import { Database } from '../db/database';
import { ModerationLogRepository } from '../moderation/moderation-log.repository';
import { OverridesRepository } from '../moderation/overrides.repository';
import { joinUrl } from '../rooms/join-url';
import type { Room } from '../rooms/room';
import { parseRoomUpdate } from '../rooms/room-update';
import { RoomsRepository } from '../rooms/rooms.repository';
import { RoomsService } from '../rooms/rooms.service';
import { AdminActor } from './admin-actor.service';
import { toAdminRoom, type AdminModeratorView } from './admin-room.mapper';
import type { CreateRoomDto } from './dto/create-room.dto';
import type { UpdateRoomDto } from './dto/update-room.dto';

/** The fields actually sent: class-transformer gives absent DTO fields as `undefined`. */
function given(dto: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined));
}

/** Rooms for operators: the repositories and RoomsService the CLI and SOGS API use. */
@Injectable()
export class AdminRoomsService {
  constructor(
    private readonly rooms: RoomsRepository,
    private readonly roomsService: RoomsService,
    private readonly stats: RoomStatsRepository,
    private readonly overrides: OverridesRepository,
    private readonly log: ModerationLogRepository,
    private readonly actor: AdminActor,
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly keys: ServerKeys,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list() {
    const now = this.clock.now();
    const rooms = await this.rooms.list();
    return Promise.all(rooms.map(async (room) => this.view(room, now)));
  }

  get(room: Room) {
    return this.view(room, this.clock.now());
  }

  /**
   * Creates a room; name and description are cleaned as the SOGS room update cleans them.
   * 409 ROOM_EXISTS when the token is taken in any letter case.
   */
  async create(dto: CreateRoomDto) {
    const { token, ...fields } = given(dto);
    const clean = parseRoomUpdate(fields);
    if (!clean.name) throw SogsError.badRequest('name must not be empty');
    const now = this.clock.now();
    const room = await this.rooms.create(
      {
        token: token as string,
        name: clean.name ?? '',
        description: clean.description ?? null,
        defaults: clean.defaults,
      },
      now,
    );
    if (!room) throw new SogsError(409, 'ROOM_EXISTS', `Room already exists: ${dto.token}`);
    await this.record('room_create', room.id, room.token, now);
    return this.view(room, now);
  }

  /** Applies the change through RoomsService.update (all-or-nothing, audited, info_updates). */
  async update(room: Room, dto: UpdateRoomDto) {
    await this.roomsService.update(room, await this.actor.user(), parseRoomUpdate(given(dto)));
    return this.view((await this.rooms.findByToken(room.token))!, this.clock.now());
  }

  /** Deletes the room with its messages; its uploads expire (RoomsRepository.delete). */
  async delete(room: Room): Promise<void> {
    await this.rooms.delete(room.id);
    await this.record('room_delete', null, room.token, this.clock.now());
  }

  /** The room's own moderators and admins, hidden ones included (global ones: GET /moderators). */
  async moderators(room: Room): Promise<AdminModeratorView[]> {
    const out: AdminModeratorView[] = [];
    for (const [sessionId, o] of await this.overrides.listForRoom(room.id)) {
      if (o.moderator) out.push({ session_id: sessionId, admin: o.admin, visible: o.visibleMod });
    }
    return out;
  }

  private async view(room: Room, now: number) {
    const url = joinUrl(this.config.http.baseUrl, room.token, this.keys.publicKeyHex);
    return toAdminRoom(room, url, await this.stats.of(room.id, now));
  }

  /** Audit entries name the token too: a deleted room's id is gone from the log. */
  private async record(action: string, roomId: number | null, token: string, now: number) {
    const actor = await this.actor.user();
    await this.log.record(this.db, now, {
      actorId: actor.id,
      action,
      roomId,
      targetUserId: null,
      details: { token },
    });
  }
}
