import { decodeBase64Strict, decodeHex, decodeHexOrBase64, isHex } from './encoding';

// vectors.md §2 nonce, from PySOGS tests/test_auth.py.
const NONCE_HEX = '09d0799f2295990182c3ab3406fbfc5b';
const NONCE_B64 = 'CdB5nyKVmQGCw6s0Bvv8Ww==';
const SIG_B64 =
  'xxLpXHbomAJMB9AtGMyqvBsXrdd2040y+Ol/IKzElWfKJa3EYZRv1GLO6CTLhrDFUwVQe8PPltyGs54Kd7O5Cg==';

describe('decodeHexOrBase64 (auth.md §3, vectors.md §2 header formats)', () => {
  it.each([
    ['24-char padded base64', NONCE_B64],
    ['22-char unpadded base64', NONCE_B64.slice(0, 22)],
    ['32 lowercase hex', NONCE_HEX],
    ['32 uppercase hex', NONCE_HEX.toUpperCase()],
  ])('accepts the nonce as %s', (_name, value) => {
    expect(decodeHexOrBase64(value, 16)?.toString('hex')).toBe(NONCE_HEX);
  });

  it.each([
    ['base64 with an extra =', NONCE_B64 + '='],
    ['base64 with the last char removed', NONCE_B64.slice(0, 23)],
    ['base64 truncated to 18 chars', NONCE_B64.slice(0, 18)],
    ['31 hex', NONCE_HEX.slice(0, 31)],
    ['30 hex', NONCE_HEX.slice(0, 30)],
    ['34 hex', NONCE_HEX + 'ab'],
    ['32 chars that are not hex', 'g'.repeat(32)],
    ['23 chars without padding (17 bytes)', 'A'.repeat(23)],
    ['URL-safe base64', '-_B5nyKVmQGCw6s0Bvv8Ww=='],
    ['base64 with whitespace', 'CdB5nyKVmQGCw6s0Bvv8 w=='],
  ])('rejects the nonce as %s', (_name, value) => {
    expect(decodeHexOrBase64(value, 16)).toBeNull();
  });

  it('accepts signatures as padded or unpadded base64 or hex, not shortened by 4 chars', () => {
    const sig = Buffer.from(SIG_B64, 'base64');
    expect(decodeHexOrBase64(SIG_B64, 64)).toEqual(sig);
    expect(decodeHexOrBase64(SIG_B64.slice(0, 86), 64)).toEqual(sig);
    expect(decodeHexOrBase64(sig.toString('hex'), 64)).toEqual(sig);
    expect(decodeHexOrBase64(SIG_B64.slice(0, 84), 64)).toBeNull();
  });

  it('accepts a 33-byte pubkey as 66 hex or 44-char base64', () => {
    const id = '1598932d4bccbe595a8789d7eb1629cefc483a0eaddc7e20e8fe5c771efafd9af5';
    const bytes = Buffer.from(id, 'hex');
    expect(decodeHexOrBase64(id, 33)).toEqual(bytes);
    expect(decodeHexOrBase64(bytes.toString('base64'), 33)).toEqual(bytes);
    expect(decodeHexOrBase64(id.slice(2), 33)).toBeNull();
  });
});

describe('decodeBase64Strict', () => {
  it.each([
    ['', ''],
    ['AA==', '00'],
    ['AA', '00'],
    ['AAA=', '0000'],
    ['AAA', '0000'],
    ['AAAA', '000000'],
    ['+/+/', 'fbffbf'],
    ['AB==', '00'], // non-zero trailing bits are accepted, like Python's b64decode
  ])('decodes %j', (value, hex) => {
    expect(decodeBase64Strict(value)?.toString('hex')).toBe(hex);
  });

  it.each([
    'A',
    'AAAAA',
    'A===',
    'AA=',
    'AAA==',
    'AAAA==',
    '=',
    '==',
    'A=AA',
    '-_',
    'AA AA',
    'AA\n',
  ])('rejects %j', (value) => {
    expect(decodeBase64Strict(value)).toBeNull();
  });
});

describe('hex helpers', () => {
  it('checks and decodes exact-length hex', () => {
    expect(isHex('aB09', 2)).toBe(true);
    expect(isHex('aB0', 2)).toBe(false);
    expect(isHex('zz', 1)).toBe(false);
    expect(decodeHex('aB09', 2)?.toString('hex')).toBe('ab09');
    expect(decodeHex('aB09', 3)).toBeNull();
  });
});
