import { Injectable } from '@nestjs/common';
import { RoomOverridesService } from '../moderation/room-overrides.service';
import { UserModerationService } from '../moderation/user-moderation.service';
import type { Room } from '../rooms/room';
import { UsersRepository } from '../users/users.repository';
import { AdminActor } from './admin-actor.service';
import type { AdminModeratorView } from './admin-room.mapper';
import type { BanDto } from './dto/ban.dto';
import type { SetModeratorDto } from './dto/set-moderator.dto';
import type { SetPermissionsDto } from './dto/set-permissions.dto';

type Where = Room | 'global';
const selection = (where: Where) =>
  where === 'global' ? { global: true } : { rooms: [where.token] };

/**
 * Roles, bans and per-user permissions, through the services behind the SOGS moderation routes
 * (`/user/:sid/moderator|ban|unban`, `/room/:token/permissions/:sid`), acting as the system
 * user: the same rules, `info_updates` bumps and audit entries as for a moderator.
 */
@Injectable()
export class AdminModerationService {
  constructor(
    private readonly moderation: UserModerationService,
    private readonly overrides: RoomOverridesService,
    private readonly users: UsersRepository,
    private readonly actor: AdminActor,
  ) {}

  /** Global moderators and admins, hidden ones included (not the system user). */
  async globalModerators(): Promise<AdminModeratorView[]> {
    const mods = await this.users.globalModerators(this.actor.systemSessionId);
    return mods.map((u) => ({ session_id: u.sessionId, admin: u.admin, visible: u.visibleMod }));
  }

  /** Grants exactly the role given; returns `info_updates` of the rooms it shows in. */
  async setModerator(where: Where, sessionId: string, dto: SetModeratorDto) {
    const admin = dto.admin ?? false;
    const visible = dto.visible ?? where !== 'global';
    const body = { ...selection(where), moderator: true, admin, visible };
    return this.moderation.setModerator(await this.actor.user(), sessionId, body);
  }

  async removeModerator(where: Where, sessionId: string): Promise<void> {
    const body = { ...selection(where), moderator: false };
    await this.moderation.setModerator(await this.actor.user(), sessionId, body);
  }

  /** 403 for a moderator or admin of the scope: remove the role first. */
  async ban(where: Where, sessionId: string, dto: BanDto) {
    const timeout = dto.timeout ?? null;
    const body = { ...selection(where), ...(timeout !== null && { timeout }) };
    await this.moderation.ban(await this.actor.user(), sessionId, body);
    return { banned: true, timeout };
  }

  async unban(where: Where, sessionId: string): Promise<void> {
    await this.moderation.unban(await this.actor.user(), sessionId, selection(where));
  }

  permissions(room: Room, sessionId: string) {
    return this.overrides.ofUser(room, sessionId);
  }

  /** null clears an override: the SOGS body says that with `default_<perm>: true`. */
  async setPermissions(room: Room, sessionId: string, dto: SetPermissionsDto) {
    const body: Record<string, boolean> = {};
    for (const p of ['read', 'accessible', 'write', 'upload'] as const) {
      const v = dto[p];
      if (v === null) body[`default_${p}`] = true;
      else if (v !== undefined) body[p] = v;
    }
    return this.overrides.set(room, await this.actor.user(), sessionId, body);
  }
}
