import { blindedIdFromSeed } from './blinding';
import { decodeHexOrBase64 } from './encoding';
import {
  bodyHash,
  buildSignedMessage,
  isValidEd25519Point,
  verifyEd25519,
} from './request-signature';
import { sodium, sodiumReady } from './sodium';

const hex = (h: string) => Buffer.from(h, 'hex');
const b64 = (s: string) => decodeHexOrBase64(s, 64)!;

beforeAll(() => sodiumReady());

it('hashes a body with BLAKE2b-64 (vectors.md §1)', () => {
  expect(bodyHash(Buffer.from('hello 🎂')).toString('hex')).toBe(
    'ebd4b1e09185d583c287c21772fd08dc7eff2b66789851b3d39c1794ab796c1d' +
      '57e17d56394c173f76ac988e0bdb5db06a219b0255d67bd30fa7bb0efca2186b',
  );
});

describe('vectors.md §2 (auth-example.py / desktop OpenGroupAuthentication_test)', () => {
  const B = hex('c3b3c6f32f0ab5a57f853cc4f30f5da7fda5624b0c77b3fb0829de562ada081d');
  const seed = hex('c010d89eccbaf5d1c6d19df766c6eedf965d4a28a56f87c9fc819edb59896dd9');
  const A = hex('bac6e71efd7dfa4a83c98ed24f254ab2c267f9ccdb172a5280a0444ad24e89cc');
  const kA = () => hex(blindedIdFromSeed(seed, B).slice(2));
  const parts = {
    serverPubkey: B,
    nonce: decodeHexOrBase64('CdB5nyKVmQGCw6s0Bvv8Ww==', 16)!,
    timestamp: '1642472103',
    method: 'GET',
    path: '/room/the-best-room/messages/recent',
    query: 'limit=25',
  };
  let noBody: Buffer;
  let withBody: Buffer;
  beforeAll(() => {
    noBody = buildSignedMessage({ ...parts, body: Buffer.alloc(0) });
    withBody = buildSignedMessage({ ...parts, body: Buffer.from('hello 🎂') });
  });

  it('builds the 105- and 169-byte messages byte for byte', () => {
    const expected = hex(
      'c3b3c6f32f0ab5a57f853cc4f30f5da7fda5624b0c77b3fb0829de562ada081d' +
        '09d0799f2295990182c3ab3406fbfc5b' +
        '31363432343732313033' +
        '474554' +
        '2f726f6f6d2f7468652d626573742d726f6f6d2f6d657373616765732f726563656e743f6c696d69743d3235',
    );
    expect(noBody).toEqual(expected);
    expect(noBody.length).toBe(105);
    expect(withBody).toEqual(Buffer.concat([expected, bodyHash(Buffer.from('hello 🎂'))]));
    expect(withBody.length).toBe(169);
  });

  it.each([
    [
      'unblinded',
      'xxLpXHbomAJMB9AtGMyqvBsXrdd2040y+Ol/IKzElWfKJa3EYZRv1GLO6CTLhrDFUwVQe8PPltyGs54Kd7O5Cg==',
      'uumZNee7NUb0lVufegjzgjjnj4pe3kAe6OYw7iVTJrcxxxdIxUCgt5/xliBWqPlgY6ReUZRAuptNa4nprv7nCA==',
    ],
    [
      'blinded (seed)',
      'gYqpWZX6fnF4Gb2xQM3xaXs0WIYEI49+B8q4mUUEg8Rw0ObaHUWfoWjMHMArAtP9QlORfiydsKWz1o6zdPVeCQ==',
      'hZCg5pEoy9t98umaY6fNarzcLP5UKUF8chz5mIjwwrRIQLy1kinRoYcNPdFOpJu8heA0val4viymXRTp1DGeBg==',
    ],
    [
      'blinded (libsession)',
      'kXxMbg6+492jeI+D61s9636ixYctn/qnhknhUhQTt54UR3eP9vslcc3iESdBCyikpqYyyfEOp0z+hjuvXGWyCQ==',
      '6LJlpQJHf3AAHNTIywF8z6p+YQyj3c6QsFlpojgNmllLsUPmgDuhxZB5zBV+zbWDwKwB4K1duOdsvDpLcMANBw==',
    ],
  ])('verifies the %s signatures with and without body', (mode, sigNoBody, sigBody) => {
    const key = mode === 'unblinded' ? A : kA();
    expect(verifyEd25519(b64(sigNoBody), noBody, key)).toBe(true);
    expect(verifyEd25519(b64(sigBody), withBody, key)).toBe(true);
    expect(verifyEd25519(b64(sigNoBody), withBody, key)).toBe(false);
    expect(verifyEd25519(b64(sigBody), noBody, key)).toBe(false);
  });

  it('accepts both pubkeys as points and rejects them with a small-order point added', () => {
    const s = sodium();
    // An order-8 point (libsodium's small-order blocklist).
    const t = hex('26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05');
    for (const key of [A, kA()]) {
      expect(isValidEd25519Point(key)).toBe(true);
      expect(isValidEd25519Point(s.crypto_core_ed25519_add(key, t))).toBe(false);
    }
    expect(isValidEd25519Point(t)).toBe(false);
    expect(isValidEd25519Point(new Uint8Array(31))).toBe(false);
  });
});

describe('vectors.md §3 (libsession-util tests/test_blinding.cpp)', () => {
  const kA = hex('b74ed205f1f931e1bb1291183778a9456b835937d923b0f2e248aa3a44c07844');
  it.each([
    '1a5ade20b43af0e16b3e591d6f86303938d7557c0ac54469dd4f5aea759f82d22cafa42587251756e133acdddd8cbec2f707a9ce09a49f2193f46a91502c5006',
    'c8eedb665dec49a0340f67bca204de17169f5e79c0b90f4e30508e88c69d409fba9772646abfeb6413d94fc0fdccb9ba6eb51b48bee1ba998ce00eb0cfdae209',
  ])('verifies %s over "hello"', (sig) => {
    expect(verifyEd25519(hex(sig), Buffer.from('hello'), kA)).toBe(true);
    expect(verifyEd25519(hex(sig), Buffer.from('hellO'), kA)).toBe(false);
  });
});

describe('vectors.md §7 signed message', () => {
  it('is 145 bytes: POST with body hash', () => {
    const body = Buffer.from(
      `{"data":"CAESBWhlbGxv","signature":"${Buffer.alloc(64, 1).toString('base64')}"}`,
    );
    expect(body.length).toBe(126);
    const msg = buildSignedMessage({
      serverPubkey: hex('8388de69bc0d4b6196133233ad9a46ba0473474bc67718aad96a3a33c257f726'),
      nonce: hex('000102030405060708090a0b0c0d0e0f'),
      timestamp: '1700000000',
      method: 'post',
      path: '/room/lobby/message',
      query: '',
      body,
    });
    expect(msg.length).toBe(145);
    expect(msg.subarray(0, 81).toString('hex')).toBe(
      '8388de69bc0d4b6196133233ad9a46ba0473474bc67718aad96a3a33c257f726' +
        '000102030405060708090a0b0c0d0e0f' +
        '31373030303030303030' +
        '504f5354' +
        '2f726f6f6d2f6c6f6262792f6d657373616765',
    );
    expect(msg.subarray(81).toString('hex')).toBe(
      '63b1a0ad1f10ac3c7aeae4c3e27abac0436d45f9a834cca481ad9d8f996f5423' +
        'f4b8e618d30b953cd736b49ac7f6beeb73b0dea8d0e6b04feb695006c640f3d9',
    );
  });
});

describe('buildSignedMessage edge cases (auth.md §4)', () => {
  const base = {
    serverPubkey: Buffer.alloc(32),
    nonce: Buffer.alloc(16),
    timestamp: '1',
    method: 'PUT',
    query: '',
    body: Buffer.alloc(0),
  };
  it('signs a decoded path as UTF-8 and the query verbatim', () => {
    const msg = buildSignedMessage({ ...base, path: '/room/r/reaction/7/👍', query: 'a=%20&b' });
    expect(msg.subarray(49).toString('utf8')).toBe('PUT/room/r/reaction/7/👍?a=%20&b');
  });
  it('adds nothing for an empty query or body', () => {
    expect(buildSignedMessage({ ...base, path: '/x' }).length).toBe(32 + 16 + 1 + 3 + 2);
  });
});

it('verifyEd25519 returns false on malformed input', () => {
  expect(verifyEd25519(new Uint8Array(63), Buffer.alloc(0), new Uint8Array(32))).toBe(false);
  expect(verifyEd25519(new Uint8Array(64), Buffer.alloc(0), new Uint8Array(33))).toBe(false);
  expect(verifyEd25519(new Uint8Array(64), Buffer.alloc(0), new Uint8Array(32))).toBe(false);
});
