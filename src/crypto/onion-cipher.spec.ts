import { randomBytes } from 'node:crypto';
import { parseOnionFrame, parseEphemeralKey } from './onion-frame';
import {
  type OnionCipher,
  OnionKeyError,
  deriveOnionKey,
  onionDecrypt,
  onionEncrypt,
  parseEncType,
  x25519,
} from './onion-cipher';
import { serverKeysFromPrivate } from './server-key';
import { sodium, sodiumReady } from './sodium';

const hex = (h: string) => Buffer.from(h, 'hex');
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const flip = (buf: Buffer, index: number, value: number) => {
  const copy = Buffer.from(buf);
  copy[index < 0 ? copy.length + index : index] = value;
  return copy;
};

beforeAll(() => sodiumReady());

describe('parseEncType (onion.md §2)', () => {
  it.each([
    [undefined, 'aes-gcm'],
    ['aes-gcm', 'aes-gcm'],
    ['gcm', 'aes-gcm'],
    ['xchacha20', 'xchacha20'],
    ['xchacha20-poly1305', 'xchacha20'],
    [null, null],
    ['', null],
    ['AES-GCM', null],
    ['cbc', null],
    [1, null],
  ])('%j → %j', (v, expected) => {
    expect(parseEncType(v)).toBe(expected);
  });
});

describe('vectors.md §6 cipher only (libsession-util tests/test_onionreq.cpp)', () => {
  const a = hex('ccc335912da8939e2b44816728a5a4773063efa82bf7ae2d42a0abfa2caa452d');
  const A = hex('bbdfc83022d0aff084a6f0c529a93d1c4d728bf7e41199afed0e01ae70d20540');
  const b = hex('8fcd8ad3a15c76f76f1c56dff0c529999f8c59b4acda79e05666e54d5727dca1');
  const B = hex('caea52c5b0c316d85ffb53ea536826618b13dee40685f166f632653114526a78');
  const aesCt = hex(
    '1eb6ae1cd72f60999486365749bd5dc15cc0b6a2a44d7d063daa5e93722f0c025fd00306403b61',
  );
  const xchachaCt = hex(
    '9e1a3abe60eff3ea5c23556cc7e225b6f94355315f7281f66ecf4dbb06e7899a52b863e03cde3b287d1638d765db75de02b032',
  );

  it('has consistent keypairs', () => {
    expect(toHex(serverKeysFromPrivate(a).publicKey)).toBe(toHex(A));
    expect(serverKeysFromPrivate(b).publicKeyHex).toBe(toHex(B));
  });

  it('derives the AES-GCM key and decrypts; tampering fails', () => {
    const key = deriveOnionKey('aes-gcm', b, B, A);
    expect(toHex(key)).toBe('4f310f62c43f14d7fea7c084819a4e394d9fc7005919275ac18d9eb8bf3e4231');
    expect(onionDecrypt('aes-gcm', key, aesCt)?.toString()).toBe('Hello world');
    expect(aesCt[12]).toBe(0x49);
    expect(onionDecrypt('aes-gcm', key, flip(aesCt, 12, 0x59))).toBeNull();
    expect(onionDecrypt('aes-gcm', key, flip(aesCt, -1, 0x69))).toBeNull();
  });

  it('derives the XChaCha20 key and decrypts; tampering fails', () => {
    const key = deriveOnionKey('xchacha20', b, B, A);
    expect(toHex(key)).toBe('37a3af90eb276c0b4069998e97edf956b6933bd3c77d330a072cdf274e757ab5');
    expect(onionDecrypt('xchacha20', key, xchachaCt)?.toString()).toBe('Hello world');
    expect(xchachaCt[12]).toBe(0xc7);
    expect(onionDecrypt('xchacha20', key, flip(xchachaCt, -1, 0x33))).toBeNull();
    expect(onionDecrypt('xchacha20', key, flip(xchachaCt, 12, 0xcf))).toBeNull();
  });

  it('rejects ciphertexts shorter than IV/nonce + tag', () => {
    const key = new Uint8Array(32);
    expect(onionDecrypt('aes-gcm', key, Buffer.alloc(27))).toBeNull();
    expect(onionDecrypt('xchacha20', key, Buffer.alloc(39))).toBeNull();
    expect(onionDecrypt('aes-gcm', key, Buffer.alloc(28))).toBeNull();
    expect(onionDecrypt('xchacha20', key, Buffer.alloc(40))).toBeNull();
  });
});

describe('vectors.md §6 full outer frames', () => {
  const b = hex('2f4d1c0d28e137777ec0a316e9f4f763e3e66662a6c51994c6315c9ef34b6deb');
  const B = hex('8388de69bc0d4b6196133233ad9a46ba0473474bc67718aad96a3a33c257f726');
  const A = '8167e97672005c669a48858c69895f395ca235219ac3f7a4210022b1f910e652';
  const frames: [OnionCipher, string, number][] = [
    [
      'aes-gcm',
      '270000009525d587d188c92a966eef0e7162bef99a6171a124575b998072a8ee7eb265e0b6f0930ed965047b22656e635f74797065223a20226165732d67636d222c2022657068656d6572616c5f6b6579223a202238313637653937363732303035633636396134383835386336393839356633393563613233353231396163336637613432313030323262316639313065363532227d',
      41,
    ],
    [
      'xchacha20',
      '33000000e440bc244ddcafd947b86fc5a964aa58de54a6d75cc0f0f3840db14b6c1176a8e2e0a04d5fbdf98f23adee1edc8362ab99b10b7b22656e635f74797065223a2022786368616368613230222c2022657068656d6572616c5f6b6579223a202238313637653937363732303035633636396134383835386336393839356633393563613233353231396163336637613432313030323262316639313065363532227d',
      53,
    ],
  ];

  it.each(frames)(
    '%s frame parses, decrypts and gets a reply of the expected size',
    (cipher, frame, size) => {
      const parsed = parseOnionFrame(hex(frame))!;
      expect(parseEncType(parsed.meta.enc_type)).toBe(cipher);
      const ephemeral = parseEphemeralKey(parsed.meta.ephemeral_key)!;
      expect(toHex(ephemeral)).toBe(A);
      const key = deriveOnionKey(cipher, b, B, ephemeral);
      expect(onionDecrypt(cipher, key, parsed.ciphertext)?.toString()).toBe('Hello world');
      const reply = onionEncrypt(cipher, key, Buffer.from('Goodbye world'));
      expect(reply.length).toBe(size);
      expect(onionDecrypt(cipher, key, reply)?.toString()).toBe('Goodbye world');
    },
  );
});

describe('vectors.md §7 keys and replies', () => {
  const b = hex('2f4d1c0d28e137777ec0a316e9f4f763e3e66662a6c51994c6315c9ef34b6deb');
  const a = hex('ec32fb5766cf52b1b5d7b0bff08e29f5c0c58ca19beaf6a5c7d3dd8ac7ced963');
  const A = hex('d79a50b82ba8ca665f854382b42ba159efd16eef87409e97a8d07395b9492928');
  const reply = Buffer.from(
    'l58:{"code":201,"headers":{"content-type":"application/json"}}8:{"id":1}e',
  );

  it('derives S and both keys', () => {
    const { publicKey: B, publicKeyHex } = serverKeysFromPrivate(b);
    expect(publicKeyHex).toBe('8388de69bc0d4b6196133233ad9a46ba0473474bc67718aad96a3a33c257f726');
    expect(toHex(serverKeysFromPrivate(a).publicKey)).toBe(toHex(A));
    const S = '82d99bc9e55aa0471f61a8945af072fb181069b116b0107031dcc328c389dd67';
    expect(toHex(x25519(b, A))).toBe(S);
    expect(toHex(x25519(a, B))).toBe(S);
    expect(toHex(deriveOnionKey('aes-gcm', b, B, A))).toBe(
      '2d96fbaa0e2c3c42c87fe90582d94e605fa874e05f97bdc0735756bfbd6ff6b6',
    );
    expect(toHex(deriveOnionKey('xchacha20', b, B, A))).toBe(
      '721d6337f1398a05c6f6d55552539f115e9f8628beed9ab84bd92e64e5a46738',
    );
  });

  it.each([
    [
      'xchacha20' as const,
      '303132333435363738393a3b3c3d3e3f4041424344454647',
      '303132333435363738393a3b3c3d3e3f4041424344454647e38300e07bd0479a71759a922a2c3ec56635ab1e5baffbf94c4272e8498b6971aa57d1766859de07803c58b5ebf2df54c26ce4b40e8d49c620183c29c5e5462984ee5b828d2b0615ba406fc1f2cd46e938538ff0e9f89641df',
    ],
    [
      'aes-gcm' as const,
      '505152535455565758595a5b',
      '505152535455565758595a5ba27d8a891c10b64541f3ee2deb3e7fb116932b9a6181c825642799f74ec37783b8fd670d90c98eb03ab59836552f6d46584d54fef8c1d7d1843010cbab897ead4334fecf2c5a4d2e52a68219478de4087cc6dfe489057ba7c3',
    ],
  ])('encrypts the %s reply with a given nonce', (cipher, nonce, expected) => {
    const key = deriveOnionKey(cipher, b, serverKeysFromPrivate(b).publicKey, A);
    expect(onionEncrypt(cipher, key, reply, hex(nonce)).toString('hex')).toBe(expected);
  });
});

describe('x25519 agrees with libsodium crypto_scalarmult', () => {
  // The first use of a private key goes through libsodium, later ones through node:crypto.
  it('on random keys, with the top bit set and with non-canonical u (>= 2^255 - 19)', () => {
    const b = randomBytes(32);
    const inputs = Array.from({ length: 64 }, (_, i) => {
      const u = randomBytes(32);
      if (i % 2) u[31] |= 0x80;
      return u;
    });
    for (let low = 0xed; low <= 0xff; low += 9) {
      for (const top of [0x7f, 0xff]) {
        inputs.push(
          Buffer.concat([Buffer.from([low]), Buffer.alloc(30, 0xff), Buffer.from([top])]),
        );
      }
    }
    for (const u of inputs) {
      let expected: string;
      try {
        expected = toHex(sodium().crypto_scalarmult(b, u));
      } catch {
        expected = 'refused';
      }
      let actual: string;
      try {
        actual = toHex(x25519(b, u));
      } catch (err) {
        expect(err).toBeInstanceOf(OnionKeyError);
        actual = 'refused';
      }
      expect(actual).toBe(expected);
    }
  });
});

describe('key derivation failures', () => {
  const b = hex('2f4d1c0d28e137777ec0a316e9f4f763e3e66662a6c51994c6315c9ef34b6deb');
  const B = hex('8388de69bc0d4b6196133233ad9a46ba0473474bc67718aad96a3a33c257f726');
  it.each([
    ['an all-zero key', new Uint8Array(32)],
    ['the low-order point u = 1', hex('01' + '00'.repeat(31))],
    ['a point of order 8', hex('e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800')],
    ['u = p (zero once reduced)', hex('ed' + 'ff'.repeat(30) + '7f')],
    ['a 31-byte key', new Uint8Array(31)],
  ])('throws OnionKeyError for %s', (_name, A) => {
    for (const cipher of ['aes-gcm', 'xchacha20'] as const) {
      expect(() => deriveOnionKey(cipher, b, B, A)).toThrow(OnionKeyError);
    }
  });

  it('refuses a wrong-sized IV or nonce', () => {
    const key = new Uint8Array(32);
    expect(() => onionEncrypt('aes-gcm', key, Buffer.alloc(1), new Uint8Array(24))).toThrow();
    expect(() => onionEncrypt('xchacha20', key, Buffer.alloc(1), new Uint8Array(12))).toThrow();
  });
});

describe('onionEncrypt without a given IV or nonce', () => {
  it('uses a fresh one every time, across many refills of the random pool', () => {
    const key = randomBytes(32);
    for (const [cipher, size] of [
      ['aes-gcm', 12],
      ['xchacha20', 24],
    ] as const) {
      const seen = new Set<string>();
      for (let i = 0; i < 2000; i++) {
        const sealed = onionEncrypt(cipher, key, Buffer.from('same'));
        seen.add(sealed.subarray(0, size).toString('hex'));
        expect(onionDecrypt(cipher, key, sealed)).toEqual(Buffer.from('same'));
      }
      expect(seen.size).toBe(2000);
    }
  });
});
