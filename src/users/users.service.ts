import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { ServerKeys } from '../config/server-keys';
import { blindedCandidates, toAbsBlindedId } from '../crypto/blinding';
import { Database } from '../db/database';
import { Clock } from '../common/clock';
import { RoomsRepository } from '../rooms/rooms.repository';
import type { User } from './user';
import { UsersRepository } from './users.repository';

/** Finds and creates users, mapping unblinded `05` IDs to blinded `15` ones (auth.md §9). */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly rooms: RoomsRepository,
    private readonly db: Database,
    private readonly keys: ServerKeys,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  find(sessionId: string): Promise<User | null> {
    return this.users.findBySessionId(sessionId);
  }

  /**
   * The user with this ID, created if unknown. A new blinded user inherits whatever was recorded
   * against its unblinded Session ID while it was pending blinding.
   */
  async getOrCreate(sessionId: string): Promise<User> {
    const known = await this.users.findBySessionId(sessionId);
    if (known) return known;
    const now = this.clock.now();
    if (!sessionId.startsWith('15') || !this.config.users.requireBlindKeys) {
      return this.users.insertOrGet(sessionId, now);
    }
    const abs = toAbsBlindedId(sessionId);
    return this.db.transaction(async (tx) => {
      const pending = await this.users.pendingBlinding(abs, tx);
      if (!pending) return this.users.insertOrGet(sessionId, now, tx);
      const moved = await this.users.migrateToBlinded(pending, sessionId, abs, tx);
      if (moved.globalRoleMoved) await this.rooms.bumpInfoUpdatesEverywhere(tx);
      else if (moved.roomIdsWithRoles.length) {
        await this.rooms.bumpInfoUpdates(moved.roomIdsWithRoles, tx);
      }
      return moved.user;
    });
  }

  /**
   * The user a moderation action given `sessionId` applies to. With blinding required, a `05` ID
   * means its blinded user when one is known; otherwise the `05` record, flagged so the action
   * follows the person to their blinded ID when they first appear.
   */
  async resolveTarget(sessionId: string): Promise<User> {
    if (!sessionId.startsWith('05') || !this.config.users.requireBlindKeys) {
      return this.getOrCreate(sessionId);
    }
    const candidates = blindedCandidates(sessionId, this.keys.blindingFactor);
    if (!candidates) return this.getOrCreate(sessionId);
    const blinded = await this.users.findAnyOf([candidates.abs, candidates.neg]);
    if (blinded) return blinded;
    const user = await this.users.insertOrGet(sessionId, this.clock.now());
    await this.users.addNeedsBlinding(candidates.abs, user.id);
    return user;
  }

  /** Every user an operator action given `sessionId` may concern: the ID and its blinded forms. */
  async matching(sessionId: string): Promise<User[]> {
    const ids = [sessionId];
    if (sessionId.startsWith('05') && this.config.users.requireBlindKeys) {
      const candidates = blindedCandidates(sessionId, this.keys.blindingFactor);
      if (candidates) ids.push(candidates.abs, candidates.neg);
    }
    const found = await Promise.all(ids.map((id) => this.users.findBySessionId(id)));
    return found.filter((u): u is User => u !== null);
  }

  /** Start-up: the system user exists, and pending `05` users are flagged (auth.md §9 step 4). */
  async prepare(): Promise<void> {
    const now = this.clock.now();
    await this.db.query(
      `INSERT INTO users (session_id, created, last_active, moderator, admin, visible_mod)
       VALUES ($1, $2, $2, true, true, false) ON CONFLICT (session_id) DO NOTHING`,
      [this.keys.systemSessionId, now],
    );
    if (!this.config.users.requireBlindKeys) return;
    for (const user of await this.users.unblindedWithStanding()) {
      const candidates = blindedCandidates(user.sessionId, this.keys.blindingFactor);
      if (candidates) await this.users.addNeedsBlinding(candidates.abs, user.id);
    }
  }

  touch(user: User, now: number): Promise<void> {
    return this.users.touch(user.id, now);
  }
}
