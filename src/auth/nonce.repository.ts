import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';
import { StatementGroup } from '../db/statement-group';
import { toUser, type User, type UserRow } from '../users/user';

export interface Recorded {
  /** False when the nonce had been used before. */
  fresh: boolean;
  /** The user the request claims to be; null when unknown. */
  user: User | null;
}

interface Pending {
  sessionId: string;
  nonce: Buffer;
  expiry: number;
}

/** Nonces written by one statement at most (a bound on the statement's size). */
const MAX_GROUP = 500;
/** Statements in flight at once: one slow commit does not hold up every request behind it. */
const WRITERS = 2;

/**
 * Records a group of nonces and reads the claimed users, in one statement (one commit). The
 * insert skips a nonce repeated within the group; RecordGroup marks the repeats as not fresh.
 * The group comes as one JSON parameter, not arrays: PostgreSQL estimates an array parameter's
 * rows from its value, which made every run plan the statement afresh; a JSON set has one
 * estimate, and the statement gets a generic plan after five runs.
 */
const RECORD_GROUP = `
  WITH req AS (
    SELECT r.i, r.session_id, decode(r.nonce, 'hex') AS nonce, r.expiry
      FROM json_to_recordset($1::json) AS r(i int, session_id text, nonce text, expiry float8)
  ), n AS (
    INSERT INTO request_nonces (nonce, expiry)
      SELECT DISTINCT ON (nonce) nonce, expiry FROM req ORDER BY nonce, i
      ON CONFLICT (nonce) DO NOTHING RETURNING nonce
  )
  SELECT EXISTS (SELECT 1 FROM n WHERE n.nonce = req.nonce) AS fresh, u.id, u.session_id,
         u.created, u.last_active, u.banned, u.moderator, u.admin, u.visible_mod
    FROM req LEFT JOIN users u ON u.session_id = req.session_id
   ORDER BY req.i`;

/**
 * Request nonces, unique across all users and shared by every process on the database; the
 * UNIQUE key settles races. Writes are grouped (StatementGroup), so under load many requests
 * share one commit, and an idle server still writes each nonce at once.
 */
@Injectable()
export class NonceRepository {
  private readonly groups = new StatementGroup(
    (group: Pending[]) => this.recordGroup(group),
    MAX_GROUP,
    WRITERS,
  );

  constructor(private readonly db: Database) {}

  /** Records the nonce and, in the same round trip, reads the user the request claims to be. */
  recordFor(sessionId: string, nonce: Buffer, expiry: number): Promise<Recorded> {
    return this.groups.add({ sessionId, nonce, expiry });
  }

  async seen(nonce: Buffer): Promise<boolean> {
    const rows = await this.db.query('SELECT 1 FROM request_nonces WHERE nonce = $1', [nonce]);
    return rows.length === 1;
  }

  private async recordGroup(group: Pending[]): Promise<Recorded[]> {
    const set = group.map((p, i) => ({
      i,
      session_id: p.sessionId,
      nonce: p.nonce.toString('hex'),
      expiry: p.expiry,
    }));
    const rows = await this.db.queryAsyncCommit<{ fresh: boolean } & Partial<UserRow>>(
      RECORD_GROUP,
      [JSON.stringify(set)],
    );
    const first = new Set<string>();
    return rows.map((row, i) => {
      const key = group[i].nonce.toString('hex');
      const repeated = first.has(key);
      first.add(key);
      return {
        fresh: row.fresh && !repeated,
        user: row.id == null ? null : toUser(row as UserRow),
      };
    });
  }
}
