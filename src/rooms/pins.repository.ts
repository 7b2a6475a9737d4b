import { Injectable } from '@nestjs/common';
import { Database } from '../db/database';

export interface Pin {
  id: number;
  pinned_at: number;
  pinned_by: string;
}

/** Queries on `pinned_messages`. */
@Injectable()
export class PinsRepository {
  constructor(private readonly db: Database) {}

  /** Pins of a room in wire shape, oldest pin first. */
  async ofRoom(roomId: number): Promise<Pin[]> {
    return this.db.query<Pin>(
      `SELECT p.message_id AS id, p.pinned_at, u.session_id AS pinned_by
         FROM pinned_messages p JOIN users u ON u.id = p.pinned_by
        WHERE p.room_id = $1 ORDER BY p.pinned_at, p.message_id`,
      [roomId],
    );
  }
}
