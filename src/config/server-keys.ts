import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { blindingFactor } from '../crypto/blinding';
import { serverKeysFromPrivate } from '../crypto/server-key';

/** The server's X25519 keypair and what derives from it. */
export class ServerKeys {
  readonly publicKeyHex: string;
  /** The 15-blinding factor k = reduce(BLAKE2b-64(B)), the same for every user of this server. */
  readonly blindingFactor: Uint8Array;
  /** The internal system user's ID (`ff` + public key), never exposed. */
  readonly systemSessionId: string;

  constructor(
    readonly privateKey: Uint8Array,
    readonly publicKey: Uint8Array,
  ) {
    this.publicKeyHex = Buffer.from(publicKey).toString('hex');
    this.blindingFactor = blindingFactor(publicKey);
    this.systemSessionId = `ff${this.publicKeyHex}`;
  }

  static fromPrivate(privateKey: Uint8Array): ServerKeys {
    const k = serverKeysFromPrivate(privateKey);
    return new ServerKeys(k.privateKey, k.publicKey);
  }
}

/**
 * Reads the 32 raw private-key bytes (PySOGS's `key_x25519` format), creating the file with
 * mode 0400 on first start. Losing or changing it would cut every client off the rooms.
 */
export function loadOrCreateKeyFile(file: string): ServerKeys {
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32), { mode: 0o400, flag: 'wx' });
  }
  const bytes = readFileSync(file);
  if (bytes.length !== 32) {
    throw new Error(`${file}: expected 32 raw key bytes, found ${bytes.length}`);
  }
  return ServerKeys.fromPrivate(new Uint8Array(bytes));
}
