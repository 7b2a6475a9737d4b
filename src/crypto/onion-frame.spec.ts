import { decodeOnionList } from './bencode';
import { deriveOnionKey, onionDecrypt, onionEncrypt, parseEncType } from './onion-cipher';
import { parseEphemeralKey, parseOnionFrame } from './onion-frame';
import { sodiumReady } from './sodium';

const hex = (h: string) => Buffer.from(h, 'hex');
const frame = (ct: Buffer, json: string) => {
  const n = Buffer.alloc(4);
  n.writeUInt32LE(ct.length);
  return Buffer.concat([n, ct, Buffer.from(json)]);
};

beforeAll(() => sodiumReady());

describe('parseOnionFrame (onion.md §2)', () => {
  it('splits ciphertext and JSON, whatever the JSON spacing', () => {
    const parsed = parseOnionFrame(frame(Buffer.from('abc'), ' { "x" : [1] , "y":"é" } '));
    expect(parsed?.ciphertext.toString()).toBe('abc');
    expect(parsed?.meta).toEqual({ x: [1], y: 'é' });
  });

  it('accepts an empty ciphertext (decryption rejects it later)', () => {
    expect(parseOnionFrame(frame(Buffer.alloc(0), '{}'))?.ciphertext.length).toBe(0);
  });

  it.each([
    ['empty body', Buffer.alloc(0)],
    ['3 bytes', Buffer.from([1, 0, 0])],
    ['N past the end', Buffer.concat([Buffer.from([5, 0, 0, 0]), Buffer.from('ab{}')])],
    ['N = 2^32-1', Buffer.concat([Buffer.from([0xff, 0xff, 0xff, 0xff]), Buffer.from('{}')])],
    ['no JSON', frame(Buffer.from('abc'), '')],
    ['truncated JSON', frame(Buffer.from('abc'), '{"a":1')],
    ['JSON array', frame(Buffer.from('abc'), '[]')],
    ['JSON null', frame(Buffer.from('abc'), 'null')],
    ['JSON string', frame(Buffer.from('abc'), '"x"')],
    ['JSON number', frame(Buffer.from('abc'), '1')],
    ['trailing data', frame(Buffer.from('abc'), '{}x')],
    [
      'invalid UTF-8',
      Buffer.concat([frame(Buffer.from('a'), '{"a":"'), hex('ff'), Buffer.from('"}')]),
    ],
  ])('rejects %s', (_name, body) => {
    expect(parseOnionFrame(body)).toBeNull();
  });
});

describe('parseEphemeralKey', () => {
  const key = hex('d79a50b82ba8ca665f854382b42ba159efd16eef87409e97a8d07395b9492928');
  it.each([
    ['lowercase hex', key.toString('hex')],
    ['uppercase hex', key.toString('hex').toUpperCase()],
    ['padded base64', key.toString('base64')],
    ['unpadded base64', key.toString('base64').slice(0, 43)],
    ['32 raw bytes', key.toString('latin1').replace(/[\x80-\xff]/g, 'a')],
    ['base32z', '46pfbqbmidfgczhfeqbmek7bm8z7n5zxo7yj7f7e4b33mqkjfrwy'],
    ['upper-case base32z', '46pfbqbmidfgczhfeqbmek7bm8z7n5zxo7yj7f7e4b33mqkjfrwy'.toUpperCase()],
    // The last character's 4 unused bits are ignored, as the reference ignores them.
    ['base32z with padding bits set', '46pfbqbmidfgczhfeqbmek7bm8z7n5zxo7yj7f7e4b33mqkjfrwx'],
  ])('accepts %s', (name, value) => {
    const parsed = parseEphemeralKey(value);
    expect(parsed?.length).toBe(32);
    if (name !== '32 raw bytes') expect(Buffer.from(parsed!)).toEqual(key);
  });

  it.each([
    undefined,
    null,
    42,
    '',
    'ab',
    key.toString('hex').slice(1),
    'g'.repeat(64),
    'é'.repeat(32),
    // base32z of the wrong length, or with a character outside its alphabet (`l`, `v`, `2`).
    '46pfbqbmidfgczhfeqbmek7bm8z7n5zxo7yj7f7e4b33mqkjfrw',
    '46pfbqbmidfgczhfeqbmek7bm8z7n5zxo7yj7f7e4b33mqkjfrwl',
    '26pfbqbmidfgczhfeqbmek7bm8z7n5zxo7yj7f7e4b33mqkjfrwy',
  ])('rejects %j', (value) => {
    expect(parseEphemeralKey(value)).toBeNull();
  });
});

describe('vectors.md §7 full v4 frames', () => {
  const b = hex('2f4d1c0d28e137777ec0a316e9f4f763e3e66662a6c51994c6315c9ef34b6deb');
  const B = hex('8388de69bc0d4b6196133233ad9a46ba0473474bc67718aad96a3a33c257f726');
  const signature =
    'qfylBSE4z6Ubcz+BJLI2cXjp2SeIIiFX3dm/Jwvvy246pVCCGgXwAfDJEQkyMUiYKLnqqt+sZt2/+C/MpQVzCg==';
  const meta =
    '{"method":"POST","endpoint":"/room/lobby/message","headers":{' +
    '"X-SOGS-Pubkey":"158f705fbc5125ec71d3da9d3078a9464614485b09e17f6d8ca64d60e9ef20ce5a",' +
    '"X-SOGS-Nonce":"AAECAwQFBgcICQoLDA0ODw==","X-SOGS-Timestamp":"1700000000",' +
    `"X-SOGS-Signature":"${signature}","Content-Type":"application/json"}}`;
  const body = `{"data":"CAESBWhlbGxv","signature":"${'AQEB'.repeat(21)}AQ=="}`;
  const plaintext = `l365:${meta}126:${body}e`;

  it.each([
    [
      'xchacha20',
      746,
      '1d020000101112131415161718191a1b1c1d1e1f20212223242526277cfc0c156d8bcb1a375afa4f30e7f1d11a1caba8492b05cd120247222d236b11d15473d843bdd72ee41499aed2db40786b99b3f80bc19d55b9c33d28b50e14cc018c42a5cccea7c46f73db6208563a1f3fb22d42dee834d103fa050f655db806f6d8d04d18f1f140523f3196fe5f8f41ce432cc24e286b54c89f6de55ca1914d117ebbb658b0cd59d90ae7691a764792e5a97511bf73a79d6152da9d4b2e99e8d40c3754691d2152c903a811c1fdad2c02ee2bdb840cc92c167eed76fe173d58d207a07ae10df9fd5241f58efa9ff64f59af0a8100f3a7f56b453c7a9980b73b29df8c7f226bdafe90d017d9993522cfef222f42f5565f7988a064431d672164164749c90c2404c3986f95f723ca26cc323085ca0d27458a529811d91feb5ec4b0b5fd1c46b69a6120fb8e76772b893f5b8e37c3d0caad4252051e36bab2632d00fa00d45e9f4e98eb7a90b77f1e17999ad9e80cdd553260c44bf159ce9eee7da074356d4ee08c079ba5bcd8bdc8d040559bd9dd3c7fac8f955005f5a0b5566f41372517fe00769902a4bfee2625f3d8dee40f078df90ae01581223f2675fc0937e739028d25481d703a6b197936d0a4fa5236dd8bd43bcbd7830e2c12700cbee9dc661fdb387b1a5051d58dbbad083ee5cde2cded06a6b1ddba3bf2197fb90420dfb87877d328d56ea7706e8441a58a739a043033bd0646f0bd9ac34516493faf93c785707b22686f7374223a22736f67732e6578616d706c65222c22706f7274223a3434332c2270726f746f636f6c223a226874747073222c22746172676574223a222f6f78656e2f76342f6c73727063222c226d6574686f64223a22504f5354222c22657068656d6572616c5f6b6579223a2264373961353062383262613863613636356638353433383262343262613135396566643136656566383734303965393761386430373339356239343932393238222c22656e635f74797065223a22786368616368613230227d',
    ],
    [
      'aes-gcm',
      681,
      '11020000202122232425262728292a2b8e3aedd3092e93c11fed0e7e307803f9cad3613fbd6cd5b958b3b42cbea711accc5e12bcdd40090722cb5fbf530e9e0359339813be5a7f3168618fd01c457c177377c77dd6d937e11c7d416fa1de345866fbf18bfc1535d49b7e2ec0f561483d99e5d3f25c267ca4558e18be5bdfdcacf88d47d797282035a52e55024a171d9a1e7cb411492dce909f74e7ccdbfa04ed83cb0dec7d0e5d9640ec77429fce193892dbad2db6e52a273b63a1179e44e71570fd75f2d5f44a3db59b33ea955d54fe93889f517f8b61f261a6272b287626c13cd7b9918b9f00384e2db73b8a98d2dbb53051fb8a7df76d6f333bd1073daee8f44704f2f15b77414b37a80db2cda3c6c6faf7a637f858ef4f4dfc7165c8980a3361a6eb569b52c0bcf4d6397f3aa618ac87fabf460467a956eaada58a1ae40e802a1725b0b6b1fbcf4acaf14c390f7edbffca0a85d4f40e335e419aa495e0fe0c5ab39ae788bcc243e6752a77d94d6bb8999eccf1ea900517872559d9deb37f4f084df0beb9a52718f5da5b8f480041566b68d3d1a3c16a0730c13f3ae95a79654d9301a2f952d036ddb752264f101806bc718b7bb865950ff51a7fe74bba194ade78b37a67c35f5804b5e35b5be1e7aa730ca95eceef32bc208ae1204193218803ba8ccd492a47660b0c721800bca0b51cc3d4fd602b9a4c9483ab081e83ff0fd50be65cf9f7c414f7356dd4dbea7af79976f5e17b22686f7374223a22736f67732e6578616d706c65222c22746172676574223a222f6f78656e2f76342f6c73727063222c226d6574686f64223a22504f5354222c22657068656d6572616c5f6b6579223a2264373961353062383262613863613636356638353433383262343262613135396566643136656566383734303965393761386430373339356239343932393238227d',
    ],
  ])('%s frame (%i bytes) decrypts to the 501-byte plaintext', (name, size, frameHex) => {
    const outer = hex(frameHex);
    expect(outer.length).toBe(size);
    const parsed = parseOnionFrame(outer)!;
    const cipher = parseEncType(parsed.meta.enc_type)!;
    expect(cipher).toBe(name);
    const key = deriveOnionKey(cipher, b, B, parseEphemeralKey(parsed.meta.ephemeral_key)!);
    const plain = onionDecrypt(cipher, key, parsed.ciphertext)!;
    expect(plain.length).toBe(501);
    expect(plain.toString()).toBe(plaintext);
    const [metaBytes, bodyBytes] = decodeOnionList(plain)!;
    expect(metaBytes.length).toBe(365);
    expect(bodyBytes.toString()).toBe(body);
    const decoded = JSON.parse(metaBytes.toString()) as Record<string, unknown>;
    expect(decoded.endpoint).toBe('/room/lobby/message');
    expect((decoded.headers as Record<string, string>)['X-SOGS-Signature']).toBe(signature);
  });
});

describe('vectors.md §8 v3 request and reply', () => {
  const b = hex('2f4d1c0d28e137777ec0a316e9f4f763e3e66662a6c51994c6315c9ef34b6deb');
  const B = hex('8388de69bc0d4b6196133233ad9a46ba0473474bc67718aad96a3a33c257f726');
  const outer = hex(
    '47000000707172737475767778797a7b28f22bb8999ab59c0b3924c92fd43a944b9656badc34ba814a1f5cc70a0512ba49049c7974b9f5e0c2f437698d966f72274f44e76238abf0535aa27b22686f7374223a22736f67732e6578616d706c65222c22746172676574223a222f6c6f6b692f76332f6c73727063222c226d6574686f64223a22504f5354222c22657068656d6572616c5f6b6579223a2264373961353062383262613863613636356638353433383262343262613135396566643136656566383734303965393761386430373339356239343932393238227d',
  );

  it('decrypts the request and encrypts the base64 reply', () => {
    const parsed = parseOnionFrame(outer)!;
    expect(parsed.meta.enc_type).toBeUndefined();
    const cipher = parseEncType(parsed.meta.enc_type)!;
    const key = deriveOnionKey(cipher, b, B, parseEphemeralKey(parsed.meta.ephemeral_key)!);
    expect(onionDecrypt(cipher, key, parsed.ciphertext)?.toString()).toBe(
      '{"method":"GET","endpoint":"/capabilities"}',
    );
    const reply = Buffer.from('{"capabilities":["blind","reactions","sogs"]}');
    expect(
      onionEncrypt(cipher, key, reply, hex('808182838485868788898a8b')).toString('base64'),
    ).toBe(
      'gIGCg4SFhoeIiYqLojLSUGfjsIIjsbxydtw9KxWnUxJhn9FK4GYr1JLwHOIyxK6QG9kzQQio+J4RgNzEGRc78m/E5MNpbYdhuQ==',
    );
  });
});
