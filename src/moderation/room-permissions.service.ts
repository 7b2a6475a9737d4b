import { Injectable } from '@nestjs/common';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { SogsError } from '../common/sogs-error';
import { OverridesRepository } from './overrides.repository';
import { resolvePermissions, type RoomPermissions } from './room-permissions';

/** Room-level access a route can demand (auth.md §5, route-level outcomes). */
export type RoomAccess = 'accessible' | 'read' | 'write' | 'upload' | 'moderator' | 'admin';

/** Computes a caller's permissions in a room and enforces route requirements. */
@Injectable()
export class RoomPermissionsService {
  constructor(private readonly overrides: OverridesRepository) {}

  async of(room: Room, user: User | null): Promise<RoomPermissions> {
    const override = user ? await this.overrides.find(room.id, user.id) : null;
    return resolvePermissions(room, user, override);
  }

  /** Throws the spec's status for a missing permission; returns the permissions otherwise. */
  check(perms: RoomPermissions, user: User | null, access: RoomAccess): RoomPermissions {
    switch (access) {
      case 'accessible':
        // Indistinguishable from a missing room.
        if (!perms.accessible) throw SogsError.notFound();
        break;
      case 'read':
        if (!perms.read) {
          throw SogsError.forbidden("This endpoint requires room message 'read' permission");
        }
        break;
      case 'write':
      case 'upload':
        if (!perms[access]) throw SogsError.forbidden();
        break;
      case 'moderator':
        if (!user) throw SogsError.unauthorized();
        if (!perms.moderator) {
          throw SogsError.forbidden('This endpoint requires moderator room permissions');
        }
        break;
      case 'admin':
        if (!user) throw SogsError.unauthorized();
        if (!perms.admin)
          throw SogsError.forbidden('This endpoint requires admin room permissions');
        break;
    }
    return perms;
  }
}
