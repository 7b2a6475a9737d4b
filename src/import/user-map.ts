import type { RowOf } from './pysogs-tables';
import type { User } from '../users/user';

type UserRow = RowOf<'users'>;

/** A user as it will be written: PySOGS's id (of the surviving row) and a lower-case ID. */
export type MergedUser = User;

export class ImportError extends Error {}

const SESSION_ID = /^[0-9a-f]{66}$/;

/**
 * PySOGS user ids → the users written here. PySOGS takes IDs from URL paths verbatim, so the same
 * person may exist as `05ABC…` and `05abc…`; both become one lower-case user keeping the
 * lower-case row's id (else the oldest), the earliest `created`, the latest `last_active` and the
 * union of global roles. Its `ff…` system user becomes ours, `ff` + this server's key.
 */
export class UserMap {
  readonly users: MergedUser[] = [];
  /** Rows folded into another one because their IDs differ only in case. */
  readonly merged: string[] = [];
  /** A user both banned and moderator after merging: the role wins, as PySOGS forbids both. */
  readonly banDropped: string[] = [];
  private readonly ids = new Map<number, number>();
  /** Set when PySOGS had a system user keyed by another server key. */
  foreignSystemId: string | null = null;

  constructor(rows: UserRow[], systemSessionId: string) {
    const invalid: string[] = [];
    const byId = new Map<string, UserRow[]>();
    for (const r of rows) {
      const sid = (r.session_id ?? '').toLowerCase();
      const key = r.id === 0 || sid.startsWith('ff') ? systemSessionId : sid;
      if (key === systemSessionId && sid !== systemSessionId) this.foreignSystemId = sid;
      if (!SESSION_ID.test(key)) invalid.push(`${r.id}: ${JSON.stringify(r.session_id)}`);
      else if (byId.has(key)) byId.get(key)!.push(r);
      else byId.set(key, [r]);
    }
    if (invalid.length) {
      throw new ImportError(
        `PySOGS users whose IDs are not 66 hex digits (id: session_id): ` +
          invalid.slice(0, 10).join(', ') +
          (invalid.length > 10 ? ` and ${invalid.length - 10} more` : ''),
      );
    }
    for (const [sessionId, group] of byId) this.add(sessionId, group, systemSessionId);
    if (!this.users.some((u) => u.sessionId === systemSessionId)) {
      // No system user in PySOGS (never started with this schema?): ours gets the next free id.
      const id = this.users.reduce((next, u) => Math.max(next, u.id + 1), 0);
      this.users.push(systemUser(id, systemSessionId, Date.now() / 1000));
    }
  }

  private add(sessionId: string, group: UserRow[], systemSessionId: string): void {
    group.sort((a, b) => rank(a, sessionId) - rank(b, sessionId) || a.id! - b.id!);
    const [keep, ...rest] = group;
    for (const r of group) this.ids.set(r.id!, keep.id!);
    const created = Math.min(...group.map((r) => r.created ?? Infinity));
    const lastActive = Math.max(...group.map((r) => r.last_active ?? 0));
    if (sessionId === systemSessionId) {
      this.users.push(systemUser(keep.id!, sessionId, created, lastActive));
      return;
    }
    const any = (f: (r: UserRow) => boolean | null) => group.some((r) => f(r) === true);
    const admin = any((r) => r.admin);
    const moderator = admin || any((r) => r.moderator);
    const banned = any((r) => r.banned);
    if (banned && moderator) this.banDropped.push(sessionId);
    this.merged.push(...rest.map((r) => `${r.session_id} → ${sessionId}`));
    this.users.push({
      id: keep.id!,
      sessionId,
      created,
      lastActive,
      banned: banned && !moderator,
      moderator,
      admin,
      visibleMod: group.find((r) => r.moderator)?.visible_mod ?? keep.visible_mod ?? false,
    });
  }

  /** Our id for a PySOGS user id; undefined when PySOGS has no such user. */
  get(pysogsId: number | null): number | undefined {
    return pysogsId === null ? undefined : this.ids.get(pysogsId);
  }

  get systemUserId(): number {
    return this.users.find((u) => u.sessionId.startsWith('ff'))!.id;
  }
}

/** The row already spelled in lower case survives a merge. */
const rank = (r: UserRow, lower: string) => (r.session_id === lower ? 0 : 1);

function systemUser(id: number, sessionId: string, created: number, lastActive = created) {
  return {
    id,
    sessionId,
    created,
    lastActive,
    banned: false,
    moderator: true,
    admin: true,
    visibleMod: false,
  };
}
