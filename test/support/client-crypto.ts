/**
 * Client-side crypto for tests: what a Session client does to talk to a SOGS (auth.md §2–4,
 * onion.md §2–7, vectors.md §9). Never shipped; randomness can be pinned for known-answer tests.
 */
import { randomBytes } from 'node:crypto';
import { decodeOnionList, encodeList } from '../../src/crypto/bencode';
import { blindingFactor } from '../../src/crypto/blinding';
import { asBuffer, decodeBase64Strict } from '../../src/crypto/encoding';
import {
  type OnionCipher,
  onionDecrypt,
  onionEncrypt,
  onionKeyFromShared,
  x25519,
} from '../../src/crypto/onion-cipher';
import { buildSignedMessage } from '../../src/crypto/request-signature';
import { sodium } from '../../src/crypto/sodium';

/** Where the blinded signature's nonce secret comes from (auth.md §2). */
export type BlindedVariant = 'seed' | 'libsession';

/** A Session account from its 32-byte Ed25519 seed. Requires `await sodiumReady()`. */
export class SessionIdentity {
  readonly seed: Buffer;
  readonly ed25519Pubkey: Buffer;
  /** libsodium's 64-byte secret key, seed ‖ public key. */
  readonly secretKey: Buffer;
  /** Clamped private scalar `a`, also the account's X25519 private key. */
  readonly scalar: Buffer;
  /** `05` ‖ X25519 public key. */
  readonly sessionId: string;

  constructor(seed: Uint8Array) {
    const s = sodium();
    const kp = s.crypto_sign_seed_keypair(seed);
    this.seed = Buffer.from(seed);
    this.ed25519Pubkey = asBuffer(kp.publicKey);
    this.secretKey = asBuffer(kp.privateKey);
    this.scalar = asBuffer(s.crypto_sign_ed25519_sk_to_curve25519(kp.privateKey));
    this.sessionId = '05' + s.to_hex(s.crypto_sign_ed25519_pk_to_curve25519(kp.publicKey));
  }

  static random(): SessionIdentity {
    return new SessionIdentity(randomBytes(32));
  }

  /** Blinded private scalar ka = k·a and public key kA for this server. */
  blindedKeys(serverPubkey: Uint8Array): { ka: Buffer; kA: Buffer } {
    const s = sodium();
    const ka = s.crypto_core_ed25519_scalar_mul(blindingFactor(serverPubkey), this.scalar);
    return { ka: asBuffer(ka), kA: asBuffer(s.crypto_scalarmult_ed25519_base_noclamp(ka)) };
  }

  blindedId(serverPubkey: Uint8Array): string {
    return '15' + this.blindedKeys(serverPubkey).kA.toString('hex');
  }

  /** Ed25519 signature by the blinded key; r comes from SHA-512(seed or secret key)[32..64]. */
  signBlinded(message: Uint8Array, serverPubkey: Uint8Array, variant: BlindedVariant): Buffer {
    const s = sodium();
    const { ka, kA } = this.blindedKeys(serverPubkey);
    const hrh = s.crypto_hash_sha512(variant === 'seed' ? this.seed : this.secretKey).slice(32);
    const r = s.crypto_core_ed25519_scalar_reduce(
      s.crypto_hash_sha512(Buffer.concat([hrh, kA, message])),
    );
    const R = s.crypto_scalarmult_ed25519_base_noclamp(r);
    const hram = s.crypto_core_ed25519_scalar_reduce(
      s.crypto_hash_sha512(Buffer.concat([R, kA, message])),
    );
    const S = s.crypto_core_ed25519_scalar_add(r, s.crypto_core_ed25519_scalar_mul(hram, ka));
    return Buffer.concat([R, S]);
  }

  signUnblinded(message: Uint8Array): Buffer {
    return asBuffer(sodium().crypto_sign_detached(message, this.secretKey));
  }
}

export interface SogsHeaderOptions {
  identity: SessionIdentity;
  serverPubkey: Uint8Array;
  method: string;
  /** Path and query as sent; the path part is percent-decoded before signing. */
  path: string;
  body?: Uint8Array | string;
  mode: 'blinded' | 'unblinded';
  variant?: BlindedVariant;
  nonce?: Uint8Array;
  timestamp?: number | string;
  /** Sign this path+query instead of `path` (to test signature mismatches). */
  signedPath?: string;
}

/** The four X-SOGS-* headers, encoded as clients send them (hex pubkey, padded base64). */
export function sogsHeaders(o: SogsHeaderOptions): Record<string, string> {
  const nonce = o.nonce ?? randomBytes(16);
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  const target = o.signedPath ?? o.path;
  const q = target.indexOf('?');
  const message = buildSignedMessage({
    serverPubkey: o.serverPubkey,
    nonce,
    timestamp,
    method: o.method,
    path: decodeURIComponent(q < 0 ? target : target.slice(0, q)),
    query: q < 0 ? '' : target.slice(q + 1),
    body: typeof o.body === 'string' ? Buffer.from(o.body) : (o.body ?? Buffer.alloc(0)),
  });
  const blinded = o.mode === 'blinded';
  const signature = blinded
    ? o.identity.signBlinded(message, o.serverPubkey, o.variant ?? 'seed')
    : o.identity.signUnblinded(message);
  const pubkey = blinded
    ? o.identity.blindedId(o.serverPubkey)
    : '00' + o.identity.ed25519Pubkey.toString('hex');
  return {
    'X-SOGS-Pubkey': pubkey,
    'X-SOGS-Nonce': Buffer.from(nonce).toString('base64'),
    'X-SOGS-Timestamp': timestamp,
    'X-SOGS-Signature': signature.toString('base64'),
  };
}

export interface SealOptions {
  serverPubkey: Uint8Array;
  cipher: OnionCipher;
  method: string;
  endpoint: string;
  headers?: Record<string, string>;
  /** Pin the ephemeral X25519 private key and the request IV/nonce (known-answer tests). */
  ephemeralPrivkey?: Uint8Array;
  nonce?: Uint8Array;
}

/** Encrypts an inner payload into an outer frame; AES-GCM omits `enc_type` like desktop. */
function seal(o: SealOptions, plaintext: Buffer): { frame: Buffer; key: Uint8Array } {
  const a = o.ephemeralPrivkey ?? randomBytes(32);
  const A = sodium().crypto_scalarmult_base(a);
  const key = onionKeyFromShared(o.cipher, x25519(a, o.serverPubkey), A, o.serverPubkey);
  const ciphertext = onionEncrypt(o.cipher, key, plaintext, o.nonce);
  const json: Record<string, string> = { ephemeral_key: Buffer.from(A).toString('hex') };
  if (o.cipher === 'xchacha20') json.enc_type = 'xchacha20';
  const length = Buffer.alloc(4);
  length.writeUInt32LE(ciphertext.length);
  return { frame: Buffer.concat([length, ciphertext, Buffer.from(JSON.stringify(json))]), key };
}

function openReply(cipher: OnionCipher, key: Uint8Array, data: Buffer): Buffer {
  const plain = onionDecrypt(cipher, key, data);
  if (!plain) throw new Error('onion reply did not decrypt');
  return plain;
}

export interface OnionV4Reply {
  meta: { code: number; headers: Record<string, string> };
  body: Buffer;
}

/** A v4 request (`/oxen/v4/lsrpc`) and a decoder for its raw binary reply. */
export function sealOnionV4(o: SealOptions & { body?: Uint8Array | string }): {
  frame: Buffer;
  open(reply: Buffer): OnionV4Reply;
} {
  const meta = Buffer.from(
    JSON.stringify({ method: o.method, endpoint: o.endpoint, headers: o.headers ?? {} }),
  );
  const parts = o.body === undefined ? [meta] : [meta, Buffer.from(o.body)];
  const { frame, key } = seal(o, encodeList(parts));
  return {
    frame,
    open(reply: Buffer): OnionV4Reply {
      const list = decodeOnionList(openReply(o.cipher, key, reply));
      if (!list || list.length !== 2) throw new Error('onion v4 reply is not a 2-item list');
      return { meta: JSON.parse(list[0].toString('utf8')) as OnionV4Reply['meta'], body: list[1] };
    },
  };
}

/** A v3 request (`/loki/v3/lsrpc`); its reply is base64 text of the encrypted plaintext. */
export function sealOnionV3(o: SealOptions & { body?: string }): {
  frame: Buffer;
  open(reply: Buffer | string): Buffer;
} {
  const inner = { method: o.method, endpoint: o.endpoint, headers: o.headers, body: o.body };
  const { frame, key } = seal(o, Buffer.from(JSON.stringify(inner)));
  return {
    frame,
    open(reply: Buffer | string): Buffer {
      const data = decodeBase64Strict(reply.toString().trim());
      if (!data) throw new Error('onion v3 reply is not base64');
      return openReply(o.cipher, key, data);
    },
  };
}

/**
 * Blinded DM `message` field (vectors.md §9): E = BLAKE2b-32((a·kB) ‖ kA ‖ kB); base64 of
 * 0x00 ‖ XChaCha20-Poly1305(message ‖ sender Ed25519 key) ‖ nonce.
 */
export function blindedDmEncrypt(o: {
  sender: SessionIdentity;
  recipientBlindedId: string;
  serverPubkey: Uint8Array;
  message: Uint8Array | string;
  nonce?: Uint8Array;
}): string {
  const s = sodium();
  const kA = o.sender.blindedKeys(o.serverPubkey).kA;
  const kB = Buffer.from(o.recipientBlindedId.slice(2), 'hex');
  const shared = s.crypto_scalarmult_ed25519_noclamp(o.sender.scalar, kB);
  const E = s.crypto_generichash(32, Buffer.concat([shared, kA, kB]), null);
  const nonce = o.nonce ?? randomBytes(24);
  const plain = Buffer.concat([Buffer.from(o.message), o.sender.ed25519Pubkey]);
  const ct = s.crypto_aead_xchacha20poly1305_ietf_encrypt(plain, null, null, nonce, E);
  return Buffer.concat([Buffer.from([0]), ct, nonce]).toString('base64');
}
