/**
 * Hostile X-SOGS-* headers (auth.md §3–§5): every header absent, empty, blank, re-encoded (hex,
 * upper-case hex, base64 with and without padding, URL-safe, embedded spaces), resized,
 * re-prefixed (00/05/25/ff), pointing at invalid curve points (zero, small order, non-canonical)
 * or at another user's key; timestamps at and past the ±24 h window, signed, padded, in other
 * notations; signatures over something else; repeated headers; names in any case; replays.
 *
 * The expected status is computed independently from the auth.md §5 table (decode rules of §3,
 * then the window, ban, nonce and signature checks), so every rejection must be exactly the
 * spec's: 400, 401, 403 or 425, and an accepted request gets the route's own answer.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { sodium } from '../../src/crypto/sodium';
import { casesFor } from './support/fuzz-config';
import { FuzzApp, type FuzzRequest, type IdentityName, type Via } from './support/fuzz-app';
import { judge, pick, runTarget, type Outcome } from './support/harness';

type Enc = 'b64' | 'hex' | 'HEX' | 'b64nopad' | 'b64url' | 'b64space' | 'padded-ws' | 'b64extra';

type Field =
  | { kind: 'valid'; enc: Enc }
  | { kind: 'absent' }
  | { kind: 'empty' }
  | { kind: 'blank' }
  | { kind: 'resize'; delta: number }
  | { kind: 'raw'; value: string };

type PubkeyVariant =
  | { kind: 'field'; field: Field }
  | { kind: 'prefix'; prefix: number }
  | {
      kind: 'point';
      point: 'zero' | 'identity' | 'noncanonical' | 'random' | 'other' | 'lowOrder';
    };

type TsVariant =
  | { kind: 'now' }
  | { kind: 'offset'; seconds: number }
  | {
      kind: 'text';
      form:
        | 'spaces'
        | 'plus'
        | 'zeros'
        | 'minus'
        | 'float'
        | 'exp'
        | 'hex'
        | 'huge'
        | 'arabic'
        | 'underscore'
        | 'millis';
    }
  | { kind: 'field'; field: Field };

type SigVariant =
  'valid' | 'random' | 'otherPath' | 'otherBody' | 'zero' | 'short' | 'long' | { field: Field };

interface HeaderCase {
  route: RouteKey;
  as: IdentityName;
  pubkey: PubkeyVariant;
  nonce: Field;
  timestamp: TsVariant;
  signature: SigVariant;
  names: 'canonical' | 'lower' | 'upper' | 'android';
  duplicate: null | 'nonce' | 'signature' | 'timestamp' | 'pubkey';
  replay: boolean;
  via: number;
}

type RouteKey = 'caps' | 'room' | 'post' | 'inbox' | 'batch' | 'reaction' | 'missing';

const encArb = fc.constantFrom<Enc>(
  'b64',
  'b64',
  'b64',
  'b64',
  'hex',
  'HEX',
  'b64nopad',
  'b64url',
  'b64space',
  'padded-ws',
  'b64extra',
);

const field: fc.Arbitrary<Field> = fc.oneof(
  { weight: 25, arbitrary: fc.record({ kind: fc.constant('valid' as const), enc: encArb }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'absent' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'empty' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'blank' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('resize' as const),
      delta: fc.constantFrom(-2, -1, 1, 2),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('raw' as const),
      value: fc.oneof(
        fc.constantFrom(
          'AAAA',
          '====',
          'null',
          '0',
          '-',
          'é',
          '💩',
          '\u0000',
          '%00',
          'x'.repeat(100_000),
          '0'.repeat(66),
          'g'.repeat(32),
        ),
        fc.string({ maxLength: 130 }),
      ),
    }),
  },
);

const headerCase: fc.Arbitrary<HeaderCase> = fc.record({
  route: fc.constantFrom<RouteKey>(
    'caps',
    'caps',
    'room',
    'post',
    'inbox',
    'batch',
    'reaction',
    'missing',
  ),
  as: fc.constantFrom<IdentityName>('user', 'user', 'user2', 'admin', 'banned', 'roomBanned'),
  pubkey: fc.oneof(
    { weight: 10, arbitrary: fc.record({ kind: fc.constant('field' as const), field }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('prefix' as const),
        prefix: fc.constantFrom(0x00, 0x05, 0x25, 0xff, 0x14, 0x16),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('point' as const),
        point: fc.constantFrom(
          'zero' as const,
          'identity' as const,
          'noncanonical' as const,
          'random' as const,
          'other' as const,
          'lowOrder' as const,
        ),
      }),
    },
  ),
  nonce: field,
  timestamp: fc.oneof(
    { weight: 10, arbitrary: fc.constant({ kind: 'now' as const }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('offset' as const),
        seconds: fc.constantFrom(-86390, 86390, -86410, 86410, -1e6, 1e6, -3600, 3600),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('text' as const),
        form: fc.constantFrom(
          'spaces' as const,
          'plus' as const,
          'zeros' as const,
          'minus' as const,
          'float' as const,
          'exp' as const,
          'hex' as const,
          'huge' as const,
          'arabic' as const,
          'underscore' as const,
          'millis' as const,
        ),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('field' as const), field }) },
  ),
  signature: fc.oneof(
    { weight: 10, arbitrary: fc.constant<SigVariant>('valid') },
    {
      weight: 2,
      arbitrary: fc.constantFrom<SigVariant>(
        'random',
        'otherPath',
        'otherBody',
        'zero',
        'short',
        'long',
      ),
    },
    { weight: 2, arbitrary: field.map((f): SigVariant => ({ field: f })) },
  ),
  names: fc.constantFrom(
    'canonical' as const,
    'lower' as const,
    'upper' as const,
    'android' as const,
  ),
  duplicate: fc.oneof(
    { weight: 15, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'nonce' as const,
        'signature' as const,
        'timestamp' as const,
        'pubkey' as const,
      ),
    },
  ),
  replay: fc.nat(15).map((n) => n === 0),
  via: fc.noBias(fc.nat(999)),
});

/** auth.md §3: hex when exactly 2·size chars; else strict standard base64 (padding optional). */
function specDecode(value: string, size: number): Buffer | null {
  if (value.length === size * 2)
    return /^[0-9a-fA-F]*$/.test(value) ? Buffer.from(value, 'hex') : null;
  const unpadded = Math.ceil((size * 4) / 3);
  const padded = Math.ceil(size / 3) * 4;
  if (value.length < unpadded || value.length > padded) return null;
  const body = value.replace(/={1,2}$/, '');
  if (!/^[A-Za-z0-9+/]*$/.test(body) || body.length % 4 === 1) return null;
  if (body.length !== value.length && value.length % 4 !== 0) return null;
  const out = Buffer.from(body, 'base64');
  return out.length === size ? out : null;
}

function encode(bytes: Buffer, enc: Enc): string {
  const b64 = bytes.toString('base64');
  switch (enc) {
    case 'b64':
      return b64;
    case 'hex':
      return bytes.toString('hex');
    case 'HEX':
      return bytes.toString('hex').toUpperCase();
    case 'b64nopad':
      return b64.replace(/=+$/, '');
    case 'b64url':
      return bytes.toString('base64url');
    case 'b64space':
      return `${b64.slice(0, 8)} ${b64.slice(8)}`;
    case 'padded-ws':
      return ` ${b64}\t`;
    case 'b64extra':
      return `${b64}=`;
  }
}

/** A field's text, or undefined when the header is not sent at all. */
function fieldText(f: Field, bytes: Buffer, hexDefault = false): string | undefined {
  switch (f.kind) {
    case 'valid':
      return encode(bytes, hexDefault && f.enc === 'b64' ? 'hex' : f.enc);
    case 'absent':
      return undefined;
    case 'empty':
      return '';
    case 'blank':
      return '   ';
    case 'resize':
      return (
        f.delta < 0
          ? bytes.subarray(0, bytes.length + f.delta)
          : Buffer.concat([bytes, Buffer.alloc(f.delta, 1)])
      ).toString(hexDefault ? 'hex' : 'base64');
    case 'raw':
      return f.value;
  }
}

const ROUTE_REQUESTS: Record<
  RouteKey,
  { method: string; target: string; body?: Buffer; pass: number[]; anon: number[] }
> = {
  caps: { method: 'GET', target: '/capabilities', pass: [200], anon: [200] },
  room: { method: 'GET', target: '/room/lobby', pass: [200, 404], anon: [200] },
  post: {
    method: 'POST',
    target: '/room/lobby/message',
    body: Buffer.from(
      JSON.stringify({ data: 'aGk=', signature: Buffer.alloc(64, 1).toString('base64') }),
    ),
    pass: [201, 403, 429],
    anon: [401],
  },
  inbox: { method: 'GET', target: '/inbox', pass: [200], anon: [401] },
  batch: {
    method: 'POST',
    target: '/batch',
    body: Buffer.from('[{"method":"GET","path":"/capabilities"}]'),
    pass: [200],
    anon: [200],
  },
  reaction: {
    method: 'PUT',
    target: '/room/lobby/reaction/MSG/%F0%9F%91%8D',
    pass: [200, 403],
    anon: [401],
  },
  missing: { method: 'GET', target: '/no/such/route', pass: [404], anon: [404] },
};

const NAMES = {
  canonical: ['X-SOGS-Pubkey', 'X-SOGS-Nonce', 'X-SOGS-Timestamp', 'X-SOGS-Signature'],
  lower: ['x-sogs-pubkey', 'x-sogs-nonce', 'x-sogs-timestamp', 'x-sogs-signature'],
  upper: ['X-SOGS-PUBKEY', 'X-SOGS-NONCE', 'X-SOGS-TIMESTAMP', 'X-SOGS-SIGNATURE'],
  android: ['X-SOGS-PubKey', 'X-SOGS-Nonce', 'X-SOGS-Timestamp', 'X-SOGS-Signature'],
};

describe('fuzz: X-SOGS-* request signing headers (auth.md §3–§5)', () => {
  let f: FuzzApp;
  beforeAll(async () => {
    f = await FuzzApp.start();
  });
  afterAll(() => f.close());

  const s = () => sodium();

  function pubkeyBytes(c: HeaderCase): { text: string | undefined; bytes: Buffer | null } {
    const kA = f.signers[c.as].kA;
    const p = c.pubkey;
    if (p.kind === 'field') {
      const bytes = Buffer.concat([Buffer.from([0x15]), kA]);
      return { text: fieldText(p.field, bytes, true), bytes };
    }
    if (p.kind === 'prefix') {
      const key = p.prefix === 0 ? f.signers[c.as].identity.ed25519Pubkey : kA;
      return { text: Buffer.concat([Buffer.from([p.prefix]), key]).toString('hex'), bytes: null };
    }
    const points = {
      zero: Buffer.alloc(32),
      identity: Buffer.concat([Buffer.from([1]), Buffer.alloc(31)]),
      noncanonical: Buffer.concat([
        Buffer.from([0xee]),
        Buffer.alloc(30, 0xff),
        Buffer.from([0x7f]),
      ]),
      random: randomBytes(32),
      other: f.signers.user2.kA,
      lowOrder: Buffer.from(
        'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa',
        'hex',
      ),
    };
    return { text: `15${points[p.point].toString('hex')}`, bytes: null };
  }

  function timestampText(c: HeaderCase, now: number): string | undefined {
    const t = c.timestamp;
    switch (t.kind) {
      case 'now':
        return String(now);
      case 'offset':
        return String(now + t.seconds);
      case 'text':
        return {
          spaces: ` ${now} `,
          plus: `+${now}`,
          zeros: `000${now}`,
          minus: `-${now}`,
          float: `${now}.5`,
          exp: `${now / 1e9}e9`,
          hex: `0x${now.toString(16)}`,
          huge: '9'.repeat(40),
          arabic: '١٧٠٠٠٠٠٠٠٠',
          underscore: `${String(now).slice(0, 5)}_${String(now).slice(5)}`,
          millis: String(now * 1000),
        }[t.form];
      case 'field': {
        const v = fieldText(t.field, Buffer.from(String(now)));
        return t.field.kind === 'valid' ? String(now) : v;
      }
    }
  }

  /** The auth.md §5 verdict, from the four header values as the server will see them. */
  function expected(
    vals: (string | undefined)[],
    signedOk: boolean,
    c: HeaderCase,
    nonceSeen: boolean,
    now: number,
  ): number | 'pass' | 'anon' {
    const [pk, nonce, ts, sig] = vals.map((v) => (v ?? '').trim());
    const missing = [pk, nonce, ts, sig].filter((v) => v === '').length;
    if (missing === 4) return 'anon';
    if (missing > 0) return 400;
    const key = specDecode(pk, 33);
    if (!key) return 400;
    if (key[0] !== 0x00 && key[0] !== 0x15) return 400;
    if (!s().crypto_core_ed25519_is_valid_point(key.subarray(1))) return 400;
    if (key[0] === 0x00) return 400; // blinding required (default)
    if (!specDecode(nonce, 16)) return 400;
    if (!specDecode(sig, 64)) return 400;
    if (!/^[+-]?[0-9]+$/.test(ts)) return 400;
    const n = Number(ts);
    if (!(n >= now - 86400 && n <= now + 86400)) return 425;
    const ownKey = key.subarray(1).equals(f.signers[c.as].kA);
    const keyOwner = ownKey ? c.as : key.subarray(1).equals(f.signers.user2.kA) ? 'user2' : null;
    if (keyOwner === 'banned') return 403;
    if (nonceSeen) return 425;
    if (!signedOk || !ownKey) return 401;
    return 'pass';
  }

  async function run(c: HeaderCase): Promise<Outcome> {
    const r = ROUTE_REQUESTS[c.route];
    const target = r.target.replace('MSG', String(f.messageIds[0]));
    let via: Via = pick<Via>(
      [
        ['inject', 70],
        ['http', 8],
        ['onion-v4-aes', 8],
        ['onion-v4-xchacha', 8],
        ['onion-v3-aes', 3],
        ['onion-v3-xchacha', 3],
      ],
      c.via / 1000,
    );
    const body = r.body;
    const now = Math.floor(Date.now() / 1000);
    const nonceBytes = randomBytes(16);
    const ts = timestampText(c, now);
    const { text: pk } = pubkeyBytes(c);
    const nonce = fieldText(c.nonce, nonceBytes);
    // The signature covers the timestamp text exactly as sent (auth.md §4).
    const signed = f.signHeaders(c.as, r.method, target, body, {
      nonce: nonceBytes,
      timestamp: ts ?? String(now),
      path: c.signature === 'otherPath' ? '/room/other' : undefined,
      body: c.signature === 'otherBody' ? Buffer.from('other') : undefined,
    });
    const sigBytes = Buffer.from(signed['X-SOGS-Signature'], 'base64');
    let sig: string | undefined;
    let signedOk = true;
    if (c.signature === 'valid') sig = sigBytes.toString('base64');
    else if (c.signature === 'otherPath' || c.signature === 'otherBody') {
      sig = sigBytes.toString('base64');
      signedOk = false;
    } else if (c.signature === 'random') {
      sig = randomBytes(64).toString('base64');
      signedOk = false;
    } else if (c.signature === 'zero') {
      sig = Buffer.alloc(64).toString('base64');
      signedOk = false;
    } else if (c.signature === 'short') {
      sig = sigBytes.subarray(0, 63).toString('base64');
      signedOk = false;
    } else if (c.signature === 'long') {
      sig = Buffer.concat([sigBytes, Buffer.from([0])]).toString('base64');
      signedOk = false;
    } else {
      sig = fieldText(c.signature.field, sigBytes);
      signedOk = c.signature.field.kind === 'valid';
    }
    // The timestamp 'field' variants send a valid value for 'valid', else hostile text.
    const values = [pk, nonce, ts, sig];
    const names = NAMES[c.names];
    const auth = (): [string, string][] => {
      const out: [string, string][] = [];
      values.forEach((v, i) => {
        if (v !== undefined) out.push([names[i], v]);
      });
      if (duplicate) {
        const i = ['pubkey', 'nonce', 'timestamp', 'signature'].indexOf(duplicate);
        out.push([names[i], values[i] ?? 'x']);
      }
      return out;
    };
    // Over a real socket a header must be a line of modest size (Node answers 431 past 16 KB, and
    // CR/LF/NUL cannot appear): such values go in-process. A repeated header needs a real socket,
    // where Node joins the values with ", ".
    const fitsHttp = values.every(
      (v) =>
        v === undefined || (!/[\r\n\0]/.test(v) && v.length < 4000 && /^[\x20-\x7e\t]*$/.test(v)),
    );
    const duplicate = c.duplicate && fitsHttp ? c.duplicate : null;
    if (duplicate) via = 'http';
    else if (via === 'http' && !fitsHttp) via = 'inject';
    const seen = duplicate
      ? values.map((v, i) =>
          i === ['pubkey', 'nonce', 'timestamp', 'signature'].indexOf(duplicate)
            ? v === undefined
              ? 'x'
              : `${v}, ${v}`
            : v,
        )
      : values;
    const req: FuzzRequest = {
      method: r.method,
      target,
      body,
      headers: body ? [['Content-Type', 'application/json']] : [],
      auth,
      as: c.as,
    };
    // HTTP strips a header value's surrounding whitespace, so the server sees another timestamp
    // text than the one signed; in-process and inside onion JSON it arrives as sent.
    if (via === 'http' && ts !== undefined && ts !== ts.trim()) signedOk = false;
    const exp = expected(seen, signedOk, c, false, now);
    const expect = exp === 'pass' ? r.pass : exp === 'anon' ? r.anon : [exp];
    const reply = await f.send(req, via);
    const out = judge(reply, { method: r.method, target, expect, alsoAllowed: [429] });
    const injected = [
      `pubkey:${c.pubkey.kind === 'field' ? c.pubkey.field.kind : c.pubkey.kind}`,
      `nonce:${c.nonce.kind}`,
      `timestamp:${c.timestamp.kind}`,
      `signature:${typeof c.signature === 'string' ? c.signature : c.signature.field.kind}`,
    ].filter((x) => !/:(valid|now)$/.test(x));
    if (duplicate) injected.push('duplicate');
    if (c.replay && exp === 'pass') {
      // The very same request again: the nonce is spent (auth.md §5 row 12).
      injected.push('replay');
      const again = await f.send(req, via);
      const second = judge(again, { method: r.method, target, expect: [425] });
      out.faults.push(...second.faults.map((x) => `replay: ${x}`));
    }
    return { ...out, injected };
  }

  it(`withstands ${casesFor('sogs-headers')} hostile header sets`, async () => {
    const summary = await runTarget({
      name: 'sogs-headers',
      app: f,
      arbitrary: headerCase,
      run,
      cases: casesFor('sogs-headers'),
    });
    expect(summary.faults).toEqual([]);
  });
});
