/** The signed message of an X-SOGS-* authenticated request and its verification (auth.md §4–5). */
import { asBuffer } from './encoding';
import { sodium } from './sodium';

export interface SignedRequestParts {
  /** The server's 32-byte X25519 public key. */
  serverPubkey: Uint8Array;
  /** The 16 decoded nonce bytes. */
  nonce: Uint8Array;
  /** X-SOGS-Timestamp exactly as received (never re-formatted). */
  timestamp: string;
  method: string;
  /** Request path after percent-decoding, starting with `/`, without the query. */
  path: string;
  /** Query string exactly as sent, without the `?`; '' when there is none. */
  query: string;
  /** Exact body bytes; empty when there is no body. */
  body: Uint8Array;
}

/** BLAKE2b-64 of a request body, as appended to the signed message. */
export function bodyHash(body: Uint8Array): Buffer {
  return asBuffer(sodium().crypto_generichash(64, body, null));
}

/** M = B ‖ nonce ‖ TIMESTAMP ‖ METHOD ‖ PATH [‖ "?" ‖ QUERY] [‖ BLAKE2b-64(body)]. */
export function buildSignedMessage(parts: SignedRequestParts): Buffer {
  const chunks: Uint8Array[] = [
    parts.serverPubkey,
    parts.nonce,
    Buffer.from(parts.timestamp, 'latin1'),
    Buffer.from(parts.method.toUpperCase(), 'latin1'),
    Buffer.from(parts.path, 'utf8'),
  ];
  if (parts.query !== '') chunks.push(Buffer.from('?' + parts.query, 'utf8'));
  if (parts.body.length > 0) chunks.push(bodyHash(parts.body));
  return Buffer.concat(chunks);
}

/** Standard Ed25519 verification; false (never an exception) for malformed inputs. */
export function verifyEd25519(sig: Uint8Array, msg: Uint8Array, pubkey: Uint8Array): boolean {
  if (sig.length !== 64 || pubkey.length !== 32) return false;
  try {
    return sodium().crypto_sign_verify_detached(sig, msg, pubkey);
  } catch {
    return false;
  }
}

/** Canonical, on-curve, prime-order-subgroup, not small order (auth.md §5 row 4). */
export function isValidEd25519Point(pk: Uint8Array): boolean {
  if (pk.length !== 32) return false;
  try {
    return sodium().crypto_core_ed25519_is_valid_point(pk);
  } catch {
    return false;
  }
}
