import type { RoomPermissions } from '../moderation/room-permissions';
import type { RoomModerator } from '../moderation/overrides.repository';
import type { Room } from './room';
import type { Pin } from './pins.repository';

/** The caller's own flags, shared by the room object and pollInfo (api.md §2). */
export function permissionFlags(room: Room, p: RoomPermissions): Record<string, unknown> {
  const out: Record<string, unknown> = { read: p.read, write: p.write, upload: p.upload };
  if (p.moderator) {
    out.moderator = true;
    out.default_read = room.defaultRead;
    out.default_accessible = room.defaultAccessible;
    out.default_write = room.defaultWrite;
    out.default_upload = room.defaultUpload;
  }
  if (p.admin) out.admin = true;
  if (p.globalModerator) out.global_moderator = true;
  if (p.globalAdmin) out.global_admin = true;
  return out;
}

/** The room object as the caller may see it: hidden moderators only for moderators. */
export function toRoomInfo(
  room: Room,
  perms: RoomPermissions,
  mods: RoomModerator[],
  pins: Pin[],
  activeCutoff: number,
): Record<string, unknown> {
  const list = (admin: boolean, visible: boolean) =>
    mods.filter((m) => m.admin === admin && m.visible === visible).map((m) => m.sessionId);
  const info: Record<string, unknown> = {
    token: room.token,
    name: room.name,
    info_updates: room.infoUpdates,
    message_sequence: room.messageSequence,
    created: room.created,
    active_users: room.activeUsers,
    active_users_cutoff: Math.floor(activeCutoff),
    moderators: list(false, true),
    admins: list(true, true),
  };
  if (room.description !== null) info.description = room.description;
  if (room.imageId !== null) info.image_id = room.imageId;
  if (pins.length) info.pinned_messages = pins;
  if (perms.moderator) {
    const hiddenMods = list(false, false);
    const hiddenAdmins = list(true, false);
    if (hiddenMods.length) info.hidden_moderators = hiddenMods;
    if (hiddenAdmins.length) info.hidden_admins = hiddenAdmins;
  }
  return { ...info, ...permissionFlags(room, perms) };
}
