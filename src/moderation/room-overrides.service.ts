import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { isPlainObject } from '../common/json-body';
import { SogsError } from '../common/sogs-error';
import { Database } from '../db/database';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { UsersService } from '../users/users.service';
import { FuturesRepository, type FuturePermission, type FutureRow } from './futures.repository';
import { ModerationLogRepository } from './moderation-log.repository';
import { OverridesRepository, type PermissionName } from './overrides.repository';
import { toPermissionObject } from './room-permissions';

const PERMISSIONS: PermissionName[] = ['read', 'accessible', 'write', 'upload'];
const FUTURE_PERMISSIONS: FuturePermission[] = ['read', 'write', 'upload'];
const MAX_IN = 1_000_000_000;

function boolOrNull(v: unknown, name: string): boolean | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'boolean') throw SogsError.badRequest(`${name} must be true, false or null`);
  return v;
}

/** A scheduled change in wire shape: keys present only when the change sets them. */
function toFuture(f: FutureRow, withSessionId: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = withSessionId
    ? { session_id: f.session_id, at: f.at }
    : { at: f.at };
  for (const k of ['read', 'write', 'upload', 'banned'] as const) if (f[k] !== null) out[k] = f[k];
  return out;
}

/** The moderator routes on per-user room permissions and their scheduled changes (api.md §5). */
@Injectable()
export class RoomOverridesService {
  constructor(
    private readonly db: Database,
    private readonly overrides: OverridesRepository,
    private readonly futures: FuturesRepository,
    private readonly log: ModerationLogRepository,
    private readonly users: UsersService,
    private readonly clock: Clock,
  ) {}

  async list(room: Room): Promise<Record<string, Record<string, boolean>>> {
    const out: Record<string, Record<string, boolean>> = {};
    for (const [sessionId, o] of await this.overrides.listForRoom(room.id))
      out[sessionId] = toPermissionObject(o);
    return out;
  }

  /** One user's permission object (`{}` when they have no override or are unknown). */
  async ofUser(room: Room, sessionId: string): Promise<Record<string, boolean>> {
    const [user] = await this.users.matching(sessionId.toLowerCase());
    return toPermissionObject(user ? await this.overrides.find(room.id, user.id) : null);
  }

  /** `POST /room/:token/permissions/:sid`: sets or clears overrides; 400 for bad or no changes. */
  async set(room: Room, caller: User, sessionId: string, body: unknown) {
    if (!isPlainObject(body)) throw SogsError.badRequest('Expected a JSON object');
    const changes: Partial<Record<PermissionName, boolean | null>> = {};
    for (const p of PERMISSIONS) {
      const value = boolOrNull(body[p], p);
      const reset = body[`default_${p}`];
      if (
        reset !== undefined &&
        reset !== null &&
        typeof reset !== 'boolean' &&
        typeof reset !== 'number'
      ) {
        throw SogsError.badRequest(`default_${p} must be a boolean`);
      }
      if (reset) {
        if (value !== null) throw SogsError.badRequest(`${p} and default_${p} conflict`);
        changes[p] = null;
      } else if (value !== null) {
        changes[p] = value;
      }
    }
    if (!Object.keys(changes).length) throw SogsError.badRequest('Nothing to change');
    const target = await this.users.resolveTarget(sessionId.toLowerCase());
    const now = this.clock.now();
    await this.db.transaction(async (tx) => {
      await this.overrides.setPermissions(room.id, target.id, changes, tx);
      if (body.unschedule !== false) {
        const touched = FUTURE_PERMISSIONS.filter((p) => p in changes);
        await this.futures.unschedule(room.id, target.id, touched, tx);
      }
      await this.log.record(tx, now, {
        actorId: caller.id,
        action: 'permissions',
        roomId: room.id,
        targetUserId: target.id,
        details: changes,
      });
    });
    return toPermissionObject(await this.overrides.find(room.id, target.id));
  }

  async listFutures(room: Room): Promise<Record<string, unknown>[]> {
    return (await this.futures.list(room.id)).map((f) => toFuture(f, true));
  }

  async futuresOf(room: Room, sessionId: string): Promise<Record<string, unknown>[]> {
    const [user] = await this.users.matching(sessionId.toLowerCase());
    if (!user) return [];
    return (await this.futures.list(room.id, user.id)).map((f) => toFuture(f, false));
  }

  /** `POST /room/:token/futurePermissions/:sid`: schedules a change `in` seconds from now. */
  async schedule(room: Room, caller: User, sessionId: string, body: unknown) {
    if (!isPlainObject(body)) throw SogsError.badRequest('Expected a JSON object');
    const change: Partial<Record<FuturePermission, boolean>> = {};
    for (const p of FUTURE_PERMISSIONS) {
      const v = boolOrNull(body[p], p);
      if (v !== null) change[p] = v;
    }
    if (!Object.keys(change).length) throw SogsError.badRequest('Nothing to schedule');
    const seconds = body.in;
    if (typeof seconds !== 'number' || !(seconds > 0 && seconds < MAX_IN)) {
      throw SogsError.badRequest('in must be a number of seconds, 0 < in < 1000000000');
    }
    const target = await this.users.resolveTarget(sessionId.toLowerCase());
    const now = this.clock.now();
    await this.futures.schedule(room.id, target.id, now + seconds, change);
    await this.log.record(this.db, now, {
      actorId: caller.id,
      action: 'schedule_permissions',
      roomId: room.id,
      targetUserId: target.id,
      details: { ...change, in: seconds },
    });
    return (await this.futures.list(room.id, target.id)).map((f) => toFuture(f, false));
  }
}
