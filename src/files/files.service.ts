import { randomBytes } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { SogsError } from '../common/sogs-error';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { FileStorage, StorageError } from './file-storage';
import { FilesRepository, type FileRecord } from './files.repository';

/** An upload lives this long unless a post claims it (model.md §9). */
export const UNCLAIMED_LIFETIME = 3600;
/** How many expired files one pass of the periodic job removes. */
const EXPIRE_BATCH = 500;

/** Uploads, downloads and expiry of room files. */
@Injectable()
export class FilesService {
  private readonly logger = new Logger('Files');

  constructor(
    private readonly files: FilesRepository,
    private readonly storage: FileStorage,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Stores the bytes first, then the row that points at them: a crash in between leaves
   * unreferenced bytes, never a row without bytes.
   */
  async upload(room: Room, user: User, data: Buffer, filename: string | null): Promise<number> {
    if (data.length > this.config.files.maxSize) {
      throw new SogsError(
        413,
        'FILE_TOO_LARGE',
        `File too large (at most ${this.config.files.maxSize} bytes)`,
      );
    }
    const key = `${room.id}/${randomBytes(16).toString('hex')}`;
    try {
      await this.storage.put(key, data);
    } catch (err) {
      this.logger.error(`upload not stored: ${(err as Error).message}`);
      throw new SogsError(507, 'STORAGE_FAILED', 'The server could not store the file');
    }
    const now = this.clock.now();
    try {
      return await this.files.insert({
        roomId: room.id,
        uploaderId: user.id,
        size: data.length,
        uploaded: now,
        expiry: now + UNCLAIMED_LIFETIME,
        filename,
        storageKey: key,
      });
    } catch (err) {
      await this.storage.delete(key).catch(() => undefined);
      throw err;
    }
  }

  /** A live file of the room with its bytes; 404 when missing, expired or of another room. */
  async download(room: Room, id: number | null): Promise<{ file: FileRecord; data: Buffer }> {
    const file = id === null ? null : await this.files.findLive(room.id, id, this.clock.now());
    const data = file ? await this.storage.get(file.storageKey) : null;
    if (!file || !data) throw SogsError.notFound(`No such file: ${id}`);
    return { file, data };
  }

  /** Periodic job: removes expired files, bytes first and then rows, so nothing is orphaned. */
  async removeExpired(): Promise<number> {
    const expired = await this.files.expired(this.clock.now(), EXPIRE_BATCH);
    if (!expired.length) return 0;
    const removed: number[] = [];
    for (const f of expired) {
      try {
        await this.storage.delete(f.storageKey);
        removed.push(f.id);
      } catch (err) {
        if (!(err instanceof StorageError)) this.logger.warn(`could not delete expired file bytes`);
      }
    }
    if (removed.length) await this.files.deleteRows(removed);
    return removed.length;
  }
}
