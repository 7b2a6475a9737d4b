/** Test payloads shaped like Session's: a minimal protobuf writer and a padded message. */

function varint(n: number): Buffer {
  const out: number[] = [];
  for (; n >= 0x80; n = Math.floor(n / 128)) out.push((n & 0x7f) | 0x80);
  return Buffer.from([...out, n]);
}

/** A length-delimited protobuf field. */
function field(n: number, value: Buffer | string): Buffer {
  const bytes = Buffer.from(value);
  return Buffer.concat([varint(n * 8 + 2), varint(bytes.length), bytes]);
}

/** Content{dataMessage{body, profile{displayName}}} plus Session padding (0x80, zeros). */
export function sessionMessage(body: string, displayName = 'Ann'): Buffer {
  const dataMessage = Buffer.concat([field(1, body), field(101, field(1, displayName))]);
  return Buffer.concat([field(1, dataMessage), Buffer.from([0x80]), Buffer.alloc(16)]);
}
