/**
 * Hostile outer onion envelopes (onion.md §2, §3, §8, §9): valid frames of both ciphers on all
 * three endpoints, then bit flips, truncations, length-field lies (huge, negative, off by one),
 * JSON metadata swaps (keys, ciphers, types), cipher swaps, padding to the size limit, and plain
 * garbage. The outer answer is 200, 400 or 413 only; a 200 must open with the request's key and
 * carry a well-formed inner reply without 5xx.
 */
import fc from 'fast-check';
import type { OnionCipher } from '../../src/crypto/onion-cipher';
import { casesFor } from './support/fuzz-config';
import { FuzzApp, type IdentityName } from './support/fuzz-app';
import { runTarget, type Outcome } from './support/harness';
import { hostileJson, hostileString } from './support/hostile';
import {
  decodeV4Reply,
  frameOf,
  openReply,
  seal,
  v3Status,
  v4Plaintext,
  type Sealed,
} from './support/onion-frames';
import { allowedStatuses } from '../support/spec-routes';
import { decodeBase64Strict } from '../../src/crypto/encoding';

const LIMIT = 10_485_760;

type Endpoint = '/oxen/v4/lsrpc' | '/loki/v3/lsrpc' | '/oxen/v3/lsrpc';

/** A valid inner request to wrap: the envelope, not the request, is under test here. */
interface Inner {
  method: string;
  endpoint: string;
  as: IdentityName | null;
  body?: string;
}

const INNERS: Inner[] = [
  { method: 'GET', endpoint: '/capabilities', as: null },
  { method: 'GET', endpoint: '/room/lobby', as: 'user' },
  { method: 'GET', endpoint: '/room/lobby/messages/recent?limit=2', as: null },
  {
    method: 'POST',
    endpoint: '/room/lobby/message',
    as: 'admin',
    body: JSON.stringify({ data: 'aGVsbG8=', signature: Buffer.alloc(64, 7).toString('base64') }),
  },
];

type MetaEdit =
  | {
      kind: 'ephemeral';
      form:
        | 'missing'
        | 'upper'
        | 'base64'
        | 'base64-unpadded'
        | 'base64url'
        | 'raw32'
        | 'zero'
        | 'other'
        | 'short'
        | 'long'
        | 'base32z';
    }
  | { kind: 'ephemeralValue'; value: unknown }
  | { kind: 'encType'; value: unknown; present: boolean }
  | { kind: 'extra'; key: string; value: unknown }
  | { kind: 'notObject'; text: string }
  | { kind: 'duplicateKey'; goodLast: boolean }
  | { kind: 'whitespace' }
  | { kind: 'bom' };

type Mutation =
  | { kind: 'bitflip'; pos: number; bit: number; region: 'length' | 'ciphertext' | 'json' | 'any' }
  | { kind: 'truncate'; pos: number }
  | { kind: 'append'; bytes: number[] }
  | { kind: 'prepend'; bytes: number[] }
  | {
      kind: 'lengthLie';
      value: 'zero' | 'minus1' | 'plus1' | 'max' | 'negative' | 'total' | 'random';
      random: number;
    }
  | { kind: 'cipherSwap' }
  | { kind: 'foreignCiphertext' }
  | { kind: 'shortCiphertext'; bytes: number };

interface EnvelopeCase {
  endpoint: Endpoint;
  cipher: OnionCipher;
  inner: number;
  meta: MetaEdit[];
  mutations: Mutation[];
  /** Replace everything with random bytes. */
  garbage: Uint8Array | null;
  /** Pad the JSON so the whole body has this size (limit boundary). */
  padTo: number | null;
  overHttp: boolean;
}

const metaEdit: fc.Arbitrary<MetaEdit> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('ephemeral' as const),
      form: fc.constantFrom(
        'missing',
        'upper',
        'base64',
        'base64-unpadded',
        'base64url',
        'raw32',
        'zero',
        'other',
        'short',
        'long',
        'base32z',
      ) as fc.Arbitrary<Extract<MetaEdit, { kind: 'ephemeral' }>['form']>,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('ephemeralValue' as const), value: hostileJson }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('encType' as const),
      present: fc.boolean(),
      value: fc.oneof(
        fc.constantFrom(
          'aes-gcm',
          'gcm',
          'xchacha20',
          'xchacha20-poly1305',
          'AES-GCM',
          'XCHACHA20',
          '',
          ' gcm',
          'chacha20',
          'aes-cbc',
          null,
          0,
          1,
          true,
          [],
          {},
        ),
        hostileString,
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('extra' as const),
      key: fc.oneof(
        fc.constantFrom(
          'host',
          'port',
          'target',
          'method',
          'protocol',
          '__proto__',
          'headers',
          'body',
        ),
        hostileString,
      ),
      value: hostileJson,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('notObject' as const),
      text: fc.constantFrom(
        '',
        'null',
        '[]',
        '[{}]',
        '"x"',
        '1',
        'true',
        '{',
        '}',
        '{"ephemeral_key":}',
        'garbage',
        '\u0000',
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('duplicateKey' as const), goodLast: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'whitespace' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
);

const bytes = (max: number) => fc.array(fc.nat(255), { minLength: 1, maxLength: max });

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('bitflip' as const),
      pos: fc.nat(),
      bit: fc.nat(7),
      region: fc.constantFrom(
        'length' as const,
        'ciphertext' as const,
        'json' as const,
        'any' as const,
      ),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), pos: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('append' as const), bytes: bytes(16) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('prepend' as const), bytes: bytes(8) }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('lengthLie' as const),
      value: fc.constantFrom(
        'zero',
        'minus1',
        'plus1',
        'max',
        'negative',
        'total',
        'random',
      ) as fc.Arbitrary<Extract<Mutation, { kind: 'lengthLie' }>['value']>,
      random: fc.nat(),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'cipherSwap' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'foreignCiphertext' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('shortCiphertext' as const), bytes: fc.nat(45) }),
  },
);

const envelopeCase: fc.Arbitrary<EnvelopeCase> = fc.record({
  endpoint: fc.constantFrom<Endpoint>(
    '/oxen/v4/lsrpc',
    '/oxen/v4/lsrpc',
    '/loki/v3/lsrpc',
    '/oxen/v3/lsrpc',
  ),
  cipher: fc.constantFrom<OnionCipher>('aes-gcm', 'xchacha20'),
  inner: fc.nat(INNERS.length - 1),
  meta: fc.oneof(
    { weight: 3, arbitrary: fc.constant<MetaEdit[]>([]) },
    { weight: 2, arbitrary: fc.array(metaEdit, { minLength: 1, maxLength: 2 }) },
  ),
  mutations: fc.oneof(
    { weight: 1, arbitrary: fc.constant<Mutation[]>([]) },
    { weight: 4, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 3 }) },
  ),
  garbage: fc.oneof(
    { weight: 12, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 3 }) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 2048 }) },
  ),
  padTo: fc.oneof(
    { weight: 400, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.constantFrom(LIMIT - 1, LIMIT, LIMIT + 1, LIMIT + 4096) },
  ),
  overHttp: fc.noBias(fc.nat(19)).map((n) => n === 0),
});

/** What the spec says must happen to the envelope: decrypt (200), fail (400), or unknown. */
type Expectation = 'ok' | 'reject' | 'any';

function edit(
  sealed: Sealed,
  meta: Record<string, unknown>,
  e: MetaEdit,
  other: Sealed,
): { text?: string; exp: Expectation } {
  const A = sealed.ephemeralPubkey;
  switch (e.kind) {
    case 'ephemeral':
      switch (e.form) {
        case 'missing':
          delete meta.ephemeral_key;
          return { exp: 'reject' };
        case 'upper':
          meta.ephemeral_key = A.toString('hex').toUpperCase();
          return { exp: 'ok' };
        case 'base64':
          meta.ephemeral_key = A.toString('base64');
          return { exp: 'ok' };
        case 'base64-unpadded':
          meta.ephemeral_key = A.toString('base64').replace(/=+$/, '');
          return { exp: 'ok' };
        case 'base64url':
          meta.ephemeral_key = A.toString('base64url');
          return { exp: 'any' };
        case 'raw32':
          meta.ephemeral_key = A.toString('latin1');
          return { exp: 'any' };
        case 'zero':
          meta.ephemeral_key = '00'.repeat(32);
          return { exp: 'reject' };
        case 'other':
          meta.ephemeral_key = other.ephemeralPubkey.toString('hex');
          return { exp: 'reject' };
        case 'short':
          meta.ephemeral_key = A.toString('hex').slice(0, 63);
          return { exp: 'reject' };
        case 'long':
          meta.ephemeral_key = A.toString('hex') + '0';
          return { exp: 'reject' };
        case 'base32z':
          meta.ephemeral_key = 'y'.repeat(52);
          return { exp: 'reject' };
      }
      break;
    case 'ephemeralValue':
      meta.ephemeral_key = e.value;
      return { exp: 'reject' };
    case 'encType': {
      if (!e.present) {
        delete meta.enc_type;
        return { exp: sealed.cipher === 'aes-gcm' ? 'ok' : 'reject' };
      }
      meta.enc_type = e.value;
      const aes = e.value === 'aes-gcm' || e.value === 'gcm';
      const xchacha = e.value === 'xchacha20' || e.value === 'xchacha20-poly1305';
      return { exp: (sealed.cipher === 'aes-gcm' ? aes : xchacha) ? 'ok' : 'reject' };
    }
    case 'extra':
      if (e.key === 'ephemeral_key' || e.key === 'enc_type') return { exp: 'any' };
      meta[e.key] = e.value;
      return { exp: 'ok' };
    case 'notObject':
      return { text: e.text, exp: 'reject' };
    case 'duplicateKey': {
      const good = JSON.stringify(A.toString('hex'));
      const bad = JSON.stringify(other.ephemeralPubkey.toString('hex'));
      const rest = JSON.stringify({ ...meta, ephemeral_key: undefined }).slice(1, -1);
      const pairs = e.goodLast
        ? `"ephemeral_key":${bad},"ephemeral_key":${good}`
        : `"ephemeral_key":${good},"ephemeral_key":${bad}`;
      return { text: `{${pairs}${rest ? ',' + rest : ''}}`, exp: 'any' };
    }
    case 'whitespace':
      return { text: ` \n\t${JSON.stringify(meta)}\r\n `, exp: 'ok' };
    case 'bom':
      return { text: `\ufeff${JSON.stringify(meta)}`, exp: 'any' };
  }
  return { exp: 'any' };
}

function combine(a: Expectation, b: Expectation): Expectation {
  if (a === 'any' || b === 'any') return 'any';
  return a === 'reject' || b === 'reject' ? 'reject' : 'ok';
}

function mutate(
  frame: Buffer,
  ctLen: number,
  m: Mutation,
  single: boolean,
): { frame: Buffer; exp: Expectation } {
  switch (m.kind) {
    case 'bitflip': {
      const [lo, hi] =
        m.region === 'length'
          ? [0, 4]
          : m.region === 'ciphertext'
            ? [4, 4 + ctLen]
            : m.region === 'json'
              ? [4 + ctLen, frame.length]
              : [0, frame.length];
      if (hi <= lo) return { frame, exp: 'any' };
      const out = Buffer.from(frame);
      out[lo + (m.pos % (hi - lo))] ^= 1 << m.bit;
      return { frame: out, exp: m.region === 'ciphertext' && single ? 'reject' : 'any' };
    }
    case 'truncate':
      return { frame: frame.subarray(0, m.pos % frame.length), exp: single ? 'reject' : 'any' };
    case 'append':
      return { frame: Buffer.concat([frame, Buffer.from(m.bytes)]), exp: 'any' };
    case 'prepend':
      return { frame: Buffer.concat([Buffer.from(m.bytes), frame]), exp: 'any' };
    case 'lengthLie': {
      const values = {
        zero: 0,
        minus1: ctLen - 1,
        plus1: ctLen + 1,
        max: 0xffffffff,
        negative: 0x80000000,
        total: frame.length,
        random: m.random,
      };
      if (frame.length < 4) return { frame, exp: 'any' };
      const declared = values[m.value] >>> 0;
      const out = Buffer.from(frame);
      out.writeUInt32LE(declared, 0);
      return { frame: out, exp: declared === ctLen ? 'ok' : single ? 'reject' : 'any' };
    }
    default:
      return { frame, exp: 'any' };
  }
}

describe('fuzz: onion envelope (onion.md §2–§3, §8–§9)', () => {
  let f: FuzzApp;
  beforeAll(async () => {
    f = await FuzzApp.start();
  });
  afterAll(() => f.close());

  async function run(c: EnvelopeCase): Promise<Outcome> {
    const inner = INNERS[c.inner];
    const v3 = c.endpoint !== '/oxen/v4/lsrpc';
    const body = inner.body === undefined ? undefined : Buffer.from(inner.body);
    const headers: Record<string, string> = inner.as
      ? f.signHeaders(inner.as, inner.method, inner.endpoint, body)
      : {};
    if (body) headers['content-type'] = 'application/json';
    const plaintext = v3
      ? Buffer.from(
          JSON.stringify({
            method: inner.method,
            endpoint: inner.endpoint,
            headers,
            body: inner.body,
          }),
        )
      : v4Plaintext(inner.method, inner.endpoint, headers, body);
    const sealed = seal(f.serverPubkey, c.cipher, plaintext);
    const other = seal(f.serverPubkey, c.cipher === 'aes-gcm' ? 'xchacha20' : 'aes-gcm', plaintext);
    const injected: string[] = [];
    let exp: Expectation = 'ok';
    let frame: Buffer;

    if (c.garbage) {
      frame = Buffer.from(c.garbage);
      injected.push('garbage');
      exp = 'reject';
    } else {
      // Object edits first (the last edit of a field decides), then at most one text edit that
      // serialises the result.
      const meta = { ...sealed.meta };
      let metaText: string | undefined;
      const fieldExp = new Map<string, Expectation>();
      const textEdits = c.meta.filter((e) =>
        ['notObject', 'duplicateKey', 'whitespace', 'bom'].includes(e.kind),
      );
      for (const e of c.meta.filter((x) => !textEdits.includes(x))) {
        const field =
          e.kind === 'encType'
            ? 'enc_type'
            : e.kind === 'extra'
              ? `extra:${e.key}`
              : 'ephemeral_key';
        fieldExp.set(field, edit(sealed, meta, e, other).exp);
        injected.push(`meta:${e.kind}`);
      }
      for (const v of fieldExp.values()) exp = combine(exp, v);
      const lastText = textEdits[textEdits.length - 1];
      if (lastText) {
        const r = edit(sealed, meta, lastText, other);
        injected.push(`meta:${lastText.kind}`);
        metaText = r.text;
        exp = combine(exp, r.exp);
      }
      let ciphertext = sealed.ciphertext;
      for (const m of c.mutations) {
        if (m.kind === 'cipherSwap') {
          meta.enc_type = c.cipher === 'aes-gcm' ? 'xchacha20' : 'aes-gcm';
          exp = combine(exp, metaText === undefined ? 'reject' : 'any');
        } else if (m.kind === 'foreignCiphertext') {
          ciphertext = seal(f.serverPubkey, c.cipher, plaintext).ciphertext;
          exp = combine(exp, 'reject');
        } else if (m.kind === 'shortCiphertext') {
          ciphertext = sealed.ciphertext.subarray(0, m.bytes);
          exp = combine(exp, m.bytes < sealed.ciphertext.length ? 'reject' : 'ok');
        }
      }
      const ctLen = ciphertext.length;
      let text = metaText ?? JSON.stringify(meta);
      if (c.padTo !== null) {
        const base = frameOf(ciphertext, text).length;
        const pad = c.padTo - base - ',"pad":""'.length;
        if (pad > 0 && text.endsWith('}')) {
          text = `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}"pad":"${'x'.repeat(text.length > 2 ? pad : pad + 1)}"}`;
          injected.push('pad-to-limit');
        }
      }
      frame = frameOf(ciphertext, text);
      const byteMutations = c.mutations.filter(
        (m) => !['cipherSwap', 'foreignCiphertext', 'shortCiphertext'].includes(m.kind),
      );
      for (const m of c.mutations) {
        if (['cipherSwap', 'foreignCiphertext', 'shortCiphertext'].includes(m.kind))
          injected.push(m.kind);
      }
      for (const m of byteMutations) {
        injected.push(
          m.kind === 'bitflip'
            ? `bitflip:${m.region}`
            : m.kind === 'lengthLie'
              ? `lengthLie:${m.value}`
              : m.kind,
        );
        const single =
          byteMutations.length === 1 &&
          c.meta.length === 0 &&
          byteMutations.length === c.mutations.length;
        const r = mutate(frame, ctLen, m, single);
        frame = r.frame;
        exp = combine(exp, r.exp);
      }
    }

    const faults: string[] = [];
    const outer = await f.postFrame(c.endpoint, frame, c.overHttp);
    const via = c.overHttp ? 'http' : 'inject';
    if (frame.length > LIMIT) {
      if (outer.status !== 413)
        faults.push(`expected 413 for a ${frame.length}-byte body, got ${outer.status}`);
      return { key: String(outer.status), faults, via, injected };
    }
    if (![200, 400].includes(outer.status)) faults.push(`onion outer status ${outer.status}`);
    if (exp === 'ok' && outer.status !== 200)
      faults.push(`valid envelope rejected: ${outer.status} ${outer.body.toString().slice(0, 80)}`);
    if (exp === 'reject' && outer.status !== 400)
      faults.push(`broken envelope answered ${outer.status}`);
    if (outer.status === 400) {
      if (outer.body.length > 200) faults.push('400 body is not short');
      return { key: '400', faults, via, injected };
    }
    if (outer.status !== 200) return { key: String(outer.status), faults, via, injected };

    // 200: the reply must open with this request's key and hold a well-formed inner answer.
    const data = v3 ? decodeBase64Strict(outer.body.toString().trim()) : outer.body;
    const plain = data && openReply(sealed, data);
    if (!plain) {
      faults.push('200 reply does not decrypt with the request key');
      return { key: '200/?', faults, via, injected };
    }
    let code: number;
    if (v3) code = v3Status(plain);
    else {
      const r = decodeV4Reply(plain, faults);
      code = r?.code ?? 0;
    }
    if (code >= 500) faults.push(`5xx inner ${code} for ${inner.method} ${inner.endpoint}`);
    const allowed = allowedStatuses(inner.method, inner.endpoint.split('?')[0]);
    allowed.add(429);
    // A v3 reply hides 2xx codes: the bare body stands for any of them (onion.md §7).
    const v3Success = v3 && code === 200 && (allowed.has(201) || allowed.has(200));
    if (code > 0 && code < 500 && !allowed.has(code) && !v3Success)
      faults.push(`inner status ${code} not allowed for ${inner.endpoint}`);
    return { key: `200/${code}`, faults, via, injected };
  }

  it(`withstands ${casesFor('onion-envelope')} hostile envelopes`, async () => {
    const s = await runTarget({
      name: 'onion-envelope',
      app: f,
      arbitrary: envelopeCase,
      run,
      cases: casesFor('onion-envelope'),
    });
    expect(s.faults).toEqual([]);
  });
});
