import type { Room } from '../rooms/room';
import type { Override } from '../moderation/room-permissions';
import type { MessageRow } from '../messages/message';
import type { SinceResult } from '../messages/message-reads.service';

export type RoomForCaller = { room: Room; override: Override | null } | null;

/**
 * The caller's highest DM ids, received and sent (0 when none): a poll's `/inbox/since/:id` and
 * `/outbox/since/:id` need no query when the id is at or past them.
 */
export interface DmHighs {
  inbox: number;
  outbox: number;
}

/** What a poll's sub-requests look up, read in one round trip before they run. */
export interface PollSnapshot {
  /** By lower-case token; absent = no such room. */
  rooms: Map<string, RoomForCaller>;
  /** Null unless asked for. */
  dms: DmHighs | null;
  /** Rows of planned `messages/since` reads that found news, by `sinceKey`. */
  news: Map<string, MessageRow[]>;
}

/** A prefetched entry that no sub-request may await must not crash the process if it fails. */
function quiet<T>(entry: Promise<T>): Promise<T> {
  entry.catch(() => undefined);
  return entry;
}

/**
 * Lookups shared by the sub-requests of one /batch or /sequence: a poll asks for the same rooms
 * (with the same caller's override) several times, and for the caller's DMs. Cleared after any
 * sub-request that may write.
 */
export class RequestMemo {
  private readonly rooms = new Map<string, Promise<RoomForCaller>>();
  private dms?: Promise<DmHighs | null>;
  private news?: Promise<Map<string, MessageRow[]>>;
  private since?: Promise<Map<string, SinceResult>>;
  private sinceLoader?: () => Promise<Map<string, SinceResult>>;

  room(token: string, load: () => Promise<RoomForCaller>): Promise<RoomForCaller> {
    const key = token.toLowerCase();
    let hit = this.rooms.get(key);
    if (!hit) this.rooms.set(key, (hit = load()));
    return hit;
  }

  /** The room of `token` if it was looked up already (or is being); never starts a lookup. */
  known(token: string): Promise<RoomForCaller> | undefined {
    return this.rooms.get(token.toLowerCase());
  }

  /** The prefetched DM highs; undefined when none were prefetched (or since cleared). */
  dmHighs(): Promise<DmHighs | null> | undefined {
    return this.dms;
  }

  /**
   * Looks up several rooms, and the caller's DM highs if `withDms`, ahead of the sub-requests
   * that need them: `load` answers for each (lower-case) token the same as `room()`'s loader
   * would. What is already known is not asked for again.
   */
  prefetch(
    tokens: string[],
    withDms: boolean,
    load: (tokens: string[], withDms: boolean) => Promise<PollSnapshot>,
  ): void {
    const wanted = [...new Set(tokens.map((t) => t.toLowerCase()))].filter(
      (t) => !this.rooms.has(t),
    );
    const dms = withDms && this.dms === undefined;
    if (wanted.length === 0 && !dms) return;
    const all = load(wanted, dms);
    for (const token of wanted) {
      this.rooms.set(token, quiet(all.then((found) => found.rooms.get(token) ?? null)));
    }
    if (dms) this.dms = quiet(all.then((found) => found.dms));
    this.news = all.then((found) => found.news).catch(() => new Map<string, MessageRow[]>());
  }

  /** Rows of `messages/since` reads that the prefetch found news for (by `sinceKey`). */
  prefetchedNews(): Promise<Map<string, MessageRow[]>> {
    return this.news ?? Promise.resolve(new Map());
  }

  /**
   * The `messages/since` reads of the batch read together (rows and reactions, by read), loaded
   * when first asked for: a poll whose rooms have no news never asks. Undefined when no loader
   * was given (or since cleared). A read that is not in the map runs its own query.
   */
  sinceResults(): Promise<Map<string, SinceResult>> | undefined {
    if (!this.since && this.sinceLoader) {
      this.since = this.sinceLoader().catch(() => new Map<string, SinceResult>());
    }
    return this.since;
  }

  /** How to read the batch's `messages/since` reads together; a failure leaves each to itself. */
  readSinceWith(load: () => Promise<Map<string, SinceResult>>): void {
    this.sinceLoader = load;
    this.since = undefined;
  }

  clear(): void {
    this.rooms.clear();
    this.dms = undefined;
    this.news = undefined;
    this.since = undefined;
    this.sinceLoader = undefined;
  }
}
