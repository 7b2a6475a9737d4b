import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { RequestMemo } from '../common/request-memo';
import { SogsError } from '../common/sogs-error';
import { resolvePermissions, type RoomPermissions } from '../moderation/room-permissions';
import { ActivityRepository } from '../rooms/activity.repository';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import {
  isDeleted,
  toMessageObject,
  toReactionUpdate,
  type MessageRow,
  type ReactionMap,
  type Viewer,
} from './message';
import type { PollOptions } from './message-input';
import { MessagesRepository, sinceKey, type SinceRead } from './messages.repository';
import { ReactionsRepository } from './reactions.repository';

/** A `messages/since` read a batch will make: its room's token, its seqno and its options. */
export interface PlannedSince {
  token: string;
  after: number;
  options: PollOptions;
}

/** A `messages/since` read's rows, and the reactions shown with them. */
export interface SinceResult {
  rows: MessageRow[];
  reactions: Map<number, ReactionMap>;
}

/** A read of reaction-only changes after `after`: rows whose data did not change since. */
const reactionOnlyAfter = (after: number) => (m: MessageRow) =>
  after > 0 && m.seqno_reactions > after && after >= m.seqno_data;

/**
 * The messages whose reactions a read shows: live ones whose reactions ever changed (one whose
 * seqno_reactions is 0 has none), and reaction-only changes.
 */
function withReactions(rows: MessageRow[], reactionOnly: (m: MessageRow) => boolean): number[] {
  return rows
    .filter((m) => m.seqno_reactions > 0 && (!isDeleted(m) || reactionOnly(m)))
    .map((m) => m.id);
}

/** The since read of `after` in a room, as a caller with `perms` makes it. */
function sinceReadOf(room: Room, perms: RoomPermissions, after: number, o: PollOptions): SinceRead {
  return {
    roomId: room.id,
    moderator: perms.moderator,
    after,
    limit: o.limit,
    withReactionChanges: o.reactionUpdates,
  };
}

/** Identifies a since read and the reactors it shows (a request memo's key). */
const aheadKey = (read: SinceRead, reactors: number) => `${sinceKey(read)}:${reactors}`;

/** Polling and reading messages (model.md §2), as each viewer may see them. */
@Injectable()
export class MessageReadsService {
  constructor(
    private readonly messages: MessagesRepository,
    private readonly reactions: ReactionsRepository,
    private readonly activity: ActivityRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Changes after seqno `after`: full messages, tombstones and reaction-only rows; taken from
   * what the batch read ahead (`readAhead`) when it holds this read.
   */
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
    const read = sinceReadOf(room, perms, after, o);
    const ahead = await memo?.sinceResults();
    const found =
      ahead?.get(aheadKey(read, o.reactors)) ??
      (await this.readMany(user, [{ read, reactors: o.reactors }]))[0];
    return present(found, reactionOnlyAfter(after));
  }

  /**
   * Reads a batch's planned `messages/since` reads together, by key: those of rooms the memo
   * knows, that the caller may read and that have news. Their rows are those the poll's
   * snapshot brought (the rest in one statement), their reactions one statement per distinct
   * `reactors` count.
   */
  async readAhead(
    memo: RequestMemo,
    planned: PlannedSince[],
    user: User | null,
  ): Promise<Map<string, SinceResult>> {
    const reads: { read: SinceRead; reactors: number }[] = [];
    for (const { token, after, options } of planned) {
      const found = await memo.known(token);
      if (!found || after >= found.room.messageSequence) continue;
      const perms = resolvePermissions(found.room, user, found.override);
      if (!perms.read) continue;
      reads.push({
        read: sinceReadOf(found.room, perms, after, options),
        reactors: options.reactors,
      });
    }
    if (!reads.length) return new Map();
    const results = await this.readMany(user, reads, await memo.prefetchedNews());
    return new Map(reads.map(({ read, reactors }, i) => [aheadKey(read, reactors), results[i]]));
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
    return this.render(rows, user, o.reactors);
  }

  /** One live message the caller may see; 404 otherwise. */
  async one(
    room: Room,
    user: User | null,
    perms: RoomPermissions,
    id: number | null,
    reactors: number,
  ) {
    await this.recordActivity(room, user);
    const row =
      id === null ? null : await this.messages.visible(room.id, viewerOf(user, perms), id);
    if (!row) throw SogsError.notFound(`No such post: ${id}`);
    const [message] = await this.render([row], user, reactors);
    return message;
  }

  private async recordActivity(room: Room, user: User | null) {
    if (user) await this.activity.record(room.id, user.id, this.clock.now());
  }

  /**
   * Since reads' rows (those `known` by `sinceKey`, the rest in one statement), and their
   * reactions with as many reactors as each read asks.
   */
  private async readMany(
    user: User | null,
    reads: { read: SinceRead; reactors: number }[],
    known = new Map<string, MessageRow[]>(),
  ): Promise<SinceResult[]> {
    const missing = reads.map((r) => r.read).filter((read) => !known.has(sinceKey(read)));
    const queried = missing.length ? await this.messages.since(user?.id ?? null, missing) : [];
    const rowsOf = new Map(missing.map((read, i) => [sinceKey(read), queried[i]]));
    const rows = reads.map(({ read }) => known.get(sinceKey(read)) ?? rowsOf.get(sinceKey(read))!);
    const ids = new Map<number, number[]>();
    rows.forEach((found, i) => {
      const { read, reactors } = reads[i];
      const wanted = withReactions(found, reactionOnlyAfter(read.after));
      ids.set(reactors, [...(ids.get(reactors) ?? []), ...wanted]);
    });
    const byReactors = new Map<number, Map<number, ReactionMap>>();
    for (const [reactors, wanted] of ids) {
      byReactors.set(reactors, await this.reactions.summaries(wanted, user?.id ?? null, reactors));
    }
    return rows.map((found, i) => ({
      rows: found,
      reactions: byReactors.get(reads[i].reactors)!,
    }));
  }

  private async render(rows: MessageRow[], user: User | null, reactors: number) {
    const none = () => false;
    const reactions = await this.reactions.summaries(
      withReactions(rows, none),
      user?.id ?? null,
      reactors,
    );
    return present({ rows, reactions }, none);
  }
}

/** Message objects of rows: reaction-only changes as such, the rest in full. */
function present({ rows, reactions }: SinceResult, reactionOnly: (m: MessageRow) => boolean) {
  return rows.map((m) =>
    reactionOnly(m)
      ? toReactionUpdate(m, reactions.get(m.id)!)
      : toMessageObject(m, reactions.get(m.id) ?? {}),
  );
}

export function viewerOf(user: User | null, perms: RoomPermissions): Viewer {
  return { userId: user?.id ?? null, moderator: perms.moderator };
}
