/**
 * Onion envelopes built piece by piece (onion.md §2–§7), so the fuzzer can seal any plaintext,
 * lie in any field, and still open the server's reply with the key it used.
 */
import { randomBytes } from 'node:crypto';
import {
  type OnionCipher,
  onionDecrypt,
  onionEncrypt,
  onionKeyFromShared,
  x25519,
} from '../../../src/crypto/onion-cipher';
import { sodium } from '../../../src/crypto/sodium';

export interface Sealed {
  cipher: OnionCipher;
  key: Uint8Array;
  ephemeralPubkey: Buffer;
  ciphertext: Buffer;
  /** The outer JSON as clients send it (AES-GCM without `enc_type`, like desktop). */
  meta: Record<string, unknown>;
  frame: Buffer;
}

/** LE32 length ‖ ciphertext ‖ JSON text; `declared` lies about the length when given. */
export function frameOf(ciphertext: Buffer, metaText: Buffer | string, declared?: number): Buffer {
  const n = Buffer.alloc(4);
  n.writeUInt32LE((declared ?? ciphertext.length) >>> 0);
  return Buffer.concat([n, ciphertext, Buffer.from(metaText)]);
}

/** Encrypts `plaintext` to the server under a fresh ephemeral key. */
export function seal(serverPubkey: Uint8Array, cipher: OnionCipher, plaintext: Buffer): Sealed {
  const a = randomBytes(32);
  const A = Buffer.from(sodium().crypto_scalarmult_base(a));
  const key = onionKeyFromShared(cipher, x25519(a, serverPubkey), A, serverPubkey);
  const ciphertext = onionEncrypt(cipher, key, plaintext);
  const meta: Record<string, unknown> = {
    host: 'sogs.example',
    target: '/oxen/v4/lsrpc',
    method: 'POST',
    ephemeral_key: A.toString('hex'),
  };
  if (cipher === 'xchacha20') meta.enc_type = 'xchacha20';
  return {
    cipher,
    key,
    ephemeralPubkey: A,
    ciphertext,
    meta,
    frame: frameOf(ciphertext, JSON.stringify(meta)),
  };
}

/** Decrypts a reply with the request's key; null when it does not authenticate. */
export function openReply(sealed: Pick<Sealed, 'cipher' | 'key'>, reply: Buffer): Buffer | null {
  return onionDecrypt(sealed.cipher, sealed.key, reply);
}

/** `l <len>:<item> … e`, the only bencode onion requests use. */
export function bencodeList(items: Buffer[]): Buffer {
  const out: Buffer[] = [Buffer.from('l')];
  for (const item of items) out.push(Buffer.from(`${item.length}:`), item);
  out.push(Buffer.from('e'));
  return Buffer.concat(out);
}

/** A v4 inner request (onion.md §4). */
export function v4Plaintext(
  method: string,
  endpoint: string,
  headers: Record<string, string>,
  body?: Buffer,
): Buffer {
  const meta = Buffer.from(JSON.stringify({ method, endpoint, headers }));
  return bencodeList(body === undefined ? [meta] : [meta, body]);
}

/**
 * An independent reading of the onion.md §4 grammar: a list of one or two byte strings, each
 * `<decimal length>:<bytes>`, then `e` and nothing more. Null when not well-formed.
 */
export function specDecodeList(buf: Buffer): Buffer[] | null {
  if (buf.length < 2 || buf[0] !== 0x6c || buf[buf.length - 1] !== 0x65) return null;
  const items: Buffer[] = [];
  let pos = 1;
  while (pos < buf.length - 1) {
    let end = pos;
    while (end < buf.length && buf[end] >= 0x30 && buf[end] <= 0x39) end++;
    if (end === pos || buf[end] !== 0x3a) return null;
    const len = Number(buf.subarray(pos, end).toString('latin1'));
    const start = end + 1;
    if (!Number.isSafeInteger(len) || start + len > buf.length - 1) return null;
    items.push(buf.subarray(start, start + len));
    pos = start + len;
  }
  return items.length >= 1 && items.length <= 2 ? items : null;
}

export interface V4Reply {
  code: number;
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * Decodes a v4 reply plaintext (onion.md §5): exactly two strings, meta `{"code", "headers"}`
 * with an integer code and lower-case string headers without content-length. Deviations are
 * pushed to `problems`; null when the reply cannot be read at all.
 */
export function decodeV4Reply(plain: Buffer, problems: string[]): V4Reply | null {
  const items = specDecodeList(plain);
  if (!items || items.length !== 2) {
    problems.push('v4 reply is not a bencoded list of two strings');
    return null;
  }
  let meta: unknown;
  try {
    meta = JSON.parse(items[0].toString('utf8'));
  } catch {
    problems.push('v4 reply meta is not JSON');
    return null;
  }
  const m = meta as { code?: unknown; headers?: unknown } | null;
  if (!m || typeof m !== 'object' || typeof m.code !== 'number' || !Number.isInteger(m.code)) {
    problems.push('v4 reply meta has no integer code');
    return null;
  }
  const headers: Record<string, string> = {};
  if (typeof m.headers !== 'object' || m.headers === null || Array.isArray(m.headers)) {
    problems.push('v4 reply meta has no headers object');
  } else {
    for (const [k, v] of Object.entries(m.headers)) {
      if (k !== k.toLowerCase()) problems.push(`v4 reply header not lower-case: ${k}`);
      if (k === 'content-length') problems.push('v4 reply headers include content-length');
      if (typeof v !== 'string') problems.push(`v4 reply header ${k} is not a string`);
      else headers[k] = v;
    }
  }
  return { code: m.code, headers, body: items[1] };
}

/** The v3 reply status: `{"status_code": N}` for non-2xx, else the bare 2xx body (200). */
export function v3Status(plain: Buffer): number {
  try {
    const parsed = JSON.parse(plain.toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      const keys = Object.keys(parsed);
      const code = (parsed as { status_code?: unknown }).status_code;
      if (keys.length === 1 && typeof code === 'number') return code;
    }
  } catch {
    // a 2xx body need not be JSON
  }
  return 200;
}
