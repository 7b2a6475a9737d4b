import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { RequestMemo } from '../common/request-memo';
import { SogsError } from '../common/sogs-error';
import type { RoomPermissions } from '../moderation/room-permissions';
import { ActivityRepository } from '../rooms/activity.repository';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import {
  isDeleted,
  toMessageObject,
  toReactionUpdate,
  type MessageRow,
  type Viewer,
} from './message';
import type { PollOptions } from './message-input';
import { MessagesRepository, sinceKey, type SinceRead } from './messages.repository';
import { ReactionsRepository } from './reactions.repository';

/** Polling and reading messages (model.md §2), as each viewer may see them. */
@Injectable()
export class MessageReadsService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly reactions: ReactionsRepository,
    private readonly activity: ActivityRepository,
    private readonly clock: Clock,
  ) {}

  /** Changes after seqno `after`: full messages, tombstones and reaction-only rows. */
  async since(
    room: Room,
    user: User | null,
    perms: RoomPermissions,
    after: number,
    o: PollOptions,
    memo?: RequestMemo,
  ) {
    await this.recordActivity(room, user);
    // Every seqno is at most the room's counter: a client that is up to date (the usual poll)
    // needs no query at all.
    if (after >= room.messageSequence) return [];
    const read: SinceRead = {
      roomId: room.id,
      moderator: perms.moderator,
      after,
      limit: o.limit,
      withReactionChanges: o.reactionUpdates,
    };
    const ahead = await memo?.sinceRows();
    const rows =
      ahead?.get(sinceKey(read)) ?? (await this.messages.since(user?.id ?? null, [read]))[0];
    const reactionOnly = (m: MessageRow) =>
      after > 0 && m.seqno_reactions > after && after >= m.seqno_data;
    return this.render(rows, user, o.reactors, reactionOnly);
  }

  /** The newest live messages, newest first; only those before `beforeId` when given. */
  async latest(
    room: Room,
    user: User | null,
    perms: RoomPermissions,
    o: PollOptions,
    beforeId: number | null = null,
  ) {
    await this.recordActivity(room, user);
    const rows = await this.messages.latest(room.id, viewerOf(user, perms), o.limit, beforeId);
    return this.render(rows, user, o.reactors, () => false);
  }

  /** One live message the caller may see; 404 otherwise. */
  async one(
    room: Room,
    user: User | null,
    perms: RoomPermissions,
    id: number | null,
    o: PollOptions,
  ) {
    await this.recordActivity(room, user);
    const row =
      id === null ? null : await this.messages.visible(room.id, viewerOf(user, perms), id);
    if (!row) throw SogsError.notFound(`No such post: ${id}`);
    const [message] = await this.render([row], user, o.reactors, () => false);
    return message;
  }

  private async recordActivity(room: Room, user: User | null) {
    if (user) await this.activity.record(room.id, user.id, this.clock.now());
  }

  private async render(
    rows: MessageRow[],
    user: User | null,
    reactors: number,
    reactionOnly: (m: MessageRow) => boolean,
  ) {
    // A message whose reactions never changed (seqno_reactions 0) has none: no query for it.
    const withReactions = rows
      .filter((m) => m.seqno_reactions > 0 && (!isDeleted(m) || reactionOnly(m)))
      .map((m) => m.id);
    const reactions = await this.reactions.summaries(withReactions, user?.id ?? null, reactors);
    return rows.map((m) =>
      reactionOnly(m)
        ? toReactionUpdate(m, reactions.get(m.id)!)
        : toMessageObject(m, reactions.get(m.id) ?? {}),
    );
  }
}

export function viewerOf(user: User | null, perms: RoomPermissions): Viewer {
  return { userId: user?.id ?? null, moderator: perms.moderator };
}
