import { Injectable } from '@nestjs/common';
import { ServerKeys } from '../config/server-keys';
import type { RoomPermissions } from '../moderation/room-permissions';
import { RoomPermissionsService } from '../moderation/room-permissions.service';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { UsersService } from '../users/users.service';

/**
 * Who the admin API acts as: the internal system user (`ff` + server key), a hidden global admin
 * created at start-up. The moderation services then apply their usual rules and audit records
 * to it, exactly as for a moderator using the SOGS API.
 */
@Injectable()
export class AdminActor {
  constructor(
    private readonly users: UsersService,
    private readonly permissions: RoomPermissionsService,
    private readonly keys: ServerKeys,
  ) {}

  async user(): Promise<User> {
    const user = await this.users.find(this.keys.systemSessionId);
    if (!user) throw new Error('The system user is missing (UsersService.prepare has not run)');
    return user;
  }

  /** The system user's permissions in a room (everything: it is a global admin). */
  async permissionsIn(room: Room): Promise<{ user: User; perms: RoomPermissions }> {
    const user = await this.user();
    return { user, perms: await this.permissions.of(room, user) };
  }

  get systemSessionId(): string {
    return this.keys.systemSessionId;
  }
}
