import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { SogsError } from '../common/sogs-error';
import { Database } from '../db/database';
import { FileAttachmentsRepository } from '../files/file-attachments.repository';
import type { RoomPermissions } from '../moderation/room-permissions';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { UsersService } from '../users/users.service';
import { ContentFilterService, filtrationRejected } from './content-filter.service';
import { FilterBotService } from './filter-bot.service';
import { isDeleted, toMessageObject } from './message';
import type { MessageContent, NewPost } from './message-input';
import { MessagesRepository } from './messages.repository';
import { RoomSequenceRepository } from './room-sequence.repository';

/** model.md §7: hard-coded in the reference. */
const RATE_LIMIT_POSTS = 5;
const RATE_LIMIT_SECONDS = 16;

/** Posting and editing messages. */
@Injectable()
export class MessagePostingService {
  constructor(
    private readonly db: Database,
    private readonly messages: MessagesRepository,
    private readonly sequence: RoomSequenceRepository,
    private readonly files: FileAttachmentsRepository,
    private readonly filters: ContentFilterService,
    private readonly filterBot: FilterBotService,
    private readonly users: UsersService,
    private readonly clock: Clock,
  ) {}

  /**
   * Stores a post after the checks of api.md, in their order: whisper fields need a moderator
   * (403), then the content filters (429 or silent), then the rate limit (429). A filter hit
   * gets the filter bot's reply, if one is set: before the 429, or after the hidden post.
   */
  async post(room: Room, user: User, perms: RoomPermissions, post: NewPost) {
    if ((post.whisperTo !== null || post.whisperMods) && !perms.moderator) {
      throw SogsError.forbidden();
    }
    const verdict = this.filters.check(room, post.data, perms);
    if (verdict && !verdict.silent) {
      await this.filterBot.reply(room, user, verdict);
      throw filtrationRejected(verdict.kind);
    }
    const target = post.whisperTo === null ? null : await this.users.getOrCreate(post.whisperTo);
    const now = this.clock.now();
    const row = await this.db.transaction(async (tx) => {
      // Taking the seqno first locks the room, so concurrent posts are counted exactly.
      const seqno = await this.sequence.advance(tx, room.id);
      if (!perms.admin) {
        const recent = await this.messages.countPostedSince(
          tx,
          room.id,
          user.id,
          now - RATE_LIMIT_SECONDS,
        );
        if (recent >= RATE_LIMIT_POSTS) throw new SogsError(429, 'RATE_LIMITED', 'Rate limited');
      }
      const message = await this.messages.insert(tx, {
        roomId: room.id,
        userId: user.id,
        posted: now,
        seqno,
        data: post.data,
        signature: post.signature,
        filtered: verdict !== null,
        whisperTo: target?.id ?? null,
        whisperMods: post.whisperMods,
      });
      await this.files.attach(tx, {
        roomId: room.id,
        uploaderId: user.id,
        messageId: message.id,
        fileIds: post.files,
        now,
      });
      return message;
    });
    if (verdict) await this.filterBot.reply(room, user, verdict);
    const out = toMessageObject(row, {});
    if (verdict) out.filtered = true;
    return out;
  }

  /**
   * Replaces a message's content, in the order of api.md: a non-silent filter hit (429), the
   * message (404), its author (403, even for admins); a silent filter hit then changes nothing.
   * A filter hit gets the filter bot's reply, if one is set: before the 429, or after the checks.
   */
  async edit(room: Room, user: User, perms: RoomPermissions, id: number | null, c: MessageContent) {
    const verdict = this.filters.check(room, c.data, perms);
    if (verdict && !verdict.silent) {
      await this.filterBot.reply(room, user, verdict);
      throw filtrationRejected(verdict.kind);
    }
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      await this.sequence.lock(tx, room.id);
      const message = id === null ? null : await this.messages.find(room.id, id, tx);
      if (!message || isDeleted(message)) throw SogsError.notFound(`No such post: ${id}`);
      if (message.user_id !== user.id) throw SogsError.forbidden();
      if (verdict) return this.filterBot.reply(room, user, verdict, tx);
      if (message.data!.equals(c.data)) {
        await this.messages.replaceSignature(tx, message.id, c.signature);
      } else {
        const seqno = await this.sequence.advance(tx, room.id);
        await this.messages.replaceContent(tx, message.id, { ...c, seqno, now });
      }
      await this.files.attach(tx, {
        roomId: room.id,
        uploaderId: user.id,
        messageId: message.id,
        fileIds: c.files,
        now,
      });
    });
    return {};
  }
}
