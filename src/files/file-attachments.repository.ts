import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import type { Queryable } from '../db/database';

/** Only uploads this recent may be attached to a post. */
const ATTACH_WINDOW = 3600;

/**
 * Expiry bookkeeping of uploads as messages attach, pin, unpin and delete them (model.md §9).
 * An attached upload lives `files.expiry` seconds; null (in SQL too) means forever.
 */
@Injectable()
export class FileAttachmentsRepository {
  private readonly lifetime: number | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.lifetime = config.files.expiry;
  }

  /**
   * Attaches the caller's own recent, unattached, still-expiring uploads to this room's message;
   * other ids are ignored. Files of a pinned message never expire.
   */
  async attach(
    tx: Queryable,
    a: { roomId: number; uploaderId: number; messageId: number; fileIds: number[]; now: number },
  ): Promise<void> {
    if (!a.fileIds.length) return;
    await tx.query(
      `UPDATE files SET message_id = $3,
         expiry = CASE WHEN EXISTS (SELECT 1 FROM pinned_messages WHERE message_id = $3)
                       THEN NULL ELSE $5::double precision + $6::double precision END
       WHERE id = ANY($4::bigint[]) AND room_id = $1 AND uploader_id = $2
         AND message_id IS NULL AND expiry IS NOT NULL AND uploaded >= $5::double precision - $7`,
      [a.roomId, a.uploaderId, a.messageId, a.fileIds, a.now, this.lifetime, ATTACH_WINDOW],
    );
  }

  /** Attachments of pinned messages never expire. */
  async keepForever(tx: Queryable, messageIds: number[]): Promise<void> {
    await tx.query('UPDATE files SET expiry = NULL WHERE message_id = ANY($1::bigint[])', [
      messageIds,
    ]);
  }

  /** Unpinned: back to the normal lifetime, counted from the upload (so possibly already gone). */
  async restoreExpiry(tx: Queryable, messageIds: number[]): Promise<void> {
    await tx.query(
      'UPDATE files SET expiry = uploaded + $2::double precision WHERE message_id = ANY($1::bigint[])',
      [messageIds, this.lifetime],
    );
  }

  /** Deleted messages lose their attachments at once. */
  async expireForMessages(tx: Queryable, messageIds: number[], now: number): Promise<void> {
    await tx.query('UPDATE files SET expiry = $2 WHERE message_id = ANY($1::bigint[])', [
      messageIds,
      now,
    ]);
  }

  /** "Delete all": every upload of the user in the room expires, except the room's image. */
  async expireUploadsOf(tx: Queryable, roomId: number, userId: number, now: number) {
    await tx.query(
      `UPDATE files SET expiry = $3 WHERE room_id = $1 AND uploader_id = $2
         AND id IS DISTINCT FROM (SELECT image_id FROM rooms WHERE id = $1)`,
      [roomId, userId, now],
    );
  }
}
