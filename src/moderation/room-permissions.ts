import type { Room } from '../rooms/room';
import type { User } from '../users/user';

/** A user's explicit settings in one room (unset permissions are null). */
export interface Override {
  banned: boolean;
  read: boolean | null;
  accessible: boolean | null;
  write: boolean | null;
  upload: boolean | null;
  moderator: boolean;
  admin: boolean;
  visibleMod: boolean;
}

/** What a user (or an anonymous caller) may do in a room. */
export interface RoomPermissions {
  read: boolean;
  accessible: boolean;
  write: boolean;
  /** Write and upload. */
  upload: boolean;
  moderator: boolean;
  admin: boolean;
  banned: boolean;
  globalModerator: boolean;
  globalAdmin: boolean;
}

/** Resolution exactly as model.md §4: roles first, then bans, then override-or-default. */
export function resolvePermissions(
  room: Room,
  user: User | null,
  override: Override | null,
): RoomPermissions {
  const globalAdmin = user?.admin ?? false;
  const globalModerator = (user?.moderator ?? false) || globalAdmin;
  const banned = (user?.banned ?? false) || (override?.banned ?? false);
  const admin = globalAdmin || (override?.admin ?? false);
  const moderator = globalModerator || (override?.moderator ?? false) || admin;
  const base = (p: 'read' | 'accessible' | 'write' | 'upload', fallback: boolean) =>
    override?.[p] ?? fallback;
  const read = base('read', room.defaultRead);
  const write = base('write', room.defaultWrite);
  const free = !banned;
  return {
    read: moderator || (free && read),
    accessible: moderator || (free && (read || base('accessible', room.defaultAccessible))),
    write: moderator || (free && write),
    upload: moderator || (free && write && base('upload', room.defaultUpload)),
    moderator,
    admin,
    banned,
    globalModerator,
    globalAdmin,
  };
}

/**
 * A user's explicit settings in a room as the permission routes show them (api.md §5): only
 * the permissions set, `banned` when banned, and one role key with `hidden` for hidden roles.
 */
export function toPermissionObject(o: Override | null): Record<string, boolean> {
  const out: Record<string, boolean> = {};
  if (!o) return out;
  for (const p of ['read', 'accessible', 'write', 'upload'] as const) {
    if (o[p] !== null) out[p] = o[p];
  }
  if (o.banned) out.banned = true;
  if (o.admin) out.admin = true;
  else if (o.moderator) out.moderator = true;
  if (o.moderator && !o.visibleMod) out.hidden = true;
  return out;
}
