import { type ServerKeys } from '../config/server-keys';
import { parseEphemeralKey, parseOnionFrame } from '../crypto/onion-frame';
import {
  deriveOnionKey,
  onionDecrypt,
  onionEncrypt,
  parseEncType,
  type OnionCipher,
} from '../crypto/onion-cipher';

/** An opened onion request: its plaintext, and how to seal the reply with the same key. */
export interface OpenedEnvelope {
  plaintext: Buffer;
  seal(reply: Buffer): Buffer;
}

/**
 * Opens the outer frame (onion.md §2–§3). Null for anything undecryptable: the caller answers a
 * plain 400, since there is no key to encrypt an error with.
 */
export function openEnvelope(body: Buffer, keys: ServerKeys): OpenedEnvelope | null {
  const frame = parseOnionFrame(body);
  if (!frame) return null;
  const ephemeral = parseEphemeralKey(frame.meta.ephemeral_key);
  const cipher: OnionCipher | null = parseEncType(frame.meta.enc_type);
  if (!ephemeral || !cipher) return null;
  let key: Uint8Array;
  try {
    key = deriveOnionKey(cipher, keys.privateKey, keys.publicKey, ephemeral);
  } catch {
    return null; // a low-order ephemeral key gives no shared secret
  }
  const plaintext = onionDecrypt(cipher, key, frame.ciphertext);
  if (!plaintext) return null;
  return { plaintext, seal: (reply) => onionEncrypt(cipher, key, reply) };
}
