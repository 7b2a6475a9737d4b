import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { FileStorage } from '../files/file-storage';
import { cols, type ImportState, type Mapping } from './import-state';
import { withPadding } from './target-writer';
import type { UploadLocator } from './upload-locator';
import { ImportError } from './user-map';
import { ROOM_TOKEN } from '../rooms/room';

/** Rooms, messages and what hangs off them: history, files, pins, reactions. */
export function contentMappings(s: ImportState, locator: UploadLocator, storage: FileStorage) {
  const rooms: Mapping<'rooms'> = {
    into: 'rooms',
    orderBy: ['id'],
    cols: cols(
      'id:int8 token:text name:text description:text created:float8 message_sequence:int8 ' +
        'info_updates:int8 active_users:int8 default_read:bool default_accessible:bool ' +
        'default_write:bool default_upload:bool',
    ),
    row: (r) => {
      if (!ROOM_TOKEN.test(r.token ?? '')) {
        throw new ImportError(`room ${r.id}: token ${JSON.stringify(r.token)} is not valid here`);
      }
      // The image is set once its file is imported.
      s.roomImages.set(r.id!, r.image);
      return [
        r.id,
        r.token,
        r.name,
        r.description,
        r.created,
        r.message_sequence,
        r.info_updates ?? 0,
        r.active_users ?? 0,
        r.read,
        r.accessible ?? true,
        r.write,
        r.upload,
      ];
    },
  };

  const messages: Mapping<'messages'> = {
    into: 'messages',
    orderBy: ['id'],
    cols: cols(
      'id:int8 room_id:int8 user_id:int8 posted:float8 edited:float8 seqno_data:int8 ' +
        'seqno_reactions:int8 seqno_creation:int8 data:bytea signature:bytea filtered:bool ' +
        'whisper_to:int8 whisper_mods:bool',
    ),
    row: (m, stat) => {
      const room = s.room(m.room, stat, m.id);
      const user = room === undefined ? undefined : s.user(m.user, stat, m.id);
      if (user === undefined) return undefined;
      const whisper = m.whisper === null ? null : s.users.get(m.whisper);
      // Never turn a whisper into a public post.
      if (whisper === undefined) return void stat.skip('whispered to an unknown user', m.id);
      // Before reactions, PySOGS had only `seqno`; its own upgrade copied it to seqno_data.
      const seqnoData = m.seqno_data ?? m.seqno!;
      const seqnoReactions = m.seqno_reactions ?? 0;
      if (Math.max(seqnoData, seqnoReactions) !== m.seqno) s.seqnoMismatches++;
      s.messageRooms.set(m.id!, room!);
      return [
        m.id,
        room,
        user,
        m.posted,
        m.edited,
        seqnoData,
        seqnoReactions,
        m.seqno_creation ?? 0,
        withPadding(m.data, m.data_size),
        m.signature,
        m.filtered ?? false,
        whisper,
        m.whisper_mods ?? false,
      ];
    },
  };

  /** Replaced versions; PySOGS kept them unpadded and without their size, so they stay so. */
  const history: Mapping<'message_history'> = {
    into: 'message_history',
    orderBy: ['message', 'replaced'],
    cols: cols('message_id:int8 replaced:float8 data:bytea signature:bytea'),
    row: (h, stat) =>
      s.message(h.message, stat, h.message) === undefined
        ? undefined
        : [h.message, h.replaced, h.data, h.signature],
  };

  /** Bytes are stored first, the row after: never a row without bytes (files.service.ts). */
  const files: Mapping<'files'> = {
    into: 'files',
    orderBy: ['id'],
    cols: cols(
      'id:int8 room_id:int8 uploader_id:int8 message_id:int8 size:int8 uploaded:float8 ' +
        'expiry:float8 filename:text storage_key:text',
    ),
    row: async (f, stat) => {
      // PySOGS expires a file at once when its room goes; no route could reach it anyway.
      if (f.room === null) return void stat.skip('without a room (expired)', f.id);
      const room = s.room(f.room, stat, f.id);
      if (room === undefined) return undefined;
      const found = locator.locate(f.path ?? '');
      if (!found) return void stat.skip('whose bytes are missing', `${f.id} ${f.path}`);
      const data = await readFile(found);
      if (data.length !== f.size) s.sizeMismatches.push(f.id!);
      const key = `${room}/${randomBytes(16).toString('hex')}`;
      await storage.put(key, data);
      s.stored.push(key);
      s.fileIds.add(f.id!);
      const message = f.message !== null && s.messageRooms.has(f.message) ? f.message : null;
      const uploader = s.users.get(f.uploader) ?? null;
      return [f.id, room, uploader, message, data.length, f.uploaded, f.expiry, f.filename, key];
    },
  };

  const pins: Mapping<'pinned_messages'> = {
    into: 'pinned_messages',
    orderBy: ['room', 'message'],
    cols: cols('room_id:int8 message_id:int8 pinned_by:int8 pinned_at:float8'),
    row: (p, stat) => {
      if (s.message(p.message, stat, p.message) === undefined) return undefined;
      if (s.messageRooms.get(p.message!) !== p.room) {
        return void stat.skip('of a message in another room', p.message);
      }
      const by = s.user(p.pinned_by, stat, p.message);
      return by === undefined ? undefined : [p.room, p.message, by, p.pinned_at];
    },
  };

  /** Ids kept: a message's reactions are listed in id order (their `index`). */
  const reactions: Mapping<'reactions'> = {
    into: 'reactions',
    orderBy: ['id'],
    cols: cols('id:int8 message_id:int8 reaction:text'),
    row: (r, stat) => {
      if (s.message(r.message, stat, r.id) === undefined) return undefined;
      s.reactionIds.add(r.id!);
      return [r.id, r.message, r.reaction];
    },
  };

  /** Users merged by case keep their earliest reaction. */
  const userReactions: Mapping<'user_reactions'> = {
    into: 'user_reactions',
    orderBy: ['reaction', 'at'],
    cols: cols('reaction_id:int8 user_id:int8 at:float8'),
    insert: {
      key: [0, 1],
      onConflict: `ON CONFLICT (reaction_id, user_id)
                   DO UPDATE SET at = LEAST(user_reactions.at, EXCLUDED.at)`,
    },
    row: (r, stat) => {
      if (r.reaction === null || !s.reactionIds.has(r.reaction)) {
        return void stat.skip('of a reaction that was not imported', r.reaction);
      }
      const user = s.user(r.user, stat, r.reaction);
      return user === undefined ? undefined : [r.reaction, user, r.at];
    },
  };

  return { rooms, messages, history, files, pins, reactions, userReactions };
}
