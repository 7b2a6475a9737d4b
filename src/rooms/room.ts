/** A room token: 1–64 of `A–Z a–z 0–9 _ -`, matched case-insensitively (README glossary). */
export const ROOM_TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

/** A room record (model.md §1). */
export interface Room {
  id: number;
  token: string;
  name: string;
  description: string | null;
  imageId: number | null;
  created: number;
  messageSequence: number;
  infoUpdates: number;
  activeUsers: number;
  defaultRead: boolean;
  defaultAccessible: boolean;
  defaultWrite: boolean;
  defaultUpload: boolean;
}

export interface RoomRow {
  id: number;
  token: string;
  name: string;
  description: string | null;
  image_id: number | null;
  created: number;
  message_sequence: number;
  info_updates: number;
  active_users: number;
  default_read: boolean;
  default_accessible: boolean;
  default_write: boolean;
  default_upload: boolean;
}

export function toRoom(r: RoomRow): Room {
  return {
    id: r.id,
    token: r.token,
    name: r.name,
    description: r.description,
    imageId: r.image_id,
    created: r.created,
    messageSequence: r.message_sequence,
    infoUpdates: r.info_updates,
    activeUsers: r.active_users,
    defaultRead: r.default_read,
    defaultAccessible: r.default_accessible,
    defaultWrite: r.default_write,
    defaultUpload: r.default_upload,
  };
}
