/**
 * Just enough of Session's `Content` protobuf to read what the content filters examine, and to
 * write the filter bot's replies (model.md §8): `Content.dataMessage` (field 1) → `body`
 * (field 1), `timestamp` (field 7) and `profile` (field 101) → `displayName` (field 1). Reading
 * skips everything else; anything malformed yields null.
 */

/** The texts a filter examines; a field the message lacks is undefined. */
export interface SessionText {
  body?: string;
  displayName?: string;
}

const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/**
 * Strips Session padding: trailing zero bytes, then one `0x80` if that is what remains last;
 * without the `0x80` marker the bytes are taken as they are.
 */
export function removePadding(data: Buffer): Buffer {
  let end = data.length;
  while (end > 0 && data[end - 1] === 0) end--;
  return end > 0 && data[end - 1] === 0x80 ? data.subarray(0, end - 1) : data;
}

/** Field number → last length-delimited value; null when the bytes are not a valid message. */
function lengthDelimitedFields(buf: Buffer): Map<number, Buffer> | null {
  const fields = new Map<number, Buffer>();
  let pos = 0;
  const varint = (): number | null => {
    let value = 0;
    for (let shift = 0; shift < 64; shift += 7) {
      if (pos >= buf.length) return null;
      const byte = buf[pos++];
      // Values past 2^53 only matter as lengths, which are then out of range anyway.
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
    }
    return null;
  };
  while (pos < buf.length) {
    const key = varint();
    if (key === null) return null;
    const field = Math.floor(key / 8);
    if (field === 0) return null;
    switch (key % 8) {
      case VARINT:
        if (varint() === null) return null;
        break;
      case FIXED64:
        pos += 8;
        break;
      case FIXED32:
        pos += 4;
        break;
      case LENGTH_DELIMITED: {
        const len = varint();
        if (len === null || pos + len > buf.length) return null;
        fields.set(field, buf.subarray(pos, pos + len));
        pos += len;
        break;
      }
      default:
        // Groups (3, 4) are obsolete and never used by Session; 6 and 7 do not exist.
        return null;
    }
    if (pos > buf.length) return null;
  }
  return fields;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Buffer | undefined): string | undefined | null {
  if (bytes === undefined) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/** The body and profile name of a posted message, or null when its bytes do not parse. */
export function readSessionText(data: Buffer): SessionText | null {
  const content = lengthDelimitedFields(removePadding(data));
  if (!content) return null;
  const dataMessage = content.get(1);
  if (dataMessage === undefined) return {};
  const message = lengthDelimitedFields(dataMessage);
  if (!message) return null;
  const body = text(message.get(1));
  if (body === null) return null;
  const profile = message.get(101);
  const profileFields = profile === undefined ? new Map() : lengthDelimitedFields(profile);
  if (!profileFields) return null;
  const displayName = text(profileFields.get(1));
  if (displayName === null) return null;
  return { body, displayName };
}

function varintBytes(n: number): Buffer {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n % 128) | 0x80);
  out.push(n);
  return Buffer.from(out);
}

function lengthDelimited(field: number, bytes: Buffer): Buffer {
  return Buffer.concat([
    varintBytes(field * 8 + LENGTH_DELIMITED),
    varintBytes(bytes.length),
    bytes,
  ]);
}

/**
 * `Content{dataMessage{body, timestamp (ms), profile{displayName}}}` followed by Session's
 * padding marker and one zero (`0x80 0x00`), fields in number order as protobuf writes them.
 */
export function encodeSessionText(body: string, timestampMs: number, displayName: string): Buffer {
  const dataMessage = Buffer.concat([
    lengthDelimited(1, Buffer.from(body, 'utf8')),
    varintBytes(7 * 8 + VARINT),
    varintBytes(timestampMs),
    lengthDelimited(101, lengthDelimited(1, Buffer.from(displayName, 'utf8'))),
  ]);
  return Buffer.concat([lengthDelimited(1, dataMessage), Buffer.from([0x80, 0x00])]);
}
