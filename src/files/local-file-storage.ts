import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FileStorage, StorageError } from './file-storage';

const KEY = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/;

/** Uploads in a directory (by default `<data dir>/uploads`); keys are relative paths. */
export class LocalFileStorage extends FileStorage {
  constructor(private readonly root: string) {
    super();
  }

  private pathOf(key: string): string {
    if (!KEY.test(key)) throw new StorageError(`invalid storage key`);
    return path.join(this.root, key);
  }

  /** Written to a temporary name and renamed, so a crash never leaves half a file at the key. */
  async put(key: string, data: Buffer): Promise<void> {
    const target = this.pathOf(key);
    const temp = `${target}.${randomBytes(6).toString('hex')}.part`;
    try {
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(temp, data, { flush: true });
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw new StorageError(
        `could not store upload: ${(err as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await unlink(this.pathOf(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
}
