/** Onion request encryption between the client's ephemeral key and the server (onion.md §3). */
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  randomFillSync,
  type KeyObject,
} from 'node:crypto';
import { asBuffer } from './encoding';
import { sodium } from './sodium';

export type OnionCipher = 'aes-gcm' | 'xchacha20';

/** Thrown when no shared key can be derived (bad length, low-order or zero X25519 result). */
export class OnionKeyError extends Error {
  override readonly name = 'OnionKeyError';
}

const AES_IV = 12;
const AES_TAG = 16;
const XCHACHA_NONCE = 24;
const XCHACHA_TAG = 16;

/**
 * `enc_type` of the outer JSON: absent → AES-GCM (desktop and Android send none). `null` and
 * every unknown value are errors, as in the reference parser, which requires a string when the
 * field is present.
 */
export function parseEncType(v: unknown): OnionCipher | null {
  if (v === undefined || v === 'aes-gcm' || v === 'gcm') return 'aes-gcm';
  if (v === 'xchacha20' || v === 'xchacha20-poly1305') return 'xchacha20';
  return null;
}

/** PKCS#8 DER prefix of a raw 32-byte X25519 private key (RFC 8410). */
const X25519_PKCS8 = Buffer.from('302e020100300506032b656e04220420', 'hex');
/**
 * Private keys used more than once (in practice the server's), as OpenSSL key objects; `null`
 * marks a key seen once. Bounded: clients use a fresh key for every request.
 */
const privateKeyObjects = new Map<string, KeyObject | null>();

/** The key object of a private key on its second use; null the first time. */
function reusedPrivateKey(privateKey: Uint8Array): KeyObject | null {
  const id = Buffer.from(privateKey.buffer, privateKey.byteOffset, 32).toString('base64');
  const known = privateKeyObjects.get(id);
  if (known) return known;
  if (privateKeyObjects.size >= 64) privateKeyObjects.clear();
  if (known === undefined) {
    privateKeyObjects.set(id, null);
    return null;
  }
  const key = createPrivateKey({
    key: Buffer.concat([X25519_PKCS8, privateKey]),
    format: 'der',
    type: 'pkcs8',
  });
  privateKeyObjects.set(id, key);
  return key;
}

/**
 * X25519(priv, pub) as RFC 7748 and libsodium compute it (clamped scalar, top bit of u ignored,
 * non-canonical u reduced); throws OnionKeyError for an all-zero shared secret (low-order
 * public key), which OpenSSL refuses as libsodium does.
 *
 * A private key used again (the server's) goes through node:crypto with its key object kept and
 * the public key imported as JWK: half of libsodium's CPU time. Importing a private key costs
 * more than that, so a key used once (a client's ephemeral key) stays with libsodium.
 */
export function x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  if (privateKey.length !== 32 || publicKey.length !== 32) {
    throw new OnionKeyError('X25519 keys must be 32 bytes');
  }
  try {
    const reused = reusedPrivateKey(privateKey);
    if (!reused) return sodium().crypto_scalarmult(privateKey, publicKey);
    const x = Buffer.from(publicKey.buffer, publicKey.byteOffset, 32).toString('base64url');
    const pub = createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x }, format: 'jwk' });
    return diffieHellman({ privateKey: reused, publicKey: pub });
  } catch {
    // Both refuse an all-zero shared secret (low-order public key).
    throw new OnionKeyError('X25519 produced no shared secret');
  }
}

/**
 * The symmetric key from the shared secret S; both directions use it. AES-GCM:
 * HMAC-SHA256(key "LOKI", S). XChaCha20: BLAKE2b-32(S ‖ A ‖ B), client (ephemeral) key first.
 */
export function onionKeyFromShared(
  cipher: OnionCipher,
  shared: Uint8Array,
  ephemeralPubkey: Uint8Array,
  serverPubkey: Uint8Array,
): Uint8Array {
  if (cipher === 'aes-gcm') return createHmac('sha256', 'LOKI').update(shared).digest();
  const input = Buffer.concat([shared, ephemeralPubkey, serverPubkey]);
  return sodium().crypto_generichash(32, input, null);
}

/** Server side: key for a request from ephemeral key A. Throws OnionKeyError (→ 400). */
export function deriveOnionKey(
  cipher: OnionCipher,
  serverPrivkey: Uint8Array,
  serverPubkey: Uint8Array,
  ephemeralPubkey: Uint8Array,
): Uint8Array {
  const shared = x25519(serverPrivkey, ephemeralPubkey);
  return onionKeyFromShared(cipher, shared, ephemeralPubkey, serverPubkey);
}

/** Decrypts `IV ‖ ct ‖ tag` (AES-GCM) or `nonce ‖ ct ‖ tag` (XChaCha20); null on any failure. */
export function onionDecrypt(cipher: OnionCipher, key: Uint8Array, data: Buffer): Buffer | null {
  try {
    if (cipher === 'aes-gcm') {
      if (data.length < AES_IV + AES_TAG) return null;
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, AES_IV));
      decipher.setAuthTag(data.subarray(data.length - AES_TAG));
      const body = data.subarray(AES_IV, data.length - AES_TAG);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    }
    if (data.length < XCHACHA_NONCE + XCHACHA_TAG) return null;
    const plain = sodium().crypto_aead_xchacha20poly1305_ietf_decrypt(
      null,
      data.subarray(XCHACHA_NONCE),
      null,
      data.subarray(0, XCHACHA_NONCE),
      key,
    );
    return asBuffer(plain);
  } catch {
    return null;
  }
}

/**
 * Random bytes for IVs and nonces, drawn from the CSPRNG a page at a time and each handed out
 * once: one reply needs 12 or 24, and a call into OpenSSL per reply cost more than the cipher.
 */
const randomPool = Buffer.alloc(4096);
let randomUsed = randomPool.length;

function freshRandom(n: number): Buffer {
  if (randomUsed + n > randomPool.length) {
    randomFillSync(randomPool);
    randomUsed = 0;
  }
  const out = Buffer.from(randomPool.subarray(randomUsed, randomUsed + n));
  randomPool.fill(0, randomUsed, randomUsed + n);
  randomUsed += n;
  return out;
}

/** Encrypts in the same layout; a fresh random IV/nonce unless one is given (tests). */
export function onionEncrypt(
  cipher: OnionCipher,
  key: Uint8Array,
  plaintext: Uint8Array,
  nonceOrIv?: Uint8Array,
): Buffer {
  if (cipher === 'aes-gcm') {
    const iv = nonceOrIv ?? freshRandom(AES_IV);
    if (iv.length !== AES_IV) throw new RangeError('AES-GCM IV must be 12 bytes');
    const c = createCipheriv('aes-256-gcm', key, iv);
    return Buffer.concat([iv, c.update(plaintext), c.final(), c.getAuthTag()]);
  }
  const nonce = nonceOrIv ?? freshRandom(XCHACHA_NONCE);
  if (nonce.length !== XCHACHA_NONCE) throw new RangeError('XChaCha20 nonce must be 24 bytes');
  const ct = sodium().crypto_aead_xchacha20poly1305_ietf_encrypt(plaintext, null, null, nonce, key);
  return Buffer.concat([nonce, ct]);
}
