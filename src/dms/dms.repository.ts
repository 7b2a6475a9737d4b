import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';

/** A DM as stored, with both parties' IDs. */
export interface DmRow {
  id: number;
  posted_at: number;
  expires_at: number;
  sender: string;
  recipient: string;
  body: Buffer;
}

const SELECT = `SELECT i.id, i.posted_at, i.expiry AS expires_at, s.session_id AS sender,
                       r.session_id AS recipient, i.body
                  FROM inbox i JOIN users s ON s.id = i.sender_id JOIN users r ON r.id = i.recipient_id`;

/** Queries on `inbox`: blinded direct messages, stored opaquely. */
@Injectable()
export class DmsRepository {
  constructor(private readonly db: Database) {}

  async insert(
    senderId: number,
    recipientId: number,
    body: Buffer,
    now: number,
    expiry: number,
  ): Promise<number> {
    const [row] = await this.db.query<{ id: number }>(
      `INSERT INTO inbox (sender_id, recipient_id, body, posted_at, expiry)
       VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [senderId, recipientId, body, now, expiry],
    );
    return row.id;
  }

  /** Live DMs received (or sent) by the user with id > `after`, oldest first. */
  async list(
    side: 'inbox' | 'outbox',
    userId: number,
    after: number,
    limit: number,
    now: number,
  ): Promise<DmRow[]> {
    const column = side === 'inbox' ? 'recipient_id' : 'sender_id';
    return this.db.query<DmRow>(
      `${SELECT} WHERE i.${column} = $1 AND i.id > $2 AND i.expiry > $3 ORDER BY i.id LIMIT $4`,
      [userId, after, now, limit],
    );
  }

  /** DMs sent by the user since `since`: the send rate limit counts them. */
  async sentSince(senderId: number, since: number): Promise<number> {
    const [row] = await this.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM inbox WHERE sender_id = $1 AND posted_at >= $2',
      [senderId, since],
    );
    return row.n;
  }

  async deleteInbox(recipientId: number): Promise<number> {
    const rows = await this.db.query('DELETE FROM inbox WHERE recipient_id = $1 RETURNING 1', [
      recipientId,
    ]);
    return rows.length;
  }
}
