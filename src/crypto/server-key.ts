/** The server's X25519 keypair from the 32 raw bytes of its key file (auth.md §1). */
import { sodium } from './sodium';

export interface ServerKeys {
  privateKey: Uint8Array;
  publicKey: Uint8Array;
  /** Lowercase hex of `publicKey`, as published in room URLs. */
  publicKeyHex: string;
}

export function serverKeysFromPrivate(priv: Uint8Array): ServerKeys {
  if (priv.length !== 32) throw new RangeError('server private key must be 32 bytes');
  const publicKey = sodium().crypto_scalarmult_base(priv);
  return {
    privateKey: Uint8Array.from(priv),
    publicKey,
    publicKeyHex: Buffer.from(publicKey).toString('hex'),
  };
}
