import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ModerationLogRepository } from '../moderation/moderation-log.repository';
import { SogsError } from '../common/sogs-error';
import { Database, type Queryable } from '../db/database';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { isRegular, type MessageRow } from './message';
import { MessagesRepository } from './messages.repository';
import { ReactionsRepository } from './reactions.repository';
import { RoomSequenceRepository } from './room-sequence.repository';

/** Reactions on regular messages; every user-reaction added or removed takes a seqno. */
@Injectable()
export class ReactionsService {
  constructor(
    private readonly db: Database,
    private readonly messages: MessagesRepository,
    private readonly reactions: ReactionsRepository,
    private readonly sequence: RoomSequenceRepository,
    private readonly log: ModerationLogRepository,
    private readonly clock: Clock,
  ) {}

  async add(room: Room, user: User, id: number | null, reaction: string) {
    const now = this.clock.now();
    return this.locked(room, async (tx) => {
      const message = await this.regularMessage(tx, room, id);
      const added = await this.reactions.add(tx, {
        messageId: message.id,
        reaction,
        userId: user.id,
        now,
      });
      const seqno = added ? await this.stamp(tx, room, message, 1) : message.seqno;
      return { added, seqno };
    });
  }

  async remove(room: Room, user: User, id: number | null, reaction: string) {
    return this.locked(room, async (tx) => {
      const message = await this.regularMessage(tx, room, id);
      const removed = await this.reactions.remove(tx, {
        messageId: message.id,
        reaction,
        userId: user.id,
      });
      const seqno = removed ? await this.stamp(tx, room, message, 1) : message.seqno;
      return { removed, seqno };
    });
  }

  /** A moderator removing everyone's reactions (or one reaction): one seqno per removal. */
  async clear(room: Room, moderator: User, id: number | null, reaction: string | null) {
    return this.locked(room, async (tx) => {
      const message = await this.regularMessage(tx, room, id);
      const removed = await this.reactions.clear(tx, [message.id], reaction);
      await this.log.record(tx, this.clock.now(), {
        actorId: moderator.id,
        action: 'clear_reactions',
        roomId: room.id,
        targetUserId: message.user_id,
        details: { message: message.id, removed },
      });
      const seqno = removed ? await this.stamp(tx, room, message, removed) : message.seqno;
      return { removed, seqno };
    });
  }

  /** `[[session_id, at], …]`, earliest first; `limit` ≤ 0 or absent means all. */
  async reactors(room: Room, id: number | null, reaction: string, limit: number | undefined) {
    const message = await this.regularMessage(this.db, room, id);
    const bounded = limit !== undefined && limit > 0 && Number.isSafeInteger(limit);
    return this.reactions.reactors(message.id, reaction, bounded ? limit : null);
  }

  /** Runs `work` in a transaction holding the room's write lock. */
  private locked<T>(room: Room, work: (tx: Queryable) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      await this.sequence.lock(tx, room.id);
      return work(tx);
    });
  }

  /** The message, if it may carry reactions; 404 otherwise. */
  private async regularMessage(q: Queryable, room: Room, id: number | null): Promise<MessageRow> {
    const message = id === null ? null : await this.messages.find(room.id, id, q);
    if (!message || !isRegular(message)) throw SogsError.notFound(`No such post: ${id}`);
    return message;
  }

  /** Advances the room by `changes` and gives the message the last of those seqnos. */
  private async stamp(tx: Queryable, room: Room, message: MessageRow, changes: number) {
    const seqno = await this.sequence.advance(tx, room.id, changes);
    await this.messages.setReactionSeqno(tx, message.id, seqno);
    return seqno;
  }
}
