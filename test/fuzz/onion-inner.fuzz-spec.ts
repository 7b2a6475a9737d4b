/**
 * Hostile inner onion requests inside valid envelopes of both ciphers (onion.md §4, §5, §7):
 * v4 bencode with lying, huge, signed, hex or missing lengths, extra items, integers, dicts,
 * nesting and trailing bytes; v4 meta JSON with hostile methods, endpoints (traversal, recursion
 * into the onion endpoints, bad percent-encoding, NUL), headers and bodies; v3 JSON of every
 * wrong shape. Often signed for real so the request passes auth and reaches the route.
 *
 * Oracle: outer 200; the reply opens with the request key; a well-formed v4 reply (two strings,
 * `{"code","headers"}`); inner code < 500; malformed per the spec grammar → exactly 400
 * `Invalid v4 onion request` (v3: `{"status_code":400}`); otherwise a status the route allows.
 */
import fc from 'fast-check';
import type { OnionCipher } from '../../src/crypto/onion-cipher';
import { casesFor } from './support/fuzz-config';
import { FuzzApp, IDENTITY_NAMES, type IdentityName } from './support/fuzz-app';
import { buildTarget, strangeTarget, targetChoice, type TargetChoice } from './support/endpoints';
import { isPlainTextError, runTarget, show, type Outcome } from './support/harness';
import { hostileJson, hostileString, randomBytesArb } from './support/hostile';
import { decodeV4Reply, openReply, seal, specDecodeList, v3Status } from './support/onion-frames';
import { allowedStatuses, decodedPathOf } from '../support/spec-routes';
import { decodeBase64Strict } from '../../src/crypto/encoding';

type LengthForm =
  | 'exact'
  | 'minus'
  | 'plus'
  | 'zeros'
  | 'plusSign'
  | 'negative'
  | 'hex'
  | 'empty'
  | 'space'
  | 'huge'
  | 'float';

interface Item {
  /** 'meta' = the generated meta JSON; 'body' = the generated body; else raw bytes. */
  content: 'meta' | 'body' | Uint8Array;
  form: LengthForm;
  delta: number;
}

type Extra =
  | 'none'
  | 'int'
  | 'dict'
  | 'nested'
  | 'trailing'
  | 'noEnd'
  | 'doubleEnd'
  | 'noStart'
  | 'upperL'
  | 'empty'
  | 'onlyL';

interface MetaSpec {
  method: unknown;
  endpoint: { route: TargetChoice } | { strange: string } | { value: unknown };
  headers: 'signed' | 'none' | { value: unknown };
  as: IdentityName;
  /** For route endpoints: use the route's own method (so the request is routed at all). */
  routeMethod: boolean;
  extraFields: [string, unknown][];
  /** Replace the whole meta text. */
  text: string | null;
}

interface InnerCase {
  version: 'v4' | 'v3';
  cipher: OnionCipher;
  meta: MetaSpec;
  body: { json: unknown } | { bytes: Uint8Array } | { none: true };
  /** v4 only: the list as items (default: meta, body). */
  items: Item[] | null;
  extra: Extra;
  /** v3 only: how the body field is given. */
  v3Body: 'string' | 'absent' | 'null' | 'nullString' | 'empty' | { value: unknown };
  v3Leading: '' | ' ' | '\n' | '[';
  authCode: unknown;
  overHttp: boolean;
}

const lengthForm = fc.constantFrom<LengthForm>(
  'exact',
  'exact',
  'exact',
  'exact',
  'exact',
  'exact',
  'minus',
  'plus',
  'zeros',
  'plusSign',
  'negative',
  'hex',
  'empty',
  'space',
  'huge',
  'float',
);

const item: fc.Arbitrary<Item> = fc.record({
  content: fc.oneof(
    { weight: 3, arbitrary: fc.constant('meta' as const) },
    { weight: 2, arbitrary: fc.constant('body' as const) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 40 }) },
  ),
  form: lengthForm,
  delta: fc.integer({ min: 1, max: 5 }),
});

const methodArb = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'get',
      'Post',
      'PATCH',
      'HEAD',
      'OPTIONS',
      'TRACE',
      'CONNECT',
      '',
      ' GET',
      'GET ',
      'G\0T',
    ),
  },
  { weight: 1, arbitrary: hostileJson },
);

const metaSpec: fc.Arbitrary<MetaSpec> = fc.record({
  method: methodArb,
  endpoint: fc.oneof(
    { weight: 6, arbitrary: fc.record({ route: targetChoice() }) },
    { weight: 2, arbitrary: fc.record({ strange: strangeTarget }) },
    { weight: 1, arbitrary: fc.record({ value: hostileJson }) },
  ),
  headers: fc.oneof(
    { weight: 6, arbitrary: fc.constant('signed' as const) },
    { weight: 2, arbitrary: fc.constant('none' as const) },
    {
      weight: 2,
      arbitrary: fc.record({
        value: fc.oneof(
          hostileJson,
          fc.dictionary(
            fc.constantFrom(
              'content-type',
              'Content-Type',
              'x-sogs-pubkey',
              'content-length',
              'host',
              'transfer-encoding',
              'connection',
              'x-tsogs-origin',
              'cookie',
            ),
            hostileJson,
          ),
        ),
      }),
    },
  ),
  as: fc.constantFrom(...IDENTITY_NAMES, 'admin', 'admin', 'user'),
  routeMethod: fc.nat(3).map((n) => n > 0),
  extraFields: fc.array(
    fc.tuple(fc.constantFrom('body', 'headers2', '__proto__', 'code', 'auth_code'), hostileJson),
    { maxLength: 2 },
  ),
  text: fc.oneof(
    { weight: 20, arbitrary: fc.constant(null) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '',
        'null',
        '[]',
        '"GET"',
        '{',
        '{"method":"GET"}',
        '{"endpoint":"/capabilities"}',
        '{"method":"GET","endpoint":"capabilities"}',
        '\u0000',
        '\ufeff{"method":"GET","endpoint":"/capabilities"}',
      ),
    },
    { weight: 1, arbitrary: hostileString },
  ),
});

const innerCase: fc.Arbitrary<InnerCase> = fc.record({
  version: fc.constantFrom<'v4' | 'v3'>('v4', 'v4', 'v4', 'v3'),
  cipher: fc.constantFrom<OnionCipher>('aes-gcm', 'xchacha20'),
  meta: metaSpec,
  body: fc.oneof(
    { weight: 3, arbitrary: fc.record({ json: hostileJson }) },
    { weight: 2, arbitrary: fc.record({ bytes: randomBytesArb.map((b) => new Uint8Array(b)) }) },
    { weight: 3, arbitrary: fc.constant({ none: true as const }) },
  ),
  items: fc.oneof(
    { weight: 3, arbitrary: fc.constant(null) },
    { weight: 1, arbitrary: fc.array(item, { maxLength: 4 }) },
  ),
  extra: fc.oneof(
    { weight: 12, arbitrary: fc.constant<Extra>('none') },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Extra>(
        'int',
        'dict',
        'nested',
        'trailing',
        'noEnd',
        'doubleEnd',
        'noStart',
        'upperL',
        'empty',
        'onlyL',
      ),
    },
  ),
  v3Body: fc.oneof(
    { weight: 6, arbitrary: fc.constant('string' as const) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'absent' as const,
        'null' as const,
        'nullString' as const,
        'empty' as const,
      ),
    },
    { weight: 1, arbitrary: fc.record({ value: hostileJson }) },
  ),
  v3Leading: fc.constantFrom<InnerCase['v3Leading']>('', '', '', '', '', ' ', '\n', '['),
  authCode: fc.oneof(fc.constant(undefined), hostileJson),
  overHttp: fc.noBias(fc.nat(19)).map((n) => n === 0),
});

function lengthText(len: number, form: LengthForm, delta: number): string {
  switch (form) {
    case 'exact':
      return String(len);
    case 'minus':
      return String(Math.max(0, len - delta));
    case 'plus':
      return String(len + delta);
    case 'zeros':
      return '0'.repeat(delta) + String(len);
    case 'plusSign':
      return `+${len}`;
    case 'negative':
      return `-${len}`;
    case 'hex':
      return `0x${len.toString(16)}`;
    case 'empty':
      return '';
    case 'space':
      return ` ${len}`;
    case 'huge':
      return '9'.repeat(15 + delta * 4);
    case 'float':
      return `${len}.0`;
  }
}

describe('fuzz: inner onion requests (onion.md §4–§7)', () => {
  let f: FuzzApp;
  beforeAll(async () => {
    f = await FuzzApp.start();
  });
  afterAll(() => f.close());

  async function run(c: InnerCase): Promise<Outcome> {
    const injected: string[] = [];
    const faults: string[] = [];
    // The inner request.
    let endpoint: unknown;
    let method: unknown = c.meta.method;
    if ('route' in c.meta.endpoint) {
      const { route, target } = buildTarget(f, c.meta.endpoint.route);
      endpoint = target;
      if (c.meta.routeMethod) method = route.method;
    } else if ('strange' in c.meta.endpoint) {
      endpoint = c.meta.endpoint.strange;
      injected.push('strange-endpoint');
    } else {
      endpoint = c.meta.endpoint.value;
      injected.push('endpoint-type');
    }
    if (typeof method !== 'string' || !['GET', 'POST', 'PUT', 'DELETE'].includes(method))
      injected.push('method');
    const body: Buffer | undefined =
      'json' in c.body
        ? Buffer.from(JSON.stringify(c.body.json) ?? 'null')
        : 'bytes' in c.body
          ? Buffer.from(c.body.bytes)
          : undefined;

    let headers: unknown = {};
    const bodyForSig =
      c.version === 'v3'
        ? body && !['GET', 'DELETE'].includes(show(method).toUpperCase())
          ? Buffer.from(body.toString('utf8'))
          : undefined
        : body;
    if (c.meta.headers === 'signed' && typeof endpoint === 'string' && typeof method === 'string') {
      const target =
        c.version === 'v3' && !endpoint.startsWith('/') ? `/legacy/${endpoint}` : endpoint;
      headers = {
        ...f.signHeaders(c.meta.as, method, target, bodyForSig),
        ...(body ? { 'Content-Type': 'application/json' } : {}),
      };
    } else if (typeof c.meta.headers === 'object') {
      headers = c.meta.headers.value;
      injected.push('headers');
    }

    let plaintext: Buffer;
    /** Spec verdict: the inner request is malformed and must get the generic 400. */
    let malformed = false;
    if (c.version === 'v4') {
      const metaObj: Record<string, unknown> = { method, endpoint, headers };
      for (const [k, v] of c.meta.extraFields) metaObj[k] = v;
      const metaText = c.meta.text ?? JSON.stringify(metaObj);
      if (c.meta.text !== null) injected.push('meta-text');
      const metaBytes = Buffer.from(metaText);
      const itemsSpec: Item[] = c.items ?? [
        { content: 'meta', form: 'exact', delta: 0 },
        ...(body ? [{ content: 'body' as const, form: 'exact' as const, delta: 0 }] : []),
      ];
      if (c.items) injected.push('bencode-items');
      const parts: Buffer[] = [];
      for (const it of itemsSpec) {
        const bytes =
          it.content === 'meta'
            ? metaBytes
            : it.content === 'body'
              ? (body ?? Buffer.alloc(0))
              : Buffer.from(it.content);
        if (it.form !== 'exact') injected.push(`length:${it.form}`);
        parts.push(Buffer.from(`${lengthText(bytes.length, it.form, it.delta)}:`), bytes);
      }
      let inner = Buffer.concat(parts);
      const L = Buffer.from('l');
      const E = Buffer.from('e');
      switch (c.extra) {
        case 'int':
          inner = Buffer.concat([inner, Buffer.from('i42e')]);
          break;
        case 'dict':
          inner = Buffer.concat([inner, Buffer.from('d1:a1:be')]);
          break;
        case 'nested':
          inner = Buffer.concat([Buffer.from('l'), inner, Buffer.from('e')]);
          break;
        default:
          break;
      }
      plaintext =
        c.extra === 'trailing'
          ? Buffer.concat([L, inner, E, Buffer.from('junk')])
          : c.extra === 'noEnd'
            ? Buffer.concat([L, inner])
            : c.extra === 'doubleEnd'
              ? Buffer.concat([L, inner, E, E])
              : c.extra === 'noStart'
                ? Buffer.concat([inner, E])
                : c.extra === 'upperL'
                  ? Buffer.concat([Buffer.from('L'), inner, E])
                  : c.extra === 'empty'
                    ? Buffer.alloc(0)
                    : c.extra === 'onlyL'
                      ? Buffer.from('le')
                      : Buffer.concat([L, inner, E]);
      if (c.extra !== 'none') injected.push(`bencode:${c.extra}`);
      // The spec's verdict, from an independent reading of onion.md §4.
      const list = specDecodeList(plaintext);
      if (!list) malformed = true;
      else {
        let m: unknown;
        try {
          m = JSON.parse(list[0].toString('utf8'));
        } catch {
          malformed = true;
        }
        if (!malformed) {
          const mm = m as Record<string, unknown> | null;
          if (!mm || typeof mm !== 'object' || Array.isArray(mm)) malformed = true;
          else if (typeof mm.method !== 'string' || typeof mm.endpoint !== 'string')
            malformed = true;
          else if (!mm.endpoint.startsWith('/') || decodedPathOf(mm.endpoint) === null)
            malformed = true;
        }
      }
    } else {
      const obj: Record<string, unknown> = { method, endpoint, headers };
      if (c.v3Body === 'string') obj.body = body?.toString('utf8');
      else if (c.v3Body === 'null') obj.body = null;
      else if (c.v3Body === 'nullString') obj.body = 'null';
      else if (c.v3Body === 'empty') obj.body = '';
      else if (typeof c.v3Body === 'object') {
        obj.body = c.v3Body.value;
        injected.push('v3-body-type');
      }
      if (c.authCode !== undefined) obj.auth_code = c.authCode;
      const text = c.meta.text ?? JSON.stringify(obj);
      if (c.meta.text !== null) injected.push('meta-text');
      if (c.v3Leading) injected.push('v3-leading');
      plaintext = Buffer.from(c.v3Leading + text + (c.v3Leading === '[' ? ']' : ''));
      let parsed: unknown;
      try {
        parsed = JSON.parse(plaintext.toString('utf8'));
      } catch {
        malformed = true;
      }
      const p = parsed as Record<string, unknown> | null;
      if (plaintext[0] !== 0x7b || !p || typeof p !== 'object' || Array.isArray(p))
        malformed = true;
      else if (typeof p.method !== 'string' || typeof p.endpoint !== 'string') malformed = true;
      else if (
        ['GET', 'DELETE'].includes(p.method.toUpperCase()) &&
        !(p.body === undefined || p.body === null || p.body === '' || p.body === 'null')
      )
        malformed = true;
      else if (p.body !== undefined && p.body !== null && typeof p.body !== 'string')
        malformed = true;
    }

    const sealed = seal(f.serverPubkey, c.cipher, plaintext);
    const endpointPath = c.version === 'v4' ? '/oxen/v4/lsrpc' : '/loki/v3/lsrpc';
    const outer = await f.postFrame(endpointPath, sealed.frame, c.overHttp);
    const via = `${c.overHttp ? 'http' : 'inject'}-${c.version}-${c.cipher === 'aes-gcm' ? 'aes' : 'xchacha'}`;
    if (outer.status !== 200) {
      faults.push(`onion outer status ${outer.status} for a valid envelope`);
      return { key: String(outer.status), faults, via, injected };
    }
    const data = c.version === 'v4' ? outer.body : decodeBase64Strict(outer.body.toString().trim());
    const plain = data && openReply(sealed, data);
    if (!plain) {
      faults.push('reply does not decrypt with the request key');
      return { key: '200/?', faults, via, injected };
    }
    let code: number;
    let replyHeaders: Record<string, string> = {};
    let replyBody = plain;
    if (c.version === 'v4') {
      const r = decodeV4Reply(plain, faults);
      code = r?.code ?? 0;
      replyHeaders = r?.headers ?? {};
      replyBody = r?.body ?? plain;
    } else code = v3Status(plain);

    if (code >= 500)
      faults.push(`5xx: inner ${code} for ${show(method)} ${show(endpoint).slice(0, 80)}`);
    if (malformed) {
      if (code !== 400) faults.push(`malformed ${c.version} request answered ${code}, not 400`);
      else if (
        c.version === 'v4' &&
        replyBody.toString() !== 'Invalid v4 onion request' &&
        !injected.includes('method')
      )
        faults.push(
          `malformed v4 request: body ${JSON.stringify(replyBody.toString().slice(0, 60))}`,
        );
    } else if (code > 0 && code < 500 && typeof endpoint === 'string') {
      const path = decodedPathOf(endpoint) ?? '';
      const full = c.version === 'v3' && !endpoint.startsWith('/') ? `/legacy/${path}` : path;
      const allowed = allowedStatuses(show(method), full);
      for (const s of [429, 304, 405, 201]) allowed.add(s);
      const v3Success = c.version === 'v3' && code === 200;
      if (!allowed.has(code) && !v3Success)
        faults.push(`inner status ${code} not allowed for ${show(method)} ${full.slice(0, 60)}`);
      if (
        c.version === 'v4' &&
        isPlainTextError(code, full) &&
        replyHeaders['content-type'] !== 'text/plain; charset=utf-8'
      )
        faults.push(`inner ${code} labelled ${JSON.stringify(replyHeaders['content-type'])}`);
    }
    return { key: `200/${code}`, faults, via, injected };
  }

  it(`withstands ${casesFor('onion-inner')} hostile inner requests`, async () => {
    const s = await runTarget({
      name: 'onion-inner',
      app: f,
      arbitrary: innerCase,
      run,
      cases: casesFor('onion-inner'),
      betweenChunks: () => f.resetState(),
    });
    expect(s.faults).toEqual([]);
  });
});
