import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { SogsError } from '../common/sogs-error';
import { Database, type Queryable } from '../db/database';
import { FileAttachmentsRepository } from '../files/file-attachments.repository';
import { RoomPermissionsService } from '../moderation/room-permissions.service';
import type { RoomPermissions } from '../moderation/room-permissions';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { UsersService } from '../users/users.service';
import { ModerationLogRepository } from '../moderation/moderation-log.repository';
import { RoomsRepository } from '../rooms/rooms.repository';
import { isDeleted } from './message';
import { MessagesRepository, type Tombstone } from './messages.repository';
import { PinnedMessagesRepository } from './pinned-messages.repository';
import { ReactionsRepository } from './reactions.repository';
import { RoomSequenceRepository } from './room-sequence.repository';

/** Deleting messages: one by its author or a moderator, or all of a user's in a room. */
@Injectable()
export class MessageDeletionService {
  constructor(
    private readonly db: Database,
    private readonly messages: MessagesRepository,
    private readonly reactions: ReactionsRepository,
    private readonly pins: PinnedMessagesRepository,
    private readonly files: FileAttachmentsRepository,
    private readonly sequence: RoomSequenceRepository,
    private readonly users: UsersService,
    private readonly roomsRepo: RoomsRepository,
    private readonly permissions: RoomPermissionsService,
    private readonly log: ModerationLogRepository,
    private readonly clock: Clock,
  ) {}

  /** 404 when missing or already deleted; 403 for someone else's message unless moderator. */
  async deleteOne(room: Room, user: User, perms: RoomPermissions, id: number | null) {
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      await this.sequence.lock(tx, room.id);
      const message = id === null ? null : await this.messages.find(room.id, id, tx);
      if (!message || isDeleted(message)) throw SogsError.notFound(`No such post: ${id}`);
      if (message.user_id !== user.id && !perms.moderator) throw SogsError.forbidden();
      await this.tombstone(tx, room, [message.id], now);
      if (message.user_id !== user.id) {
        await this.log.record(tx, now, {
          actorId: user.id,
          action: 'delete_message',
          roomId: room.id,
          targetUserId: message.user_id,
          details: { message: message.id },
        });
      }
    });
    return {};
  }

  /**
   * Deletes every live message of the user `sessionId` in the room and expires their uploads
   * there (except the room image). Allowed for the user themself or a moderator; an admin's
   * messages only for an admin. 404 when the user is unknown or had nothing to delete.
   */
  async deleteAllOf(room: Room, caller: User, sessionId: string) {
    const target = await this.users.find(sessionId.toLowerCase());
    if (!target) throw SogsError.notFound(`No such user: ${sessionId}`);
    if (!(await this.mayDeleteAllOf(room, caller, target))) throw SogsError.forbidden();
    if (!(await this.deleteAllIn(room, caller, target))) {
      throw SogsError.notFound('No messages to delete');
    }
    return {};
  }

  /**
   * `DELETE /rooms/all/:sid`: the same in every room the caller may do it in; other rooms are
   * skipped silently. 404 when the user is unknown.
   */
  async deleteAllEverywhere(caller: User, sessionId: string) {
    const target = await this.users.find(sessionId.toLowerCase());
    if (!target) throw SogsError.notFound(`No such user: ${sessionId}`);
    const rooms: Record<string, number> = {};
    let total = 0;
    for (const room of await this.roomsRepo.list()) {
      if (!(await this.permissions.of(room, caller)).accessible) continue;
      if (!(await this.mayDeleteAllOf(room, caller, target))) continue;
      rooms[room.token] = await this.deleteAllIn(room, caller, target);
      total += rooms[room.token];
    }
    return { total, rooms };
  }

  /** The user themself, or a moderator of the room; an admin's messages only for an admin. */
  private async mayDeleteAllOf(room: Room, caller: User, target: User): Promise<boolean> {
    if (target.id === caller.id) return true;
    const mine = await this.permissions.of(room, caller);
    const theirs = await this.permissions.of(room, target);
    return mine.moderator && (!theirs.admin || mine.admin);
  }

  /** Tombstones every live message of the user in the room and expires their uploads there. */
  private async deleteAllIn(room: Room, caller: User, target: User): Promise<number> {
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      await this.sequence.lock(tx, room.id);
      const ids = await this.messages.liveIds(tx, room.id, { authorId: target.id });
      await this.tombstone(tx, room, ids, now);
      await this.files.expireUploadsOf(tx, room.id, target.id, now);
      if (target.id !== caller.id) {
        await this.log.record(tx, now, {
          actorId: caller.id,
          action: 'delete_all',
          roomId: room.id,
          targetUserId: target.id,
          details: { messages: ids.length },
        });
      }
      return ids.length;
    });
  }

  /**
   * Turns live messages into tombstones (model.md §2): each takes one seqno for the deletion,
   * then one per user-reaction removed; pins go (one `info_updates` each) and attachments
   * expire. The caller holds the room's lock.
   */
  private async tombstone(tx: Queryable, room: Room, ids: number[], now: number) {
    if (!ids.length) return;
    const counts = await this.reactions.countsOf(tx, ids);
    const total = ids.reduce((sum, id) => sum + 1 + (counts.get(id) ?? 0), 0);
    let seqno = (await this.sequence.advance(tx, room.id, total)) - total;
    const stones: Tombstone[] = ids.map((id) => {
      const seqnoData = ++seqno;
      const removed = counts.get(id) ?? 0;
      seqno += removed;
      return { id, seqnoData, seqnoReactions: removed ? seqno : 0 };
    });
    await this.messages.tombstone(tx, stones, now);
    await this.reactions.clear(tx, ids, null);
    const unpinned = await this.pins.unpin(tx, room.id, ids);
    if (unpinned.length) await this.pins.bumpInfoUpdates(tx, room.id, unpinned.length);
    await this.files.expireForMessages(tx, ids, now);
  }
}
