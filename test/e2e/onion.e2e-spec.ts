import { ServerKeys } from '../../src/config/server-keys';
import { encodeList } from '../../src/crypto/bencode';
import {
  onionDecrypt,
  onionEncrypt,
  onionKeyFromShared,
  x25519,
} from '../../src/crypto/onion-cipher';
import { sodium, sodiumReady } from '../../src/crypto/sodium';
import { SessionIdentity, sealOnionV3, sealOnionV4 } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA } from '../support/sogs-client';
import { TestApp } from '../support/test-app';

const hex = (s: string) => Buffer.from(s, 'hex');

/** The fixed server of vectors.md §7–§8. */
const SERVER_PRIV = hex('2f4d1c0d28e137777ec0a316e9f4f763e3e66662a6c51994c6315c9ef34b6deb');
const AES_KEY = hex('2d96fbaa0e2c3c42c87fe90582d94e605fa874e05f97bdc0735756bfbd6ff6b6');
const XCHACHA_KEY = hex('721d6337f1398a05c6f6d55552539f115e9f8628beed9ab84bd92e64e5a46738');

describe('onion requests (onion.md)', () => {
  let t: TestApp;

  beforeAll(async () => {
    await sodiumReady();
    t = await TestApp.start({ keys: ServerKeys.fromPrivate(SERVER_PRIV) });
    await t.givenRoom('lobby');
  });
  afterAll(() => t.close());

  /** Frame: LE32 length, ciphertext, JSON. */
  function frame(ciphertext: Buffer, json: unknown): Buffer {
    const n = Buffer.alloc(4);
    n.writeUInt32LE(ciphertext.length);
    return Buffer.concat([
      n,
      ciphertext,
      Buffer.from(typeof json === 'string' ? json : JSON.stringify(json)),
    ]);
  }

  describe('the known-answer frames of vectors.md §7–§8', () => {
    beforeEach(() => t.clock.setNow(1700000000.25));
    afterEach(() => t.clock.setNow(Date.now() / 1000));

    it.each([
      ['xchacha20', XCHACHA_KEY],
      ['aes-gcm', AES_KEY],
    ] as const)(
      'decrypts the %s frame and authenticates its blinded inner request',
      async (cipher, key) => {
        const vectors = {
          xchacha20:
            '1d020000101112131415161718191a1b1c1d1e1f20212223242526277cfc0c156d8bcb1a375afa4f30e7f1d11a1caba8492b05cd120247222d236b11d15473d843bdd72ee41499aed2db40786b99b3f80bc19d55b9c33d28b50e14cc018c42a5cccea7c46f73db6208563a1f3fb22d42dee834d103fa050f655db806f6d8d04d18f1f140523f3196fe5f8f41ce432cc24e286b54c89f6de55ca1914d117ebbb658b0cd59d90ae7691a764792e5a97511bf73a79d6152da9d4b2e99e8d40c3754691d2152c903a811c1fdad2c02ee2bdb840cc92c167eed76fe173d58d207a07ae10df9fd5241f58efa9ff64f59af0a8100f3a7f56b453c7a9980b73b29df8c7f226bdafe90d017d9993522cfef222f42f5565f7988a064431d672164164749c90c2404c3986f95f723ca26cc323085ca0d27458a529811d91feb5ec4b0b5fd1c46b69a6120fb8e76772b893f5b8e37c3d0caad4252051e36bab2632d00fa00d45e9f4e98eb7a90b77f1e17999ad9e80cdd553260c44bf159ce9eee7da074356d4ee08c079ba5bcd8bdc8d040559bd9dd3c7fac8f955005f5a0b5566f41372517fe00769902a4bfee2625f3d8dee40f078df90ae01581223f2675fc0937e739028d25481d703a6b197936d0a4fa5236dd8bd43bcbd7830e2c12700cbee9dc661fdb387b1a5051d58dbbad083ee5cde2cded06a6b1ddba3bf2197fb90420dfb87877d328d56ea7706e8441a58a739a043033bd0646f0bd9ac34516493faf93c785707b22686f7374223a22736f67732e6578616d706c65222c22706f7274223a3434332c2270726f746f636f6c223a226874747073222c22746172676574223a222f6f78656e2f76342f6c73727063222c226d6574686f64223a22504f5354222c22657068656d6572616c5f6b6579223a2264373961353062383262613863613636356638353433383262343262613135396566643136656566383734303965393761386430373339356239343932393238222c22656e635f74797065223a22786368616368613230227d',
          'aes-gcm':
            '11020000202122232425262728292a2b8e3aedd3092e93c11fed0e7e307803f9cad3613fbd6cd5b958b3b42cbea711accc5e12bcdd40090722cb5fbf530e9e0359339813be5a7f3168618fd01c457c177377c77dd6d937e11c7d416fa1de345866fbf18bfc1535d49b7e2ec0f561483d99e5d3f25c267ca4558e18be5bdfdcacf88d47d797282035a52e55024a171d9a1e7cb411492dce909f74e7ccdbfa04ed83cb0dec7d0e5d9640ec77429fce193892dbad2db6e52a273b63a1179e44e71570fd75f2d5f44a3db59b33ea955d54fe93889f517f8b61f261a6272b287626c13cd7b9918b9f00384e2db73b8a98d2dbb53051fb8a7df76d6f333bd1073daee8f44704f2f15b77414b37a80db2cda3c6c6faf7a637f858ef4f4dfc7165c8980a3361a6eb569b52c0bcf4d6397f3aa618ac87fabf460467a956eaada58a1ae40e802a1725b0b6b1fbcf4acaf14c390f7edbffca0a85d4f40e335e419aa495e0fe0c5ab39ae788bcc243e6752a77d94d6bb8999eccf1ea900517872559d9deb37f4f084df0beb9a52718f5da5b8f480041566b68d3d1a3c16a0730c13f3ae95a79654d9301a2f952d036ddb752264f101806bc718b7bb865950ff51a7fe74bba194ade78b37a67c35f5804b5e35b5be1e7aa730ca95eceef32bc208ae1204193218803ba8ccd492a47660b0c721800bca0b51cc3d4fd602b9a4c9483ab081e83ff0fd50be65cf9f7c414f7356dd4dbea7af79976f5e17b22686f7374223a22736f67732e6578616d706c65222c22746172676574223a222f6f78656e2f76342f6c73727063222c226d6574686f64223a22504f5354222c22657068656d6572616c5f6b6579223a2264373961353062383262613863613636356638353433383262343262613135396566643136656566383734303965393761386430373339356239343932393238227d',
        };
        await t.db.query('DELETE FROM request_nonces');
        const outer = await t.client().postFrame('/oxen/v4/lsrpc', hex(vectors[cipher]));
        expect(outer.status).toBe(200);
        const plain = onionDecrypt(cipher, key, outer.body);
        expect(plain).not.toBeNull();
        const text = plain!.toString('latin1');
        // Authentication passed (not 401/400); the route itself belongs to the messages feature.
        expect(text).toMatch(/^l\d+:\{"code":(201|404|403),"headers":\{/);
        const users = await t.db.query('SELECT 1 FROM users WHERE session_id = $1', [
          '158f705fbc5125ec71d3da9d3078a9464614485b09e17f6d8ca64d60e9ef20ce5a',
        ]);
        expect(users).toHaveLength(1);
      },
    );

    it('answers the v3 frame of §8 with the capabilities, base64-encoded', async () => {
      const v3 =
        '47000000707172737475767778797a7b28f22bb8999ab59c0b3924c92fd43a944b9656badc34ba814a1f5cc70a0512ba49049c7974b9f5e0c2f437698d966f72274f44e76238abf0535aa27b22686f7374223a22736f67732e6578616d706c65222c22746172676574223a222f6c6f6b692f76332f6c73727063222c226d6574686f64223a22504f5354222c22657068656d6572616c5f6b6579223a2264373961353062383262613863613636356638353433383262343262613135396566643136656566383734303965393761386430373339356239343932393238227d';
      const outer = await t.client().postFrame('/loki/v3/lsrpc', hex(v3));
      expect(outer.status).toBe(200);
      const plain = onionDecrypt('aes-gcm', AES_KEY, Buffer.from(outer.text, 'base64'));
      expect(plain?.toString()).toBe('{"capabilities":["blind","reactions","sogs"]}');
      const viaOxen = await t.client().postFrame('/oxen/v3/lsrpc', hex(v3));
      expect(viaOxen.status).toBe(200);
    });
  });

  describe('undecryptable envelopes get a plain 400', () => {
    const cases: [string, () => Buffer][] = [
      ['an empty body', () => Buffer.alloc(0)],
      ['a body shorter than 4 bytes', () => Buffer.from([1, 0])],
      [
        'a length past the end',
        () => Buffer.concat([Buffer.from([200, 0, 0, 0]), Buffer.alloc(20)]),
      ],
      ['JSON that is not an object', () => frame(Buffer.alloc(40), '[1]')],
      ['invalid JSON', () => frame(Buffer.alloc(40), '{nope')],
      ['no ephemeral key', () => frame(Buffer.alloc(40), {})],
      [
        'an unknown enc_type',
        () => frame(Buffer.alloc(40), { ephemeral_key: '11'.repeat(32), enc_type: 'rot13' }),
      ],
      [
        'a ciphertext that does not authenticate',
        () => frame(Buffer.alloc(60, 7), { ephemeral_key: '11'.repeat(32) }),
      ],
      [
        'a low-order ephemeral key',
        () => frame(Buffer.alloc(60), { ephemeral_key: '00'.repeat(32) }),
      ],
    ];
    it.each(cases)('%s', async (_name, body) => {
      for (const path of ['/oxen/v4/lsrpc', '/loki/v3/lsrpc']) {
        const r = await t.client().postFrame(path, body());
        expect(r.status).toBe(400);
      }
    });

    it('a tampered ciphertext', async () => {
      const sealed = sealOnionV4({
        serverPubkey: t.keys.publicKey,
        cipher: 'aes-gcm',
        method: 'GET',
        endpoint: '/capabilities',
      });
      sealed.frame[10] ^= 0x40;
      expect((await t.client().postFrame('/oxen/v4/lsrpc', sealed.frame)).status).toBe(400);
    });

    it('a body over 10 485 760 bytes gets 413', async () => {
      const r = await t.client().postFrame('/oxen/v4/lsrpc', Buffer.alloc(10_485_761));
      expect(r.status).toBe(413);
    });
  });

  describe('malformed inner requests get an encrypted 400 "Invalid v4 onion request"', () => {
    const bad: [string, Buffer][] = [
      ['not a list', Buffer.from('5:hello')],
      ['no closing e', Buffer.from('l2:{}')],
      ['trailing bytes', Buffer.from('l2:{}ex')],
      ['meta not an object', encodeList([Buffer.from('[1]')])],
      ['no method', encodeList([Buffer.from('{"endpoint":"/capabilities"}')])],
      ['no endpoint', encodeList([Buffer.from('{"method":"GET"}')])],
      [
        'endpoint without a slash',
        encodeList([Buffer.from('{"method":"GET","endpoint":"capabilities"}')]),
      ],
      [
        'invalid percent-encoding',
        encodeList([Buffer.from('{"method":"GET","endpoint":"/room/%ZZ"}')]),
      ],
      [
        'an unknown method',
        encodeList([Buffer.from('{"method":"FOO","endpoint":"/capabilities"}')]),
      ],
      [
        'a lone surrogate in the path',
        encodeList([Buffer.from('{"method":"GET","endpoint":"/r/\\ud800"}')]),
      ],
      [
        'three parts',
        encodeList([
          Buffer.from('{"method":"GET","endpoint":"/capabilities"}'),
          Buffer.alloc(1),
          Buffer.alloc(1),
        ]),
      ],
    ];
    it.each(bad)('%s', async (_name, plaintext) => {
      for (const cipher of ['aes-gcm', 'xchacha20'] as const) {
        const { frame: f, key } = sealRaw(t.keys.publicKey, cipher, plaintext);
        const outer = await t.client().postFrame('/oxen/v4/lsrpc', f);
        expect(outer.status).toBe(200);
        const reply = onionDecrypt(cipher, key, outer.body)!.toString();
        expect(reply).toBe(
          'l67:{"code":400,"headers":{"content-type":"text/plain; charset=utf-8"}}24:Invalid v4 onion requeste',
        );
      }
    });
  });

  it('replies with lower-case headers, no content-length, and exact JSON content type', async () => {
    const r = await t.client().get('/room/lobby', { via: ONION_XCHACHA });
    expect(r.status).toBe(200);
    expect(r.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('takes raw UTF-8 and percent-encoded endpoints alike, and a bare trailing ?', async () => {
    const a = await t.client().get('/room/lobby?', { via: ONION_AES });
    expect(a.status).toBe(200);
    const b = await t.client().get('/room/%6cobby', { via: ONION_AES });
    expect(b.status).toBe(200);
  });

  it('refuses onion and admin paths inside an envelope', async () => {
    for (const path of ['/oxen/v4/lsrpc', '/loki/v3/lsrpc', '/admin/rooms']) {
      expect((await t.client().post(path, { body: 'x', via: ONION_AES })).status).toBe(404);
    }
  });

  it('v3: non-2xx answers carry only the status code; GET bodies are refused', async () => {
    const c = t.client();
    const r = await c.get('/room/missing', { via: { onion: 'v3', cipher: 'xchacha20' } });
    expect(r.status).toBe(404);
    expect(r.json()).toEqual({ status_code: 404 });
    const sealed = sealOnionV3({
      serverPubkey: t.keys.publicKey,
      cipher: 'aes-gcm',
      method: 'GET',
      endpoint: '/capabilities',
      body: 'x',
    });
    const outer = await c.postFrame('/loki/v3/lsrpc', sealed.frame);
    expect(sealed.open(outer.body).toString()).toBe('{"status_code":400}');
    const nullBody = sealOnionV3({
      serverPubkey: t.keys.publicKey,
      cipher: 'aes-gcm',
      method: 'GET',
      endpoint: '/capabilities',
      body: 'null',
    });
    const ok = await c.postFrame('/loki/v3/lsrpc', nullBody.frame);
    expect(JSON.parse(nullBody.open(ok.body).toString())).toHaveProperty('capabilities');
  });

  it('authenticates the inner request from its own headers, not the outer request', async () => {
    const alice = SessionIdentity.random();
    const signed = t.client(alice).signHeaders('GET', '/room/lobby', undefined);
    const sealed = sealOnionV4({
      serverPubkey: t.keys.publicKey,
      cipher: 'aes-gcm',
      method: 'GET',
      endpoint: '/room/lobby',
    });
    const outer = await fetch(`${t.baseUrl}/oxen/v4/lsrpc`, {
      method: 'POST',
      headers: signed,
      body: sealed.frame,
    });
    expect(outer.status).toBe(200);
    const users = await t.db.query('SELECT 1 FROM users WHERE session_id = $1', [
      alice.blindedId(t.keys.publicKey),
    ]);
    expect(users).toHaveLength(0);
  });
});

/** Seals arbitrary plaintext (possibly malformed) for the server. */
function sealRaw(serverPubkey: Uint8Array, cipher: 'aes-gcm' | 'xchacha20', plaintext: Buffer) {
  const a = sodium().randombytes_buf(32);
  const A = sodium().crypto_scalarmult_base(a);
  const key = onionKeyFromShared(cipher, x25519(a, serverPubkey), A, serverPubkey);
  const ct = onionEncrypt(cipher, key, plaintext);
  const n = Buffer.alloc(4);
  n.writeUInt32LE(ct.length);
  const json: Record<string, string> = { ephemeral_key: Buffer.from(A).toString('hex') };
  if (cipher === 'xchacha20') json.enc_type = 'xchacha20';
  return { frame: Buffer.concat([n, ct, Buffer.from(JSON.stringify(json))]), key };
}
