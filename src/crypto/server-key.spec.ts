import { serverKeysFromPrivate } from './server-key';
import { sodiumReady } from './sodium';

beforeAll(() => sodiumReady());

it('derives the X25519 public key (vectors.md §7)', () => {
  const priv = Buffer.from(
    '2f4d1c0d28e137777ec0a316e9f4f763e3e66662a6c51994c6315c9ef34b6deb',
    'hex',
  );
  const keys = serverKeysFromPrivate(priv);
  expect(keys.publicKeyHex).toBe(
    '8388de69bc0d4b6196133233ad9a46ba0473474bc67718aad96a3a33c257f726',
  );
  expect(Buffer.from(keys.publicKey).toString('hex')).toBe(keys.publicKeyHex);
  expect(Buffer.from(keys.privateKey)).toEqual(priv);
  priv[0] ^= 1;
  expect(keys.privateKey[0]).toBe(0x2f); // a copy, not the caller's buffer
});

it('rejects a key of the wrong size', () => {
  expect(() => serverKeysFromPrivate(new Uint8Array(64))).toThrow(RangeError);
});
