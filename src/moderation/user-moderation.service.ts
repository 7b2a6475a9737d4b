import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { isPlainObject } from '../common/json-body';
import { SogsError } from '../common/sogs-error';
import { Database, type Queryable } from '../db/database';
import type { Room } from '../rooms/room';
import { RoomsRepository } from '../rooms/rooms.repository';
import type { User } from '../users/user';
import { UsersService } from '../users/users.service';
import { BansRepository } from './bans.repository';
import { ModerationLogRepository } from './moderation-log.repository';
import { ModeratorsService } from './moderators.service';
import { OverridesRepository } from './overrides.repository';
import { RoomPermissionsService } from './room-permissions.service';
import { parseTargetSelection, type TargetSelection } from './target-selection';

type Role = 'moderator' | 'admin';
const optionalBool = (v: unknown, name: string): boolean | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw SogsError.badRequest(`${name} must be a boolean`);
  return v;
};

/** `/user/:id/moderator`, `/ban` and `/unban` (api.md §5), each recorded in the audit log. */
/**
 * Rooms in id order: a change to several rooms locks each (room, user) pair in turn, and two
 * such changes at once must take them in the same order, or they deadlock.
 */
function byId(rooms: Room[]): Room[] {
  return [...rooms].sort((a, b) => a.id - b.id);
}

@Injectable()
export class UserModerationService {
  constructor(
    private readonly db: Database,
    private readonly rooms: RoomsRepository,
    private readonly overrides: OverridesRepository,
    private readonly bans: BansRepository,
    private readonly log: ModerationLogRepository,
    private readonly permissions: RoomPermissionsService,
    private readonly moderators: ModeratorsService,
    private readonly users: UsersService,
    private readonly clock: Clock,
  ) {}

  /**
   * The rooms an action applies to; the caller must hold `role` in every one (403 otherwise,
   * also for unknown or repeated tokens). `*` means every room where the caller holds it.
   */
  private async roomsFor(
    caller: User,
    selection: { rooms: '*' | string[] },
    role: Role,
  ): Promise<Room[]> {
    const holds = async (room: Room) => (await this.permissions.of(room, caller))[role];
    if (selection.rooms === '*') {
      const all = await this.rooms.list();
      const mine = (await Promise.all(all.map(async (r) => ((await holds(r)) ? r : null)))).filter(
        (r): r is Room => r !== null,
      );
      if (!mine.length) throw SogsError.forbidden();
      return byId(mine);
    }
    if (new Set(selection.rooms.map((t) => t.toLowerCase())).size !== selection.rooms.length) {
      throw SogsError.forbidden();
    }
    const rooms: Room[] = [];
    for (const token of selection.rooms) {
      const room = await this.rooms.findByToken(token);
      if (!room || !(await holds(room))) throw SogsError.forbidden();
      rooms.push(room);
    }
    return byId(rooms);
  }

  private requireGlobal(caller: User, role: Role): void {
    if (!(role === 'admin' ? caller.admin : caller.moderator || caller.admin))
      throw SogsError.forbidden();
  }

  /** `POST /user/:id/moderator`: 200 `{"info_updates": {token: n}}` for the affected rooms. */
  async setModerator(caller: User, targetId: string, body: unknown) {
    const selection = parseTargetSelection(body);
    const b = body as Record<string, unknown>;
    const moderator = optionalBool(b.moderator, 'moderator');
    const admin = optionalBool(b.admin, 'admin');
    const visibleGiven = optionalBool(b.visible, 'visible');
    if (moderator === undefined && admin === undefined)
      throw SogsError.badRequest('moderator or admin is required');
    if (admin === true && moderator === false)
      throw SogsError.badRequest('an admin is always a moderator');
    const now = this.clock.now();
    /** The new role, given the current one (api.md §5 table). */
    const roleFrom = (current: { moderator: boolean; admin: boolean }) => {
      if (admin === true) return { moderator: true, admin: true };
      if (moderator === false) return { moderator: false, admin: false };
      return {
        moderator: moderator === true || current.moderator,
        admin: admin === false ? false : current.admin,
      };
    };

    if ('global' in selection) {
      this.requireGlobal(caller, 'admin');
      const target = await this.users.resolveTarget(targetId.toLowerCase());
      const role = roleFrom(target);
      await this.db.transaction(async (tx) => {
        await this.moderators.setGlobalRole(
          target,
          { ...role, visible: visibleGiven ?? false },
          tx,
        );
        await this.log.record(tx, now, {
          actorId: caller.id,
          action: 'global_role',
          roomId: null,
          targetUserId: target.id,
          details: role,
        });
      });
      return { info_updates: await this.infoUpdatesOf(await this.rooms.list()) };
    }

    const rooms = await this.roomsFor(caller, selection, 'admin');
    const target = await this.users.resolveTarget(targetId.toLowerCase());
    await this.db.transaction(async (tx) => {
      for (const room of rooms) {
        const current = (await this.overrides.find(room.id, target.id, tx)) ?? {
          moderator: false,
          admin: false,
        };
        const role = roleFrom(current);
        await this.moderators.setRoomRole(
          room,
          target,
          { ...role, visible: visibleGiven ?? true },
          tx,
        );
        await this.log.record(tx, now, {
          actorId: caller.id,
          action: 'room_role',
          roomId: room.id,
          targetUserId: target.id,
          details: role,
        });
      }
    });
    return { info_updates: await this.infoUpdatesOf(rooms) };
  }

  /** `POST /user/:id/ban`: 200 `{}`; a `timeout` schedules the unban (none or ≤ 0: permanent). */
  async ban(caller: User, targetId: string, body: unknown): Promise<Record<string, never>> {
    const selection = parseTargetSelection(body);
    const timeout = (body as Record<string, unknown>).timeout;
    if (
      timeout !== undefined &&
      timeout !== null &&
      (typeof timeout !== 'number' || !Number.isFinite(timeout))
    ) {
      throw SogsError.badRequest('timeout must be a number of seconds');
    }
    const now = this.clock.now();
    // As the reference: 0 means permanent; a negative timeout lifts the ban at the next job run.
    const unbanAt = typeof timeout === 'number' && timeout !== 0 ? now + timeout : null;
    // The caller's standing first: nothing is written for someone who may not ban.
    const rooms =
      'global' in selection ? null : await this.roomsFor(caller, selection, 'moderator');
    if (!rooms) this.requireGlobal(caller, 'moderator');
    const target = await this.users.resolveTarget(targetId.toLowerCase());
    if (target.moderator || target.admin || target.id === caller.id) throw SogsError.forbidden();

    if (!rooms) {
      await this.db.transaction(async (tx) => {
        await this.bans.setGlobalBan(tx, target.id, true);
        await this.bans.scheduleUnban(tx, null, target.id, unbanAt);
        await this.log.record(tx, now, {
          actorId: caller.id,
          action: 'ban',
          roomId: null,
          targetUserId: target.id,
          details: { timeout: timeout ?? null },
        });
      });
      return {};
    }
    for (const room of rooms) {
      const theirs = await this.permissions.of(room, target);
      if (theirs.moderator && !(await this.permissions.of(room, caller)).admin)
        throw SogsError.forbidden();
    }
    await this.db.transaction(async (tx) => {
      for (const room of rooms) {
        if (await this.overrides.ban(room.id, target.id, tx))
          await this.rooms.bumpInfoUpdates([room.id], tx);
        await this.bans.scheduleUnban(tx, room.id, target.id, unbanAt);
        await this.log.record(tx, now, {
          actorId: caller.id,
          action: 'ban',
          roomId: room.id,
          targetUserId: target.id,
          details: { timeout: timeout ?? null },
        });
      }
    });
    return {};
  }

  /** `POST /user/:id/unban`: 200 `{}`, whether or not the user was banned. */
  async unban(caller: User, targetId: string, body: unknown): Promise<Record<string, never>> {
    if (!isPlainObject(body)) throw SogsError.badRequest('Expected a JSON object');
    const selection: TargetSelection = parseTargetSelection(body);
    const rooms =
      'global' in selection ? null : await this.roomsFor(caller, selection, 'moderator');
    if (!rooms) this.requireGlobal(caller, 'moderator');
    const target = await this.users.resolveTarget(targetId.toLowerCase());
    const now = this.clock.now();
    if (!rooms) {
      await this.db.transaction(async (tx) => {
        await this.bans.setGlobalBan(tx, target.id, false);
        await this.bans.scheduleUnban(tx, null, target.id, null);
        await this.log.record(tx, now, {
          actorId: caller.id,
          action: 'unban',
          roomId: null,
          targetUserId: target.id,
        });
      });
      return {};
    }
    await this.db.transaction(async (tx) => {
      for (const room of rooms) {
        await this.overrides.unban(room.id, target.id, tx);
        await this.bans.scheduleUnban(tx, room.id, target.id, null);
        await this.log.record(tx, now, {
          actorId: caller.id,
          action: 'unban',
          roomId: room.id,
          targetUserId: target.id,
        });
      }
    });
    return {};
  }

  private async infoUpdatesOf(
    rooms: Room[],
    q: Queryable = this.db,
  ): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const room of rooms) out[room.token] = await this.rooms.infoUpdates(room.id, q);
    return out;
  }
}
