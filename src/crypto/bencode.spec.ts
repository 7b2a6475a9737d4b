import { decodeOnionList, encodeList } from './bencode';

const dec = (s: string) => decodeOnionList(Buffer.from(s, 'latin1'))?.map((b) => b.toString());

describe('decodeOnionList (onion.md §4)', () => {
  it.each([
    ['l2:{}e', ['{}']],
    ['l2:{}3:abce', ['{}', 'abc']],
    ['l0:e', ['']],
    ['l2:{}0:e', ['{}', '']],
    ['l02:{}e', ['{}']], // leading zeros are accepted (as PySOGS does)
    ['l3:e:ee', ['e:e']],
  ])('decodes %j', (input, expected) => {
    expect(dec(input)).toEqual(expected);
  });

  it.each([
    ['empty', ''],
    ['just l', 'l'],
    ['empty list', 'le'],
    ['no leading l', '2:{}e'],
    ['leading garbage', 'xl2:{}e'],
    ['dict', 'd2:{}e'],
    ['missing e', 'l2:{}'],
    ['missing e after two items', 'l2:{}1:a'],
    ['truncated string', 'l5:{}e'],
    ['bytes after e', 'l2:{}ee'],
    ['trailing newline', 'l2:{}e\n'],
    ['three items', 'l1:a1:b1:ce'],
    ['no digits', 'l:{}e'],
    ['non-digit length', 'l2x:{}e'],
    ['signed length', 'l-2:{}e'],
    ['space in length', 'l 2:{}e'],
    ['missing colon', 'l2{}e'],
    ['integer item', 'li2ee'],
    ['nested list', 'll2:{}ee'],
    ['length overflowing the buffer', 'l4294967297:{}e'],
    ['huge length', 'l' + '9'.repeat(400) + ':{}e'],
    ['digits to the end', 'l' + '0'.repeat(10000)],
  ])('rejects %s', (_name, input) => {
    expect(decodeOnionList(Buffer.from(input, 'latin1'))).toBeNull();
  });

  it('returns zero-copy views of binary data', () => {
    const buf = Buffer.concat([
      Buffer.from('l2:{}3:'),
      Buffer.from([0, 0xff, 0x65]),
      Buffer.from('e'),
    ]);
    const parts = decodeOnionList(buf)!;
    expect(parts[1]).toEqual(Buffer.from([0, 0xff, 0x65]));
    expect(parts[1].buffer).toBe(buf.buffer);
  });
});

describe('encodeList (onion.md §5)', () => {
  it('encodes the reply example and an empty body', () => {
    const meta = '{"code":201,"headers":{"content-type":"application/json"}}';
    expect(encodeList([Buffer.from(meta), Buffer.from('{"id":1}')]).toString()).toBe(
      `l58:${meta}8:{"id":1}e`,
    );
    expect(encodeList([Buffer.from('{}'), Buffer.alloc(0)]).toString()).toBe('l2:{}0:e');
  });

  it('encodes the malformed-inner reply (vectors.md §7)', () => {
    const meta = JSON.stringify({
      code: 400,
      headers: { 'content-type': 'text/plain; charset=utf-8' },
    });
    expect(
      encodeList([Buffer.from(meta), Buffer.from('Invalid v4 onion request')]).toString(),
    ).toBe(
      'l67:{"code":400,"headers":{"content-type":"text/plain; charset=utf-8"}}24:Invalid v4 onion requeste',
    );
  });

  it('round-trips binary parts', () => {
    const parts = [Buffer.from('{"a":"é"}'), Buffer.from([1, 2, 0x6c, 0x65])];
    expect(decodeOnionList(encodeList(parts))).toEqual(parts);
  });
});
