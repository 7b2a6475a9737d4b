import { cols, type ImportState, type Mapping } from './import-state';

const BLINDED = /^15[0-9a-f]{64}$/;
/** PySOGS keeps a nonce 24 h after use, tsogs 48 h (auth.md §11). */
const NONCE_EXTENSION = 86400;

/** Who is where with which rights, what is scheduled, and what people sent each other. */
export function membershipMappings(s: ImportState) {
  /** Users merged by case keep their latest activity. */
  const roomUsers: Mapping<'room_users'> = {
    into: 'room_users',
    orderBy: ['room', 'user'],
    cols: cols('room_id:int8 user_id:int8 last_active:float8'),
    insert: {
      key: [0, 1],
      onConflict: `ON CONFLICT (room_id, user_id)
        DO UPDATE SET last_active = GREATEST(room_users.last_active, EXCLUDED.last_active)`,
    },
    row: (r, stat) => {
      const room = s.room(r.room, stat, r.user);
      const user = room === undefined ? undefined : s.user(r.user, stat, r.user);
      return user === undefined ? undefined : [room, user, r.last_active];
    },
  };

  /** Rows of users merged by case are combined: restrictions and roles from either. */
  const overrides: Mapping<'user_permission_overrides'> = {
    into: 'user_permission_overrides AS o',
    orderBy: ['room', 'user'],
    cols: cols(
      'room_id:int8 user_id:int8 banned:bool read:bool accessible:bool write:bool upload:bool ' +
        'moderator:bool admin:bool visible_mod:bool',
    ),
    insert: {
      key: [0, 1],
      onConflict: `ON CONFLICT (room_id, user_id) DO UPDATE SET
        banned = o.banned OR EXCLUDED.banned, read = COALESCE(o.read, EXCLUDED.read),
        accessible = COALESCE(o.accessible, EXCLUDED.accessible),
        write = COALESCE(o.write, EXCLUDED.write), upload = COALESCE(o.upload, EXCLUDED.upload),
        moderator = o.moderator OR EXCLUDED.moderator, admin = o.admin OR EXCLUDED.admin,
        visible_mod = CASE WHEN o.moderator THEN o.visible_mod ELSE EXCLUDED.visible_mod END`,
    },
    row: (o, stat) => {
      const room = s.room(o.room, stat, o.user);
      const user = room === undefined ? undefined : s.user(o.user, stat, o.user);
      if (user === undefined) return undefined;
      // tsogs requires admin ⇒ moderator, as PySOGS's triggers ensured.
      const admin = o.admin ?? false;
      return [
        room,
        user,
        o.banned ?? false,
        o.read,
        o.accessible,
        o.write,
        o.upload,
        admin || !!o.moderator,
        admin,
        o.visible_mod ?? true,
      ];
    },
  };

  const permissionFutures: Mapping<'user_permission_futures'> = {
    into: 'user_permission_futures',
    orderBy: ['at'],
    cols: cols('room_id:int8 user_id:int8 at:float8 read:bool write:bool upload:bool'),
    row: (f, stat) => {
      const room = s.room(f.room, stat, f.user);
      const user = room === undefined ? undefined : s.user(f.user, stat, f.user);
      if (user === undefined) return undefined;
      if (f.banned !== null) s.legacyBanFutures.push([room, user, f.at, f.banned]);
      if (f.read === null && f.write === null && f.upload === null) {
        if (f.banned === null) stat.skip('that change nothing', f.user);
        return undefined;
      }
      return [room, user, f.at, f.read, f.write, f.upload];
    },
  };

  const banFutures: Mapping<'user_ban_futures'> = {
    into: 'user_ban_futures',
    orderBy: ['at'],
    cols: cols('room_id:int8 user_id:int8 at:float8 banned:bool'),
    row: (f, stat) => {
      // A null room is a global ban change.
      const room = f.room === null ? null : s.room(f.room, stat, f.user);
      const user = room === undefined ? undefined : s.user(f.user, stat, f.user);
      return user === undefined ? undefined : [room, user, f.at, f.banned];
    },
  };

  /** Only nonces still inside tsogs's replay window matter. */
  const nonces: Mapping<'user_request_nonces'> = {
    into: 'request_nonces',
    orderBy: [],
    cols: cols('nonce:bytea expiry:float8'),
    insert: { onConflict: 'ON CONFLICT (nonce) DO NOTHING' },
    row: (n, stat) => {
      const expiry = (n.expiry ?? 0) + NONCE_EXTENSION;
      if (expiry > s.now) return [n.nonce, expiry];
      stat.skip('expired');
      return undefined;
    },
  };

  /** Ids kept: clients poll their inbox with `since/<last id>`. */
  const inbox: Mapping<'inbox'> = {
    into: 'inbox',
    orderBy: ['id'],
    cols: cols(
      'id:int8 recipient_id:int8 sender_id:int8 body:bytea posted_at:float8 expiry:float8',
    ),
    row: (d, stat) => {
      const recipient = s.user(d.recipient, stat, d.id);
      const sender = recipient === undefined ? undefined : s.user(d.sender, stat, d.id);
      if (sender === undefined) return undefined;
      const posted = d.posted_at ?? s.now;
      return [d.id, recipient, sender, d.body, posted, d.expiry ?? posted + s.dmExpiry];
    },
  };

  const needsBlinding: Mapping<'needs_blinding'> = {
    into: 'needs_blinding',
    orderBy: ['blinded_abs'],
    cols: cols('blinded_abs:text user_id:int8'),
    insert: { onConflict: 'ON CONFLICT (blinded_abs) DO NOTHING' },
    row: (n, stat) => {
      const abs = (n.blinded_abs ?? '').toLowerCase();
      if (!BLINDED.test(abs)) return void stat.skip('with an invalid blinded ID', n.blinded_abs);
      const user = s.user(n.user, stat, abs);
      return user === undefined ? undefined : [abs, user];
    },
  };

  return {
    roomUsers,
    overrides,
    permissionFutures,
    banFutures,
    nonces,
    inbox,
    needsBlinding,
  };
}
