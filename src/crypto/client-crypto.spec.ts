/** The test client (test/support/client-crypto.ts) against the known answers and the server side. */
import {
  SessionIdentity,
  blindedDmEncrypt,
  sealOnionV3,
  sealOnionV4,
  sogsHeaders,
} from '../../test/support/client-crypto';
import { decodeOnionList, encodeList } from './bencode';
import { blindedIdFromSeed } from './blinding';
import { decodeHexOrBase64 } from './encoding';
import {
  type OnionCipher,
  deriveOnionKey,
  onionDecrypt,
  onionEncrypt,
  parseEncType,
} from './onion-cipher';
import { parseEphemeralKey, parseOnionFrame } from './onion-frame';
import { buildSignedMessage, verifyEd25519 } from './request-signature';
import { sodiumReady } from './sodium';

const hex = (h: string) => Buffer.from(h, 'hex');
const SEED = hex('c010d89eccbaf5d1c6d19df766c6eedf965d4a28a56f87c9fc819edb59896dd9');
const SERVER_PRIV = hex('2f4d1c0d28e137777ec0a316e9f4f763e3e66662a6c51994c6315c9ef34b6deb');
const SERVER_PUB = hex('8388de69bc0d4b6196133233ad9a46ba0473474bc67718aad96a3a33c257f726');
const EPHEMERAL = hex('ec32fb5766cf52b1b5d7b0bff08e29f5c0c58ca19beaf6a5c7d3dd8ac7ced963');
const EPHEMERAL_PUB = hex('d79a50b82ba8ca665f854382b42ba159efd16eef87409e97a8d07395b9492928');
const NONCE = hex('000102030405060708090a0b0c0d0e0f');
const BODY = `{"data":"CAESBWhlbGxv","signature":"${'AQEB'.repeat(21)}AQ=="}`;

beforeAll(() => sodiumReady());

describe('SessionIdentity', () => {
  it('reproduces the vectors.md §2 identity and all six signatures', () => {
    const B = hex('c3b3c6f32f0ab5a57f853cc4f30f5da7fda5624b0c77b3fb0829de562ada081d');
    const id = new SessionIdentity(SEED);
    expect(id.ed25519Pubkey.toString('hex')).toBe(
      'bac6e71efd7dfa4a83c98ed24f254ab2c267f9ccdb172a5280a0444ad24e89cc',
    );
    expect(id.scalar.toString('hex')).toBe(
      '30d796c1ddb4dc455fd998a98aa275c247494a9a7bde9c1fee86ae45cd585241',
    );
    expect(id.sessionId).toBe('0588672ccb97f40bb57238989226cf429b575ba355443f47bc76c5ab144a96c65b');
    expect(id.blindedKeys(B).ka.toString('hex')).toBe(
      '16663322d6b684e1c9dcc02b9e8642c3affd3bc431a9ea9e63dbbac88ce7a305',
    );
    expect(id.blindedId(B)).toBe(blindedIdFromSeed(SEED, B));

    const path = '/room/the-best-room/messages/recent?limit=25';
    const common = { identity: id, serverPubkey: B, method: 'GET', path, timestamp: 1642472103 };
    const nonce = hex('09d0799f2295990182c3ab3406fbfc5b');
    const sig = (o: Partial<Parameters<typeof sogsHeaders>[0]>) =>
      sogsHeaders({ ...common, mode: 'blinded', nonce, ...o })['X-SOGS-Signature'];
    expect(sig({ mode: 'unblinded' })).toBe(
      'xxLpXHbomAJMB9AtGMyqvBsXrdd2040y+Ol/IKzElWfKJa3EYZRv1GLO6CTLhrDFUwVQe8PPltyGs54Kd7O5Cg==',
    );
    expect(sig({ mode: 'unblinded', body: 'hello 🎂' })).toBe(
      'uumZNee7NUb0lVufegjzgjjnj4pe3kAe6OYw7iVTJrcxxxdIxUCgt5/xliBWqPlgY6ReUZRAuptNa4nprv7nCA==',
    );
    expect(sig({})).toBe(
      'gYqpWZX6fnF4Gb2xQM3xaXs0WIYEI49+B8q4mUUEg8Rw0ObaHUWfoWjMHMArAtP9QlORfiydsKWz1o6zdPVeCQ==',
    );
    expect(sig({ body: 'hello 🎂' })).toBe(
      'hZCg5pEoy9t98umaY6fNarzcLP5UKUF8chz5mIjwwrRIQLy1kinRoYcNPdFOpJu8heA0val4viymXRTp1DGeBg==',
    );
    expect(sig({ variant: 'libsession' })).toBe(
      'kXxMbg6+492jeI+D61s9636ixYctn/qnhknhUhQTt54UR3eP9vslcc3iESdBCyikpqYyyfEOp0z+hjuvXGWyCQ==',
    );
    expect(sig({ variant: 'libsession', body: 'hello 🎂' })).toBe(
      '6LJlpQJHf3AAHNTIywF8z6p+YQyj3c6QsFlpojgNmllLsUPmgDuhxZB5zBV+zbWDwKwB4K1duOdsvDpLcMANBw==',
    );
  });

  it('reproduces both vectors.md §3 signatures', () => {
    const sk = hex(
      'fecd9a6034bc9aba273925dee7062b123334587c3c6257341afae2d7fe85e122f4ef873908f6a5377ba3853f0e2fa326eed9e741edf9f7d0311a3ecc66a57b32',
    );
    const B = hex('abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789');
    const id = new SessionIdentity(sk.subarray(0, 32));
    expect(id.secretKey).toEqual(sk);
    expect(id.sessionId).toBe('05fe94b7ad4b7f1cc1bb92671f1f0d243f226e115b33770465e82b503fc3e96e1f');
    expect(id.blindedId(B)).toBe(
      '15b74ed205f1f931e1bb1291183778a9456b835937d923b0f2e248aa3a44c07844',
    );
    const hello = Buffer.from('hello');
    expect(id.signBlinded(hello, B, 'libsession').toString('hex')).toBe(
      '1a5ade20b43af0e16b3e591d6f86303938d7557c0ac54469dd4f5aea759f82d22cafa42587251756e133acdddd8cbec2f707a9ce09a49f2193f46a91502c5006',
    );
    expect(id.signBlinded(hello, B, 'seed').toString('hex')).toBe(
      'c8eedb665dec49a0340f67bca204de17169f5e79c0b90f4e30508e88c69d409fba9772646abfeb6413d94fc0fdccb9ba6eb51b48bee1ba998ce00eb0cfdae209',
    );
  });
});

describe('vectors.md §7 with the client helpers', () => {
  const id = () => new SessionIdentity(SEED);
  const headers = (mode: 'blinded' | 'unblinded', variant?: 'seed' | 'libsession') =>
    sogsHeaders({
      identity: id(),
      serverPubkey: SERVER_PUB,
      method: 'POST',
      path: '/room/lobby/message',
      body: BODY,
      mode,
      variant,
      nonce: NONCE,
      timestamp: '1700000000',
    });

  it('builds the exact headers and all three signatures', () => {
    expect(headers('blinded')).toEqual({
      'X-SOGS-Pubkey': '158f705fbc5125ec71d3da9d3078a9464614485b09e17f6d8ca64d60e9ef20ce5a',
      'X-SOGS-Nonce': 'AAECAwQFBgcICQoLDA0ODw==',
      'X-SOGS-Timestamp': '1700000000',
      'X-SOGS-Signature':
        'qfylBSE4z6Ubcz+BJLI2cXjp2SeIIiFX3dm/Jwvvy246pVCCGgXwAfDJEQkyMUiYKLnqqt+sZt2/+C/MpQVzCg==',
    });
    expect(headers('blinded', 'libsession')['X-SOGS-Signature']).toBe(
      'qZ+J/Mf7CKaLcRck1wPisxMtr1Wozu7GcawWKaGJ/x/HTUX/5XJ+7jt7Ms0sWSTrRcfkFMOF5IRRwl23y4I7DA==',
    );
    const unblinded = headers('unblinded');
    expect(unblinded['X-SOGS-Pubkey']).toBe(
      '00bac6e71efd7dfa4a83c98ed24f254ab2c267f9ccdb172a5280a0444ad24e89cc',
    );
    expect(unblinded['X-SOGS-Signature']).toBe(
      '0nFnOPSi46jTYmwYQHRlysHSE1t25j2eGZulKcBt+e7+yjOq57GsaY537VW+YXzJWs6C9Kcn5SLhhl3j//RcBw==',
    );
  });

  it.each([
    ['xchacha20', '101112131415161718191a1b1c1d1e1f2021222324252627', 541],
    ['aes-gcm', '202122232425262728292a2b', 529],
  ])('seals the same %s ciphertext as the vector frame', (cipher, nonce, ctLength) => {
    const { frame } = sealOnionV4({
      serverPubkey: SERVER_PUB,
      cipher: cipher as OnionCipher,
      method: 'POST',
      endpoint: '/room/lobby/message',
      headers: { ...headers('blinded'), 'Content-Type': 'application/json' },
      body: BODY,
      ephemeralPrivkey: EPHEMERAL,
      nonce: hex(nonce),
    });
    const parsed = parseOnionFrame(frame)!;
    expect(parsed.ciphertext.length).toBe(ctLength);
    expect(parsed.ciphertext.subarray(0, hex(nonce).length)).toEqual(hex(nonce));
    expect(parseEncType(parsed.meta.enc_type)).toBe(cipher);
    const key = deriveOnionKey(cipher as OnionCipher, SERVER_PRIV, SERVER_PUB, EPHEMERAL_PUB);
    const plain = onionDecrypt(cipher as OnionCipher, key, parsed.ciphertext)!;
    expect(plain.length).toBe(501);
    const [meta, body] = decodeOnionList(plain)!;
    expect(meta.toString()).toBe(
      '{"method":"POST","endpoint":"/room/lobby/message","headers":{' +
        '"X-SOGS-Pubkey":"158f705fbc5125ec71d3da9d3078a9464614485b09e17f6d8ca64d60e9ef20ce5a",' +
        '"X-SOGS-Nonce":"AAECAwQFBgcICQoLDA0ODw==","X-SOGS-Timestamp":"1700000000",' +
        '"X-SOGS-Signature":"qfylBSE4z6Ubcz+BJLI2cXjp2SeIIiFX3dm/Jwvvy246pVCCGgXwAfDJEQkyMUiYKLnqqt+sZt2/+C/MpQVzCg==",' +
        '"Content-Type":"application/json"}}',
    );
    expect(body.toString()).toBe(BODY);
  });
});

describe('round trips through the server-side functions', () => {
  it.each(['aes-gcm', 'xchacha20'] as const)('v4 over %s, verified and answered', (cipher) => {
    const identity = SessionIdentity.random();
    const endpoint = '/room/r/reaction/7/%F0%9F%91%8D?x=%20';
    const hdrs = sogsHeaders({
      identity,
      serverPubkey: SERVER_PUB,
      method: 'PUT',
      path: endpoint,
      mode: 'blinded',
    });
    const { frame, open } = sealOnionV4({
      serverPubkey: SERVER_PUB,
      cipher,
      method: 'PUT',
      endpoint,
      headers: hdrs,
    });

    // Server side: parse, decrypt, verify, reply.
    const parsed = parseOnionFrame(frame)!;
    const ephemeral = parseEphemeralKey(parsed.meta.ephemeral_key)!;
    const key = deriveOnionKey(
      parseEncType(parsed.meta.enc_type)!,
      SERVER_PRIV,
      SERVER_PUB,
      ephemeral,
    );
    const parts = decodeOnionList(onionDecrypt(cipher, key, parsed.ciphertext)!)!;
    expect(parts.length).toBe(1);
    const meta = JSON.parse(parts[0].toString()) as { headers: Record<string, string> };
    const message = buildSignedMessage({
      serverPubkey: SERVER_PUB,
      nonce: decodeHexOrBase64(meta.headers['X-SOGS-Nonce'], 16)!,
      timestamp: meta.headers['X-SOGS-Timestamp'],
      method: 'PUT',
      path: '/room/r/reaction/7/👍',
      query: 'x=%20',
      body: Buffer.alloc(0),
    });
    const pubkey = hex(meta.headers['X-SOGS-Pubkey'].slice(2));
    expect(
      verifyEd25519(decodeHexOrBase64(meta.headers['X-SOGS-Signature'], 64)!, message, pubkey),
    ).toBe(true);

    const replyMeta = { code: 200, headers: { 'content-type': 'application/json' } };
    const reply = encodeList([Buffer.from(JSON.stringify(replyMeta)), Buffer.from('{}')]);
    const opened = open(onionEncrypt(cipher, key, reply));
    expect(opened.meta).toEqual(replyMeta);
    expect(opened.body.toString()).toBe('{}');
  });

  it('v3 request and base64 reply', () => {
    const { frame, open } = sealOnionV3({
      serverPubkey: SERVER_PUB,
      cipher: 'aes-gcm',
      method: 'GET',
      endpoint: '/capabilities',
      ephemeralPrivkey: EPHEMERAL,
      nonce: hex('707172737475767778797a7b'),
    });
    expect(frame.toString('hex').startsWith('47000000707172737475767778797a7b28f22bb8')).toBe(true);
    const parsed = parseOnionFrame(frame)!;
    expect(parsed.meta.enc_type).toBeUndefined();
    const key = deriveOnionKey('aes-gcm', SERVER_PRIV, SERVER_PUB, EPHEMERAL_PUB);
    expect(onionDecrypt('aes-gcm', key, parsed.ciphertext)?.toString()).toBe(
      '{"method":"GET","endpoint":"/capabilities"}',
    );
    const reply =
      'gIGCg4SFhoeIiYqLojLSUGfjsIIjsbxydtw9KxWnUxJhn9FK4GYr1JLwHOIyxK6QG9kzQQio+J4RgNzEGRc78m/E5MNpbYdhuQ==';
    expect(open(reply).toString()).toBe('{"capabilities":["blind","reactions","sogs"]}');
  });
});

it('encrypts the vectors.md §9 blinded DM', () => {
  const alice = new SessionIdentity(SEED);
  const bob = new SessionIdentity(
    hex('880adf5164a79bce71f7387fbc2cb2693c0bf0ab4cb42bf1edafddade7527a66'),
  );
  expect(alice.blindedId(SERVER_PUB)).toBe(
    '158f705fbc5125ec71d3da9d3078a9464614485b09e17f6d8ca64d60e9ef20ce5a',
  );
  expect(bob.sessionId).toBe('05c506fee5118680107a4722f60a05dfcbb5737d6ffc4d163fb60479e279c6095d');
  expect(bob.blindedId(SERVER_PUB)).toBe(
    '1516bc1e20f00469ecfaec9715debc0e42587ebb93d07daca10e07e9b2fa02bdb3',
  );
  const message = blindedDmEncrypt({
    sender: alice,
    recipientBlindedId: bob.blindedId(SERVER_PUB),
    serverPubkey: SERVER_PUB,
    message: 'hello',
    nonce: hex('606162636465666768696a6b6c6d6e6f7071727374757677'),
  });
  expect(message).toBe(
    'AASmPaxxo8fa6KEZVwao76ZhbwcPXAnmfnND3KizeYqx4chmwNem9hvA7y06rBz25Y7v3q4EYGFiY2RlZmdoaWprbG1ub3BxcnN0dXZ3',
  );
});
