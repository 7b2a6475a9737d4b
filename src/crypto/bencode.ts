/**
 * The bencode subset of v4 onion requests (onion.md §4–5): a list of byte strings
 * `l <len>:<bytes> [<len>:<bytes>] e`, nothing else.
 */

const L = 0x6c; // 'l'
const E = 0x65; // 'e'
const COLON = 0x3a;
const ZERO = 0x30;
const NINE = 0x39;

/**
 * Parses a list of one or two byte strings, returning zero-copy views into `buf`; null for any
 * deviation (no leading `l`, no digits, non-digit length, length past the end, a third item, a
 * missing `e` or bytes after it). Leading zeros in a length (`05:`) are accepted, as PySOGS's
 * parser does: the length stays unambiguous and nothing is signed over the encoding.
 */
export function decodeOnionList(buf: Buffer): Buffer[] | null {
  if (buf.length < 2 || buf[0] !== L) return null;
  const parts: Buffer[] = [];
  let pos = 1;
  while (pos < buf.length && buf[pos] !== E) {
    if (parts.length === 2) return null;
    const start = pos;
    let len = 0;
    while (pos < buf.length && buf[pos] >= ZERO && buf[pos] <= NINE) {
      len = len * 10 + (buf[pos] - ZERO);
      // Stop before the number can exceed the buffer (and long before it loses precision).
      if (len > buf.length) return null;
      pos++;
    }
    if (pos === start || pos >= buf.length || buf[pos] !== COLON) return null;
    pos++;
    if (len > buf.length - pos) return null;
    parts.push(buf.subarray(pos, pos + len));
    pos += len;
  }
  if (parts.length === 0 || pos !== buf.length - 1) return null;
  return parts;
}

/** Encodes a list of byte strings (`0:` for an empty one). */
export function encodeList(parts: Uint8Array[]): Buffer {
  const chunks: Uint8Array[] = [Buffer.from('l')];
  for (const part of parts) chunks.push(Buffer.from(`${part.length}:`), part);
  chunks.push(Buffer.from('e'));
  return Buffer.concat(chunks);
}
