/** A user record: one per identity string (05…, 15… or the internal ff… system user). */
export interface User {
  id: number;
  sessionId: string;
  created: number;
  lastActive: number;
  banned: boolean;
  moderator: boolean;
  admin: boolean;
  visibleMod: boolean;
}

export interface UserRow {
  id: number;
  session_id: string;
  created: number;
  last_active: number;
  banned: boolean;
  moderator: boolean;
  admin: boolean;
  visible_mod: boolean;
}

export function toUser(r: UserRow): User {
  return {
    id: r.id,
    sessionId: r.session_id,
    created: r.created,
    lastActive: r.last_active,
    banned: r.banned,
    moderator: r.moderator,
    admin: r.admin,
    visibleMod: r.visible_mod,
  };
}
