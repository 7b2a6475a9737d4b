/** Text ↔ bytes helpers for the wire formats of auth.md §3 and onion.md §2. */

const HEX_RE = /^[0-9a-fA-F]*$/;
const B64_BODY_RE = /^[A-Za-z0-9+/]*$/;

/** A Buffer view over the same memory (no copy), for libsodium's Uint8Array results. */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** True if `value` is exactly `size` bytes of hex (either case). */
export function isHex(value: string, size: number): boolean {
  return value.length === size * 2 && HEX_RE.test(value);
}

/** Decodes exactly `size` bytes of hex (either case), else null. */
export function decodeHex(value: string, size: number): Buffer<ArrayBuffer> | null {
  return isHex(value, size) ? Buffer.from(value, 'hex') : null;
}

/**
 * Standard-alphabet base64 with optional padding; null for anything else (URL-safe characters,
 * whitespace, misplaced or partial padding, a 4n+1 length). Padding, when present, must complete
 * the last quantum exactly; when absent it is implied. Non-zero trailing bits in the last
 * character are accepted, as Python's `b64decode` (the reference) accepts them.
 */
export function decodeBase64Strict(value: string): Buffer<ArrayBuffer> | null {
  const body = value.replace(/={1,2}$/, '');
  const padding = value.length - body.length;
  if (!B64_BODY_RE.test(body) || body.length % 4 === 1) return null;
  if (padding > 0 && (value.length % 4 !== 0 || body.length % 4 === 0)) return null;
  return Buffer.from(body, 'base64');
}

/**
 * The reference's decoding rule for X-SOGS-Nonce/Signature/Pubkey (auth.md §3): exactly 2·size
 * characters → hex; otherwise a length between the unpadded and padded base64 lengths → base64
 * that must yield exactly `size` bytes. Padding is only implied when the value has none at all, so
 * a truncated padded value (e.g. 23 chars ending in a single `=` for 16 bytes) is rejected, like
 * the reference and PySOGS's tests expect.
 */
export function decodeHexOrBase64(value: string, size: number): Buffer<ArrayBuffer> | null {
  if (value.length === size * 2) return decodeHex(value, size);
  const unpadded = Math.ceil((size * 4) / 3);
  const padded = Math.ceil(size / 3) * 4;
  if (value.length < unpadded || value.length > padded) return null;
  const decoded = decodeBase64Strict(value);
  return decoded && decoded.length === size ? decoded : null;
}

/** z-base-32's alphabet, value order. */
const BASE32Z = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/**
 * Exactly `size` bytes of z-base-32 (onion.md §2: the reference's fourth `ephemeral_key` form):
 * ⌈8·size/5⌉ characters of the alphabet in either case, most significant bits first; the unused
 * low bits of the last character are ignored, as the reference ignores them. Else null.
 */
export function decodeBase32z(value: string, size: number): Buffer | null {
  if (value.length !== Math.ceil((size * 8) / 5)) return null;
  const out = Buffer.alloc(size);
  let acc = 0;
  let bits = 0;
  let n = 0;
  for (const c of value.toLowerCase()) {
    const v = BASE32Z.indexOf(c);
    if (v < 0) return null;
    acc = ((acc << 5) | v) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      if (n < size) out[n++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}
