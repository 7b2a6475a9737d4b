import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ImportError } from './user-map';

/** PySOGS's `key_x25519`: 32 raw bytes, the same format as ours. */
export function readPysogsKey(file: string): Buffer {
  if (!existsSync(file)) throw new ImportError(`${file}: no such key file`);
  const bytes = readFileSync(file);
  if (bytes.length !== 32) {
    throw new ImportError(`${file}: expected 32 raw key bytes, found ${bytes.length}`);
  }
  return bytes;
}

/**
 * Puts the imported key at our key file location, keeping what was there so that a failed
 * commit can put it back: the key and the database must change together.
 */
export class KeyInstall {
  private previous: Buffer | null = null;
  private installed = false;

  constructor(
    private readonly target: string,
    private readonly key: Buffer,
  ) {}

  install(): void {
    this.previous = existsSync(this.target) ? readFileSync(this.target) : null;
    if (this.previous?.equals(this.key)) return;
    this.write(this.key);
    this.installed = true;
  }

  rollback(): void {
    if (!this.installed) return;
    if (this.previous) this.write(this.previous);
    else rmSync(this.target, { force: true });
    this.installed = false;
  }

  /** Through a temporary file and a rename: never half a key, and a 0400 file is replaceable. */
  private write(bytes: Buffer): void {
    mkdirSync(path.dirname(this.target), { recursive: true });
    const temp = `${this.target}.${randomBytes(6).toString('hex')}.tmp`;
    writeFileSync(temp, bytes, { mode: 0o400, flag: 'wx' });
    renameSync(temp, this.target);
  }
}
