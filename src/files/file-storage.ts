/**
 * Where upload bytes live: a local directory by default; any store that can put, get and delete
 * by key (e.g. an S3-compatible bucket shared by several hosts) can stand in.
 */
export abstract class FileStorage {
  /** Stores the bytes under `key` completely or not at all. */
  abstract put(key: string, data: Buffer): Promise<void>;
  /** The bytes, or null when the key holds nothing. */
  abstract get(key: string): Promise<Buffer | null>;
  /** Removes the bytes; a missing key is not an error. */
  abstract delete(key: string): Promise<void>;
}

/** A storage failure the client should hear about (disk full, store unreachable, …). */
export class StorageError extends Error {}
