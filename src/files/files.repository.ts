import { Injectable } from '@nestjs/common';
import { Database, type Queryable } from '../db/database';

export interface FileRecord {
  id: number;
  roomId: number;
  size: number;
  uploaded: number;
  expiry: number | null;
  filename: string | null;
  storageKey: string;
}

interface FileRow {
  id: number;
  room_id: number;
  size: number;
  uploaded: number;
  expiry: number | null;
  filename: string | null;
  storage_key: string;
}

const toRecord = (r: FileRow): FileRecord => ({
  id: r.id,
  roomId: r.room_id,
  size: r.size,
  uploaded: r.uploaded,
  expiry: r.expiry,
  filename: r.filename,
  storageKey: r.storage_key,
});

/** Queries on `files`. */
@Injectable()
export class FilesRepository {
  constructor(private readonly db: Database) {}

  async insert(f: Omit<FileRecord, 'id'> & { uploaderId: number }): Promise<number> {
    const [row] = await this.db.query<{ id: number }>(
      `INSERT INTO files (room_id, uploader_id, size, uploaded, expiry, filename, storage_key)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [f.roomId, f.uploaderId, f.size, f.uploaded, f.expiry, f.filename, f.storageKey],
    );
    return row.id;
  }

  /** A file of this room that has not expired at `now`. */
  async findLive(
    roomId: number,
    id: number,
    now: number,
    q: Queryable = this.db,
  ): Promise<FileRecord | null> {
    const rows = await q.query<FileRow>(
      `SELECT id, room_id, size, uploaded, expiry, filename, storage_key FROM files
        WHERE id = $1 AND room_id = $2 AND (expiry IS NULL OR expiry > $3)`,
      [id, roomId, now],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Makes `fileId` the room image (never expiring) and expires the one it replaces. */
  async setRoomImage(roomId: number, fileId: number, now: number, q: Queryable): Promise<void> {
    await q.query(
      `UPDATE files SET expiry = $3
        WHERE id = (SELECT image_id FROM rooms WHERE id = $1) AND id <> $2`,
      [roomId, fileId, now],
    );
    await q.query('UPDATE files SET expiry = NULL WHERE id = $1', [fileId]);
  }

  /** Expired files, oldest first: the periodic job deletes their bytes, then these rows. */
  async expired(now: number, limit: number): Promise<{ id: number; storageKey: string }[]> {
    const rows = await this.db.query<{ id: number; storage_key: string }>(
      'SELECT id, storage_key FROM files WHERE expiry <= $1 ORDER BY expiry LIMIT $2',
      [now, limit],
    );
    return rows.map((r) => ({ id: r.id, storageKey: r.storage_key }));
  }

  async deleteRows(ids: number[]): Promise<void> {
    await this.db.query('DELETE FROM files WHERE id = ANY($1)', [ids]);
  }
}
