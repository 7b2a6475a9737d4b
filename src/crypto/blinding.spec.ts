import {
  blindedCandidates,
  blindedIdFromSeed,
  blindingFactor,
  ed25519PubkeyToSessionId,
  sessionIdToEd25519Positive,
  toAbsBlindedId,
} from './blinding';
import { sodiumReady } from './sodium';

const hex = (h: string) => Buffer.from(h, 'hex');
const toHex = (b: Uint8Array) => Buffer.from(b).toString('hex');

beforeAll(() => sodiumReady());

describe('vectors.md §2 (auth-example user)', () => {
  const B = hex('c3b3c6f32f0ab5a57f853cc4f30f5da7fda5624b0c77b3fb0829de562ada081d');
  const seed = hex('c010d89eccbaf5d1c6d19df766c6eedf965d4a28a56f87c9fc819edb59896dd9');
  const A = hex('bac6e71efd7dfa4a83c98ed24f254ab2c267f9ccdb172a5280a0444ad24e89cc');
  const sessionId = '0588672ccb97f40bb57238989226cf429b575ba355443f47bc76c5ab144a96c65b';
  const blinded = '1598932d4bccbe595a8789d7eb1629cefc483a0eaddc7e20e8fe5c771efafd9af5';

  it('derives k, the blinded ID and the Session ID', () => {
    const k = blindingFactor(B);
    expect(toHex(k)).toBe('84e3eb75028a9b73fec031b7448e322a68ca6485fad81ab1bead56f759ebeb0f');
    expect(blindedIdFromSeed(seed, B)).toBe(blinded);
    expect(ed25519PubkeyToSessionId(A)).toBe(sessionId);
  });

  it('maps the Session ID to the positive key and both candidates', () => {
    expect(toHex(sessionIdToEd25519Positive(sessionId))).toBe(
      'bac6e71efd7dfa4a83c98ed24f254ab2c267f9ccdb172a5280a0444ad24e894c',
    );
    expect(blindedCandidates(sessionId, blindingFactor(B))).toEqual({
      abs: '1598932d4bccbe595a8789d7eb1629cefc483a0eaddc7e20e8fe5c771efafd9a75',
      neg: blinded,
    });
  });
});

describe('vectors.md §4 (PySOGS tests/test_blinding.py)', () => {
  const B = hex('6a32c7b491f4199dd1260a4cc60ae51c6bd71dad939cc521e738409f53f943be');
  let kServer: Uint8Array;
  beforeAll(() => {
    kServer = blindingFactor(B);
  });

  // [seed, Session ID, expected blinded ID, abs candidate]
  const rows: [string, string, string, string][] = [
    [
      '880adf5164a79bce71f7387fbc2cb2693c0bf0ab4cb42bf1edafddade7527a66',
      '05c506fee5118680107a4722f60a05dfcbb5737d6ffc4d163fb60479e279c6095d',
      '15cef185d46b60a548641bd8c5baa4b7cf90b7da8e883c0ac774c703d249086479',
      '15cef185d46b60a548641bd8c5baa4b7cf90b7da8e883c0ac774c703d249086479',
    ],
    [
      '67416582e0700081604860d270bc986011fc5e62c53de908a9a5af2cb497c528',
      '05e7ddb41d2dbefc7c3cbb9173e4581498f82436633f093f66b101e0ee9d63d21f',
      '15f8fbeb20cdde5e0cc0ec84e0b3705ca6090c7b23e8132589970473a5592ba388',
      '15f8fbeb20cdde5e0cc0ec84e0b3705ca6090c7b23e8132589970473a5592ba308',
    ],
    [
      'a5ad71709cfa315d147921e377186270367fd06926f4dbfe33f519dec6b016f7',
      '059ff1cd36f22a9478d5d61259f95b18d877ae021b21fc193b6888006f9b8e6564',
      '15758e10dc51210d7a36ea6076e2aa84d9f87283bddb508364272dce0a7618f92a',
      '15758e10dc51210d7a36ea6076e2aa84d9f87283bddb508364272dce0a7618f92a',
    ],
    [
      'c929a389a0dcf375ae8177891655b3835773e3a2d6d27490de8b8a160ca472f8',
      '05f61b94ea9509a0ceb179005caa17dd43fb3a3b4f68d450def4eda041bf005c63',
      '1515ad8f8c5e56b31078a4a5ae73938bd523b1c86ea36033d564759e4495fbb64d',
      '1515ad8f8c5e56b31078a4a5ae73938bd523b1c86ea36033d564759e4495fbb64d',
    ],
    [
      '0576076b8a82aae0fa1d0f00e97b538b43205f63759a972f26b851a55b60b5d0',
      '05387bef5a2af3348632558814300cacc0187b6989d1f32ca4f8836904c3ebc341',
      '15375a56d4cbf0538f4b326e54917fd1953e9e3dfe076eb8b35929a8d869a15c13',
      '15375a56d4cbf0538f4b326e54917fd1953e9e3dfe076eb8b35929a8d869a15c13',
    ],
    [
      '0a5db01db307ffd1bbe3cdd0d47c71e8837c60b38983d1df1b187301959095c9',
      '059327ca1b73054d1067102b04e0f98e0addc0449a934b42f0037bbc7dc90c355d',
      '151a821dd107ac68845f82085efb1f88d046a084a63f7fc381ec07a367e6bc5aac',
      '151a821dd107ac68845f82085efb1f88d046a084a63f7fc381ec07a367e6bc5a2c',
    ],
    [
      'd9b4ff572d4ebbcf26b07329f9029462f0606087d64e8932e698aa0a98231ce3',
      '05faf2960454417b7713a19c771076de55d558773f4597c156b5b2c74c762ee84c',
      '15a4acf4c814fd1bcf83ebbe42c276630a63e32365633cb57089544b3a60b5e4ac',
      '15a4acf4c814fd1bcf83ebbe42c276630a63e32365633cb57089544b3a60b5e42c',
    ],
    [
      'dbcf64e7e6323ace8a75327119c13ef0b41e0efb94e594a6424ba41472987844',
      '05dc02480091612fe813807f6d4fa6409e39d8228d460f09bbcbac7386b35e1a39',
      '1503e60a1fbde2a930e11db0898220ceb41e5ea9161f61ff1dc7d83be3e9b96993',
      '1503e60a1fbde2a930e11db0898220ceb41e5ea9161f61ff1dc7d83be3e9b96913',
    ],
    [
      '2e90f20775370121a2db8413a68bb41c3618e63c744c865d8b03ca2cb9d52e9e',
      '0505da891cc8b36a99e937a41a74a1ffd6f34252f61cb548531331effa698b7457',
      '150bfdf09d985453d70b07b779ac7de982c0b6190c19126df74e8ca3adbfb87fec',
      '150bfdf09d985453d70b07b779ac7de982c0b6190c19126df74e8ca3adbfb87f6c',
    ],
    [
      '0b19b8b2f006f73810a86244697ac3feb3500af22f97434bf1e4bac575e95d2f',
      '0556ae77b55e6314559aa308945db30a0ab92cedefb9fc7d4d0fb31ee1b372dc5b',
      '15c430f8cf5e3ca4a3d0fa79d75fe60b3dc21212b4467ddd01fc1173c738161628',
      '15c430f8cf5e3ca4a3d0fa79d75fe60b3dc21212b4467ddd01fc1173c738161628',
    ],
    [
      '32c58327a3856acb77ca0e97993100b4a14475b2d5cd3804213ae2d6f2515709',
      '05683c8952582141232194b5d48c17d42b5c23ec872201a81995df841ccc92c056',
      '150fdb6a400ade0aa2d261999fc51aa0151201d30626b30ec94d3a06a927948523',
      '150fdb6a400ade0aa2d261999fc51aa0151201d30626b30ec94d3a06a927948523',
    ],
    [
      'f5c57e9949bbb87b3ae9fa374bc05b8e945c33141b7eb19c5125d17023120287',
      '05068f306341a926403e1330a3f67b248bbbc156153ad5e22e8fddc545fda8471f',
      '15cdda69401f8ca32c4760b025b8315967ce9f5c53d4b75239b26d8ff9db5852f8',
      '15cdda69401f8ca32c4760b025b8315967ce9f5c53d4b75239b26d8ff9db585278',
    ],
    [
      '3aacbfb5059e1df00d11ff5742f8a5b91cdb9fe163f38906d7dfaae29ad30c0c',
      '0521ad5552a5b2cca0b49fad1ad50ec93902ea038c66f55d6bd334a96d65fd470c',
      '152701bb6cf273f7c30a0b2bb3a4b027415aab3fdff5d44b7b50af269aaa46007d',
      '152701bb6cf273f7c30a0b2bb3a4b027415aab3fdff5d44b7b50af269aaa46007d',
    ],
    [
      'cce2487f4f1a01a54811204e8c774e7380c080f5f40cda0ef395752ef96dd35c',
      '05c59a1f88ef2b7420d6370e0ff8c036e0cd4ae42a2820526a7244aef463bdcb0d',
      '15c92aa80e809a84d97323f911355d5015e916f3d5bebc297a17b4c44bad487ad6',
      '15c92aa80e809a84d97323f911355d5015e916f3d5bebc297a17b4c44bad487a56',
    ],
    [
      'a414c2990f36a115308f74bbcb56c4238135c0578abf8de0505b08e9c7b69134',
      '051eccde653eeeb9641b03400bb0bf23f8dc02c960768f68388b7fce5200a1e45c',
      '150e51c490bc7c570310276b7fdaeb9e0e14ab4674ce8217df5418b621b52c5c31',
      '150e51c490bc7c570310276b7fdaeb9e0e14ab4674ce8217df5418b621b52c5c31',
    ],
    [
      'cbf84283c5d4a906b81e7533005fdd832d9d3712e71d5ee8247e3d32c1e2e38c',
      '05347e20fc6d2ba48d1342e03a45139d53f2f0f94eb33beb4fd46b87548074c90d',
      '157b0487fa9bc7449a167d66b56eb3e3fc628101d84a08f3f510f46de90de2e3a4',
      '157b0487fa9bc7449a167d66b56eb3e3fc628101d84a08f3f510f46de90de2e324',
    ],
    [
      'e75399dac3b5b3675874ba1708d1effc6ab9bbd5b0fac4cf78a3c2b36af9cfc5',
      '059e457abbf4c94d60d594146abd5f4eb05895496759346fe05df53f5fb1dec567',
      '15f277d3d6afbecc15c71d16c3f183e6dbb772b176f3c818265f4459aa649b9d80',
      '15f277d3d6afbecc15c71d16c3f183e6dbb772b176f3c818265f4459aa649b9d00',
    ],
    [
      '6cef60808348898f17123eb4f47556f22ae0e7bd1988455da6d4b685ea0f93d0',
      '05737c8f6a1827dea6ba8fea987467578ddcef42eedb760bfbd73a49f1797a5301',
      '152d766ba9a19fd108e8f397b7fddaad2473cf13192858b8fd28f641e6c817c7c1',
      '152d766ba9a19fd108e8f397b7fddaad2473cf13192858b8fd28f641e6c817c741',
    ],
    [
      '9396176367912b4bc9b2fca427bf7fea97293ee9db75e521e31e4618e2da061c',
      '05040be4e5d334e9c935dbcaa9d76deb203e25372050dbf7d6ca1b3465cbba5e33',
      '15a2308a015da570bd749348991d4fee7b0ea5816f372a6c584581964680c9d46a',
      '15a2308a015da570bd749348991d4fee7b0ea5816f372a6c584581964680c9d46a',
    ],
    [
      'b9ac6f130f0ef218e1fbd9484b38ba3a0a8ec5657744732b0a4a9e7f6c80a62e',
      '05243ea0bc8a8685039d615fb1f61fa51ed627dc3a6c641df383a6ef4ad09e367a',
      '1513533ac53ea094b0c0e907046ffc2ade32122da069df503583bf89d6af01e127',
      '1513533ac53ea094b0c0e907046ffc2ade32122da069df503583bf89d6af01e127',
    ],
  ];

  it('has the server blinding factor', () => {
    expect(toHex(kServer)).toBe('52f2b25544f805cfd7be34f3581be33d0f16e25048fe29f2abc14f4e8fe2000d');
  });

  it.each(rows)('seed %s', (seed, sessionId, expected, abs) => {
    expect(blindedIdFromSeed(hex(seed), B)).toBe(expected);
    const candidates = blindedCandidates(sessionId, kServer);
    expect(candidates?.abs).toBe(abs);
    expect([candidates?.abs, candidates?.neg]).toContain(expected);
    expect(toAbsBlindedId(expected)).toBe(abs);
  });
});

describe('vectors.md §4 (libsession-util tests/test_blinding.cpp)', () => {
  const B = hex('abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789');

  it.each([
    [
      '05fe94b7ad4b7f1cc1bb92671f1f0d243f226e115b33770465e82b503fc3e96e1f',
      '15b74ed205f1f931e1bb1291183778a9456b835937d923b0f2e248aa3a44c07844',
    ],
    [
      '0505c9a9bf178fa644d44bebf628716dc7f2df3d0842e97881962c723699152073',
      '1561e070286ff7a71f167e92b18c709882b148d8238c8872caf414b301ba0564fd',
    ],
  ])('%s → k·A+ = %s', (sessionId, kAplus) => {
    const candidates = blindedCandidates(sessionId, blindingFactor(B));
    expect([candidates?.abs, candidates?.neg]).toContain(kAplus);
    expect(candidates?.abs).toBe(toAbsBlindedId(kAplus));
  });

  it('gives the abs form ending …647d for the second user', () => {
    const id = '1561e070286ff7a71f167e92b18c709882b148d8238c8872caf414b301ba0564fd';
    expect(toAbsBlindedId(id).endsWith('647d')).toBe(true);
  });
});

describe('input handling', () => {
  it('lowercases in toAbsBlindedId and rejects non-15 IDs', () => {
    expect(toAbsBlindedId('15' + 'AB'.repeat(32))).toBe('15' + 'ab'.repeat(31) + '2b');
    expect(() => toAbsBlindedId('05' + 'ab'.repeat(32))).toThrow(RangeError);
  });

  it('rejects malformed Session IDs', () => {
    expect(() => sessionIdToEd25519Positive('15' + '00'.repeat(32))).toThrow(RangeError);
    expect(blindedCandidates('05' + 'zz'.repeat(32), new Uint8Array(32))).toBeNull();
  });

  it('returns null candidates for a Session ID that is not on the curve', () => {
    const k = blindingFactor(
      hex('abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789'),
    );
    // u = 2 lies on the quadratic twist, so no Ed25519 key has this Session ID.
    expect(blindedCandidates('0502' + '00'.repeat(31), k)).toBeNull();
  });

  it('returns null for a key with no X25519 form', () => {
    expect(ed25519PubkeyToSessionId(new Uint8Array(31))).toBeNull();
    expect(ed25519PubkeyToSessionId(hex('01' + '00'.repeat(31)))).toBeNull(); // identity point
  });
});
