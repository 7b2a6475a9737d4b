import { encodeSessionText, readSessionText, removePadding } from './session-content';

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}
const field = (n: number, value: Buffer | string) => {
  const bytes = Buffer.from(value);
  return Buffer.concat([varint(n * 8 + 2), varint(bytes.length), bytes]);
};
/** Content{dataMessage{body, timestamp, profile{displayName}}} as Session clients build it. */
function content(body?: string, displayName?: string): Buffer {
  const parts = [
    body === undefined ? Buffer.alloc(0) : field(1, body),
    Buffer.concat([varint(7 * 8), varint(1_700_000_000_000)]),
    displayName === undefined ? Buffer.alloc(0) : field(101, field(1, displayName)),
  ];
  return field(1, Buffer.concat(parts));
}

describe('removePadding', () => {
  it('drops trailing zeros and one 0x80 marker', () => {
    expect(removePadding(Buffer.from([1, 2, 0x80, 0, 0]))).toEqual(Buffer.from([1, 2]));
    expect(removePadding(Buffer.from([1, 2, 0x80]))).toEqual(Buffer.from([1, 2]));
  });
  it('keeps the bytes when there is no marker', () => {
    expect(removePadding(Buffer.from([1, 2, 0, 0]))).toEqual(Buffer.from([1, 2, 0, 0]));
  });
});

describe('readSessionText', () => {
  it('reads the body and the profile name, padded or not', () => {
    const bytes = content('hello', 'Ann');
    expect(readSessionText(bytes)).toEqual({ body: 'hello', displayName: 'Ann' });
    const padded = Buffer.concat([bytes, Buffer.from([0x80]), Buffer.alloc(40)]);
    expect(readSessionText(padded)).toEqual({ body: 'hello', displayName: 'Ann' });
  });
  it('skips other fields and allows missing ones', () => {
    const withOthers = Buffer.concat([
      Buffer.from([0x15, 1, 2, 3, 4]), // field 2, fixed32
      content(undefined, 'Bo'),
      field(9, 'x'),
    ]);
    expect(readSessionText(withOthers)).toEqual({ body: undefined, displayName: 'Bo' });
    expect(readSessionText(field(2, 'receipt'))).toEqual({});
  });
  it('gives null for bytes that are not a protobuf', () => {
    expect(readSessionText(Buffer.from('plain text, not protobuf'))).toBeNull();
    expect(readSessionText(Buffer.from([0x0a, 0x05, 1, 2]))).toBeNull(); // truncated
    expect(readSessionText(field(1, field(1, Buffer.from([0xff, 0xfe]))))).toBeNull(); // bad UTF-8
  });
});

describe('encodeSessionText', () => {
  it('writes body, timestamp and profile name in field order, then 0x80 0x00', () => {
    const bytes = encodeSessionText('hi', 1_700_000_000_000, 'SOGS');
    expect(bytes.toString('hex')).toBe('0a140a0268693880d095ffbc31aa06060a04534f47538000');
  });
  it('reads back as it was written, empty and non-ASCII texts included', () => {
    expect(readSessionText(encodeSessionText('', 1, 'Бот'))).toEqual({
      body: '',
      displayName: 'Бот',
    });
    expect(readSessionText(encodeSessionText('x'.repeat(300), 2 ** 45, ''))).toEqual({
      body: 'x'.repeat(300),
      displayName: '',
    });
  });
});
