/** Outer framing of an onion request body (onion.md §2). */
import { decodeBase32z, decodeHexOrBase64 } from './encoding';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `LE32 N ‖ N bytes ciphertext ‖ UTF-8 JSON object`. Null when the body is too short for its
 * length prefix or the remainder is not valid UTF-8 holding a JSON object. The ciphertext is a
 * view into `body`.
 */
export function parseOnionFrame(
  body: Buffer,
): { ciphertext: Buffer; meta: Record<string, unknown> } | null {
  if (body.length < 4) return null;
  const n = body.readUInt32LE(0);
  if (body.length - 4 < n) return null;
  let meta: unknown;
  try {
    meta = JSON.parse(utf8.decode(body.subarray(4 + n)));
  } catch {
    return null;
  }
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return null;
  return { ciphertext: body.subarray(4, 4 + n), meta: meta as Record<string, unknown> };
}

/**
 * The client's X25519 `ephemeral_key`: 64 hex chars (what clients send) or 43/44-char base64,
 * or, like the reference parser, a string whose UTF-8 encoding is exactly 32 raw bytes, or
 * 52-char base32z.
 */
export function parseEphemeralKey(v: unknown): Uint8Array | null {
  if (typeof v !== 'string') return null;
  const decoded = decodeHexOrBase64(v, 32);
  if (decoded) return decoded;
  const raw = Buffer.from(v, 'utf8');
  return raw.length === 32 ? raw : decodeBase32z(v, 32);
}
