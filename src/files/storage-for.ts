import path from 'node:path';
import type { AppConfig } from '../config/app-config';
import type { FileStorage } from './file-storage';
import { LocalFileStorage } from './local-file-storage';
import { S3FileStorage } from './s3-file-storage';

/** The configured upload storage: the S3-compatible bucket if set, else the directory. */
export function storageFor(config: AppConfig): FileStorage {
  return config.files.s3
    ? new S3FileStorage(config.files.s3)
    : new LocalFileStorage(path.resolve(config.dataDir, config.files.uploadsDir));
}
