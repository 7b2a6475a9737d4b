import { FileStorage, StorageError } from './file-storage';
import { sha256Hex, signV4, type SigV4Credentials } from './aws-sigv4';

export interface S3Settings {
  /** e.g. `https://s3.eu-central-1.amazonaws.com` or a MinIO/Garage URL; path-style addressing. */
  endpoint: string;
  bucket: string;
  region: string;
  accessKey: string;
  secretKey: string;
}

/**
 * Uploads in an S3-compatible bucket, so that server processes on several hosts share them.
 * Objects are written whole (a PUT either lands or not), read and deleted by key.
 */
export class S3FileStorage extends FileStorage {
  private readonly creds: SigV4Credentials;

  constructor(private readonly s3: S3Settings) {
    super();
    this.creds = {
      accessKey: s3.accessKey,
      secretKey: s3.secretKey,
      region: s3.region,
      service: 's3',
    };
  }

  private async send(method: string, key: string, body?: Buffer): Promise<Response> {
    const url = new URL(`${this.s3.endpoint.replace(/\/+$/, '')}/${this.s3.bucket}/${key}`);
    const payloadHash = sha256Hex(body ?? '');
    const headers = signV4(this.creds, { method, url, headers: {}, payloadHash }, new Date());
    delete headers.host; // fetch sets it
    try {
      return await fetch(url, { method, headers, body });
    } catch (err) {
      throw new StorageError(`object store unreachable: ${(err as Error).message}`);
    }
  }

  async put(key: string, data: Buffer): Promise<void> {
    const res = await this.send('PUT', key, data);
    if (!res.ok) throw new StorageError(`object store refused the upload (${res.status})`);
  }

  async get(key: string): Promise<Buffer | null> {
    const res = await this.send('GET', key);
    if (res.status === 404) return null;
    if (!res.ok) throw new StorageError(`object store read failed (${res.status})`);
    return Buffer.from(await res.arrayBuffer());
  }

  async delete(key: string): Promise<void> {
    const res = await this.send('DELETE', key);
    if (!res.ok && res.status !== 404)
      throw new StorageError(`object store delete failed (${res.status})`);
  }
}
