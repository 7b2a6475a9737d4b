import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { ModerationLogRepository } from '../moderation/moderation-log.repository';
import { SogsError } from '../common/sogs-error';
import { Database } from '../db/database';
import { FileAttachmentsRepository } from '../files/file-attachments.repository';
import { RoomPermissionsService } from '../moderation/room-permissions.service';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { isRegular } from './message';
import { MessagesRepository } from './messages.repository';
import { PinnedMessagesRepository } from './pinned-messages.repository';
import { RoomSequenceRepository } from './room-sequence.repository';

/** Pinning (room admins only); each pin change raises `info_updates` (model.md §3). */
@Injectable()
export class PinsService {
  constructor(
    private readonly db: Database,
    private readonly messages: MessagesRepository,
    private readonly pins: PinnedMessagesRepository,
    private readonly sequence: RoomSequenceRepository,
    private readonly files: FileAttachmentsRepository,
    private readonly permissions: RoomPermissionsService,
    private readonly log: ModerationLogRepository,
    private readonly clock: Clock,
  ) {}

  /** Pins or re-pins a regular message (404 otherwise); its attachments stop expiring. */
  async pin(room: Room, user: User | null, id: number | null) {
    const admin = await this.requireAdmin(room, user);
    const now = this.clock.now();
    return this.db.transaction(async (tx) => {
      // The room lock keeps a concurrent deletion from slipping in between check and pin.
      await this.sequence.lock(tx, room.id);
      const message = id === null ? null : await this.messages.find(room.id, id, tx);
      if (!message || !isRegular(message)) throw SogsError.notFound(`No such post: ${id}`);
      await this.pins.pin(tx, { roomId: room.id, messageId: message.id, userId: admin.id, now });
      await this.files.keepForever(tx, [message.id]);
      await this.log.record(tx, now, {
        actorId: admin.id,
        action: 'pin',
        roomId: room.id,
        targetUserId: message.user_id,
        details: { message: message.id },
      });
      return { info_updates: await this.pins.bumpInfoUpdates(tx, room.id, 1) };
    });
  }

  async unpin(room: Room, user: User | null, id: number | null) {
    const admin = await this.requireAdmin(room, user);
    const { unpinned, infoUpdates } = await this.unpinWhere(room, admin, id === null ? [] : [id]);
    return { unpinned: unpinned > 0, info_updates: infoUpdates };
  }

  async unpinAll(room: Room, user: User | null) {
    const admin = await this.requireAdmin(room, user);
    const { unpinned, infoUpdates } = await this.unpinWhere(room, admin, null);
    return { unpinned, info_updates: infoUpdates };
  }

  /** Unpins (all when `ids` is null) and gives the attachments their normal expiry back. */
  private unpinWhere(room: Room, admin: User, ids: number[] | null) {
    return this.db.transaction(async (tx) => {
      // Room lock first, in the same order as every other writer of the room.
      await this.sequence.lock(tx, room.id);
      const unpinned = await this.pins.unpin(tx, room.id, ids);
      if (unpinned.length) {
        await this.log.record(tx, this.clock.now(), {
          actorId: admin.id,
          action: ids === null ? 'unpin_all' : 'unpin',
          roomId: room.id,
          targetUserId: null,
          details: { messages: unpinned },
        });
      }
      await this.files.restoreExpiry(tx, unpinned);
      const infoUpdates = await this.pins.bumpInfoUpdates(tx, room.id, unpinned.length);
      return { unpinned: unpinned.length, infoUpdates };
    });
  }

  /** The reference answers 403, not 401, to anonymous callers here. */
  private async requireAdmin(room: Room, user: User | null): Promise<User> {
    if (!user || !(await this.permissions.of(room, user)).admin) throw SogsError.forbidden();
    return user;
  }
}
