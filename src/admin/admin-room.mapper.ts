import type { RoomStats } from '../cli/room-stats.repository';
import type { Room } from '../rooms/room';

/** A moderator or admin as the admin API lists them. */
export interface AdminModeratorView {
  session_id: string;
  admin: boolean;
  visible: boolean;
}

/** A room as operators see it: every setting, plus its join URL and, when given, its stats. */
export function toAdminRoom(room: Room, joinUrl: string, stats?: RoomStats) {
  return {
    token: room.token,
    name: room.name,
    description: room.description,
    image_id: room.imageId,
    created: room.created,
    info_updates: room.infoUpdates,
    message_sequence: room.messageSequence,
    active_users: room.activeUsers,
    default_read: room.defaultRead,
    default_accessible: room.defaultAccessible,
    default_write: room.defaultWrite,
    default_upload: room.defaultUpload,
    join_url: joinUrl,
    ...(stats && {
      stats: {
        messages: stats.messages,
        message_bytes: stats.messageBytes,
        files: stats.files,
        file_bytes: stats.fileBytes,
        reactions: stats.reactions,
        active_users: {
          day: stats.active[0],
          week: stats.active[1],
          fortnight: stats.active[2],
          month: stats.active[3],
        },
      },
    }),
  };
}
