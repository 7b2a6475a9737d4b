/**
 * Hostile /batch and /sequence bodies (api.md §1): valid sub-requests to every route mixed with
 * malformed ones (missing or wrong-typed fields, bodies on GET, two bodies on POST, bad base64,
 * non-string headers, forged X-SOGS/origin headers, lying Content-Length), recursion (batches in
 * batches in sequences, up to thousands deep), onion endpoints as sub-requests, huge arrays
 * (thousands of sub-requests), deeply nested `json` values, and text damage to the whole body.
 *
 * Oracle: the body is validated exactly as api.md lists (independent validator): invalid → 400
 * and nothing runs; valid → 200 with one well-formed item per executed sub-request
 * (`code`/`headers`/`body`; JSON inline only for exactly application/json, else base64), all
 * executed for /batch, stopping after the first non-2xx for /sequence, recursively for nested
 * batches; no item or outer status ≥ 500.
 */
import fc from 'fast-check';
import { casesFor } from './support/fuzz-config';
import { FuzzApp, type IdentityName, type Via } from './support/fuzz-app';
import { bodyFor } from './support/bodies';
import { buildTarget, strangeTarget, targetChoice, type TargetChoice } from './support/endpoints';
import { judge, pick, runTarget, type Outcome } from './support/harness';
import {
  hostileJson,
  hostileString,
  jsonTextMutation,
  mutateJsonText,
  type JsonTextMutation,
} from './support/hostile';
import { seal, v4Plaintext } from './support/onion-frames';
import { ROUTES } from '../support/spec-routes';

/** One sub-request, described; rendered to JSON text by `render`. */
type Sub =
  | {
      kind: 'route';
      target: TargetChoice;
      routeMethod: boolean;
      method: string;
      body: 'json' | 'b64' | 'bytes' | 'none';
      json: unknown;
      bytes: string;
      b64: Uint8Array;
      headers: HeaderSpec;
    }
  | { kind: 'strange'; path: string; method: string }
  | { kind: 'malformed'; form: Malformed; value: unknown }
  | { kind: 'nested'; endpoint: '/batch' | '/sequence'; subs: Sub[] }
  | { kind: 'onion' }
  | { kind: 'deepJson'; depth: number };

type HeaderSpec =
  | 'none'
  | 'contentType'
  | 'forgedAuth'
  | 'forgedOrigin'
  | 'contentLength'
  | 'disposition'
  | { value: unknown };

type Malformed =
  | 'notObject'
  | 'noMethod'
  | 'noPath'
  | 'methodType'
  | 'lowerMethod'
  | 'patch'
  | 'relativePath'
  | 'pathType'
  | 'headersArray'
  | 'headerNumber'
  | 'getWithJson'
  | 'postNoBody'
  | 'postTwoBodies'
  | 'badB64'
  | 'bytesNumber'
  | 'nullBody'
  | 'extraFields';

interface BatchCase {
  endpoint: '/batch' | '/sequence';
  subs: Sub[];
  /** Copies of a cheap valid sub-request appended (huge arrays). */
  flood: number;
  /** Wrap the whole array this many times in POST /batch sub-requests. */
  wrap: number;
  mutation: JsonTextMutation;
  topLevel: 'array' | { value: unknown };
  as: IdentityName | null;
  via: number;
}

const MALFORMED: Malformed[] = [
  'notObject',
  'noMethod',
  'noPath',
  'methodType',
  'lowerMethod',
  'patch',
  'relativePath',
  'pathType',
  'headersArray',
  'headerNumber',
  'getWithJson',
  'postNoBody',
  'postTwoBodies',
  'badB64',
  'bytesNumber',
  'nullBody',
  'extraFields',
];

const headerSpec: fc.Arbitrary<HeaderSpec> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<HeaderSpec>('none') },
  {
    weight: 3,
    arbitrary: fc.constantFrom<HeaderSpec>(
      'contentType',
      'forgedAuth',
      'forgedOrigin',
      'contentLength',
      'disposition',
    ),
  },
  { weight: 1, arbitrary: fc.record({ value: hostileJson }) },
);

const routeSub: fc.Arbitrary<Sub> = fc
  .record({
    target: targetChoice(),
    routeMethod: fc.noBias(fc.nat(9)).map((n) => n < 8),
    method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
    body: fc.constantFrom<'json' | 'b64' | 'bytes' | 'none'>(
      'json',
      'json',
      'json',
      'b64',
      'bytes',
      'none',
    ),
    bytes: hostileString,
    b64: fc.uint8Array({ maxLength: 200 }),
    headers: headerSpec,
  })
  .chain((r) => {
    const route = ROUTES[r.target.route % ROUTES.length];
    return bodyFor(route.path, route.method, {
      fileIds: () => [1, 2, 3],
      sids: () => ['15' + '11'.repeat(32)],
    }).map((json): Sub => ({ kind: 'route', ...r, json }));
  });

const subArb: fc.Arbitrary<Sub> = fc.letrec<{ sub: Sub }>((tie) => ({
  sub: fc.oneof(
    { depthSize: 'small' },
    { weight: 12, arbitrary: routeSub },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('strange' as const),
        path: strangeTarget,
        method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('malformed' as const),
        form: fc.constantFrom(...MALFORMED),
        value: hostileJson,
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('nested' as const),
        endpoint: fc.constantFrom<'/batch' | '/sequence'>('/batch', '/sequence'),
        subs: fc.array(tie('sub'), { maxLength: 4 }),
      }),
    },
    { weight: 1, arbitrary: fc.constant({ kind: 'onion' as const }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('deepJson' as const),
        depth: fc.constantFrom(10, 100, 1000, 20_000, 200_000),
      }),
    },
  ),
})).sub;

const batchCase: fc.Arbitrary<BatchCase> = fc.record({
  endpoint: fc.constantFrom<'/batch' | '/sequence'>('/batch', '/sequence'),
  subs: fc.array(subArb, { maxLength: 8 }),
  flood: fc.oneof(
    { weight: 30, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.constantFrom(100, 500, 2000) },
  ),
  wrap: fc.oneof(
    { weight: 30, arbitrary: fc.constant(0) },
    { weight: 1, arbitrary: fc.constantFrom(1, 2, 5, 50, 300, 5000) },
  ),
  mutation: fc.oneof(
    { weight: 6, arbitrary: fc.constant<JsonTextMutation>({ kind: 'none' }) },
    { weight: 1, arbitrary: jsonTextMutation },
  ),
  topLevel: fc.oneof(
    { weight: 30, arbitrary: fc.constant('array' as const) },
    { weight: 1, arbitrary: fc.record({ value: hostileJson }) },
  ),
  as: fc.constantFrom<IdentityName | null>(
    'admin',
    'admin',
    'user',
    'user2',
    'mod',
    'banned',
    null,
  ),
  via: fc.noBias(fc.nat(999)),
});

/** TSOGS_MAX_SUBREQUESTS's default. */
const MAX_SUBREQUESTS = 256;

describe('fuzz: /batch and /sequence (api.md §1)', () => {
  let f: FuzzApp;
  beforeAll(async () => {
    f = await FuzzApp.start();
  });
  afterAll(() => f.close());

  function headersOf(h: HeaderSpec): unknown {
    if (h === 'none') return undefined;
    if (h === 'contentType') return { 'Content-Type': 'text/plain' };
    if (h === 'forgedAuth')
      return {
        'X-SOGS-Pubkey': f.sessionIdOf('admin'),
        'X-SOGS-Nonce': 'AAAAAAAAAAAAAAAAAAAAAA==',
        'X-SOGS-Timestamp': '1',
        'X-SOGS-Signature': 'x',
      };
    if (h === 'forgedOrigin')
      return { 'x-tsogs-origin': '00'.repeat(16), host: 'evil', 'transfer-encoding': 'chunked' };
    if (h === 'contentLength') return { 'Content-Length': '99999999', Connection: 'close' };
    if (h === 'disposition')
      return { 'Content-Disposition': "attachment; filename*=UTF-8''..%2F..%2Fx%00" };
    return h.value;
  }

  /** A sub-request as JSON text (text, so deep values need no JS recursion to build). */
  function render(s: Sub): string {
    switch (s.kind) {
      case 'route': {
        const { route, target } = buildTarget(f, s.target);
        const method = s.routeMethod ? route.method : s.method;
        const item: Record<string, unknown> = {
          method,
          path: target,
          headers: headersOf(s.headers),
        };
        const wantsBody = method === 'POST' || method === 'PUT';
        if (wantsBody || !s.routeMethod) {
          const kind = wantsBody && s.body === 'none' ? 'json' : s.body;
          if (kind === 'json') item.json = s.json;
          else if (kind === 'b64') item.b64 = Buffer.from(s.b64).toString('base64');
          else if (kind === 'bytes') item.bytes = s.bytes;
        }
        return JSON.stringify(item);
      }
      case 'strange':
        return JSON.stringify({
          method: s.method,
          path: s.path,
          ...(s.method === 'POST' || s.method === 'PUT' ? { json: {} } : {}),
        });
      case 'malformed':
        return JSON.stringify(malformed(s.form, s.value));
      case 'nested':
        return `{"method":"POST","path":"${s.endpoint}","json":[${s.subs.map(render).join(',')}]}`;
      case 'onion': {
        const sealed = seal(f.serverPubkey, 'aes-gcm', v4Plaintext('GET', '/capabilities', {}));
        return JSON.stringify({
          method: 'POST',
          path: '/oxen/v4/lsrpc',
          b64: sealed.frame.toString('base64'),
        });
      }
      case 'deepJson':
        return `{"method":"POST","path":"/room/lobby/message","json":${'['.repeat(s.depth)}${']'.repeat(s.depth)}}`;
    }
  }

  function malformed(form: Malformed, v: unknown): unknown {
    const ok = { method: 'GET', path: '/capabilities' };
    switch (form) {
      case 'notObject':
        return v !== null && typeof v === 'object' && !Array.isArray(v) ? [v] : v;
      case 'noMethod':
        return { path: '/capabilities' };
      case 'noPath':
        return { method: 'GET' };
      case 'methodType':
        return {
          ...ok,
          method: typeof v === 'string' && ['GET', 'POST', 'PUT', 'DELETE'].includes(v) ? 1 : v,
        };
      case 'lowerMethod':
        return { ...ok, method: 'get' };
      case 'patch':
        return { ...ok, method: 'PATCH', json: {} };
      case 'relativePath':
        return { ...ok, path: 'capabilities' };
      case 'pathType':
        return { ...ok, path: typeof v === 'string' ? [v] : v };
      case 'headersArray':
        return { ...ok, headers: ['Content-Type', 'application/json'] };
      case 'headerNumber':
        return { ...ok, headers: { 'Content-Type': 1 } };
      case 'getWithJson':
        return { ...ok, json: v ?? {} };
      case 'postNoBody':
        return { method: 'POST', path: '/room/lobby/message' };
      case 'postTwoBodies':
        return { method: 'POST', path: '/room/lobby/message', json: {}, bytes: 'x' };
      case 'badB64':
        return { method: 'POST', path: '/room/lobby/file', b64: 'not base64!' };
      case 'bytesNumber':
        return { method: 'POST', path: '/room/lobby/file', bytes: 42 };
      case 'nullBody':
        return { method: 'POST', path: '/room/lobby/message', json: null, b64: null, bytes: null };
      case 'extraFields':
        return { ...ok, body: v, code: 500, headers: null, json: null };
    }
  }

  const isObj = (v: unknown): v is Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v);
  const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
  const strictB64 = (s: string) => {
    const body = s.replace(/={1,2}$/, '');
    if (!B64.test(s) || body.length % 4 === 1) return false;
    return body.length === s.length || s.length % 4 === 0;
  };

  /** api.md §1 validation of a parsed body: 'valid', 'invalid', or 'unsure' (unspecified corners). */
  function specValidate(v: unknown): 'valid' | 'invalid' | 'unsure' {
    if (!Array.isArray(v)) return 'invalid';
    if (v.length > MAX_SUBREQUESTS) return 'invalid'; // the operator's limit (TSOGS_MAX_SUBREQUESTS)
    let unsure = false;
    for (const item of v) {
      if (!isObj(item)) return 'invalid';
      const { method, path, headers } = item;
      if (typeof method !== 'string') return 'invalid';
      if (!['GET', 'DELETE', 'POST', 'PUT'].includes(method)) {
        if (['GET', 'DELETE', 'POST', 'PUT'].includes(method.toUpperCase())) unsure = true;
        else return 'invalid';
      }
      if (typeof path !== 'string' || !path.startsWith('/')) return 'invalid';
      if (
        headers !== undefined &&
        headers !== null &&
        !(isObj(headers) && Object.values(headers).every((x) => typeof x === 'string'))
      )
        return 'invalid';
      const given = ['json', 'b64', 'bytes'].filter(
        (k) => item[k] !== undefined && item[k] !== null,
      );
      const wantsBody = ['POST', 'PUT'].includes(method.toUpperCase());
      if (wantsBody ? given.length !== 1 : given.length !== 0) return 'invalid';
      if (given[0] === 'b64' && !(typeof item.b64 === 'string' && strictB64(item.b64)))
        return 'invalid';
      if (given[0] === 'bytes' && typeof item.bytes !== 'string') return 'invalid';
      if (given[0] === 'json') {
        try {
          JSON.stringify(item.json);
        } catch {
          return 'invalid';
        }
      }
    }
    return unsure ? 'unsure' : 'valid';
  }

  /** Checks a batch response array against the request items; pushes faults, counts sub-requests. */
  function checkItems(
    items: unknown[],
    reply: unknown,
    sequence: boolean,
    faults: string[],
    depth: number,
  ): number {
    if (!Array.isArray(reply)) {
      faults.push(`batch reply is not an array at depth ${depth}`);
      return 0;
    }
    if (!sequence && reply.length !== items.length)
      faults.push(`batch returned ${reply.length} items for ${items.length} at depth ${depth}`);
    if (sequence && reply.length > items.length)
      faults.push(`sequence returned ${reply.length} items for ${items.length}`);
    let count = reply.length;
    reply.forEach((r, i) => {
      if (!isObj(r) || typeof r.code !== 'number' || !isObj(r.headers) || !('body' in r)) {
        faults.push(`malformed batch item at depth ${depth}: ${JSON.stringify(r).slice(0, 100)}`);
        return;
      }
      const code = r.code;
      const headers = r.headers as Record<string, unknown>;
      if (code >= 500)
        faults.push(
          `5xx: sub-request ${i} answered ${code} at depth ${depth}: ${JSON.stringify(items[i]).slice(0, 200)}`,
        );
      if (sequence && i < reply.length - 1 && (code < 200 || code > 299))
        faults.push(`sequence went on after ${code}`);
      for (const k of Object.keys(headers))
        if (k !== k.toLowerCase() || k === 'content-length') faults.push(`batch item header ${k}`);
      const json = headers['content-type'] === 'application/json';
      if (!json && (typeof r.body !== 'string' || !strictB64(r.body)))
        faults.push(
          `non-JSON batch item body is not base64: ${JSON.stringify(r.body).slice(0, 60)}`,
        );
      const item = items[i] as Record<string, unknown>;
      const path = typeof item?.path === 'string' ? item.path.split('?')[0] : '';
      if (
        json &&
        code === 200 &&
        (path === '/batch' || path === '/sequence') &&
        Array.isArray(item.json)
      ) {
        count += checkItems(item.json, r.body, path === '/sequence', faults, depth + 1);
      }
    });
    if (sequence && reply.length < items.length && reply.length > 0) {
      const last = reply[reply.length - 1] as { code?: number };
      if (typeof last?.code === 'number' && last.code >= 200 && last.code <= 299)
        faults.push('sequence stopped after a 2xx');
    }
    return count;
  }

  async function bannedNow(as: IdentityName): Promise<boolean> {
    const [row] = await f.t.db.query<{ banned: boolean }>(
      'SELECT banned FROM users WHERE id = $1',
      [f.userIds[as]],
    );
    return row?.banned === true;
  }

  async function run(c: BatchCase): Promise<Outcome> {
    const injected: string[] = [];
    let text: string;
    if (c.topLevel === 'array') {
      const parts = c.subs.map(render);
      if (c.flood) {
        parts.push(
          ...Array.from({ length: c.flood }, () => '{"method":"GET","path":"/capabilities"}'),
        );
        injected.push(`flood:${c.flood}`);
      }
      text = `[${parts.join(',')}]`;
      for (let i = 0; i < c.wrap; i++)
        text = `[{"method":"POST","path":"${c.endpoint}","json":${text}}]`;
      if (c.wrap) injected.push(`wrap:${c.wrap}`);
    } else {
      text = JSON.stringify(c.topLevel.value) ?? 'null';
      injected.push('top-level');
    }
    for (const s of c.subs) {
      injected.push(
        s.kind === 'malformed'
          ? `malformed:${s.form}`
          : s.kind === 'deepJson'
            ? `deepJson:${s.depth}`
            : s.kind,
      );
    }
    const body = mutateJsonText(text, c.mutation);
    if (c.mutation.kind !== 'none') injected.push(`text:${c.mutation.kind}`);
    const via = pick<Via>(
      [
        ['inject', 80],
        ['http', 5],
        ['onion-v4-aes', 7],
        ['onion-v4-xchacha', 6],
        ['onion-v3-aes', 1],
        ['onion-v3-xchacha', 1],
      ],
      c.via / 1000,
    );
    const reply = await f.send(
      {
        method: 'POST',
        target: c.endpoint,
        body,
        headers: [['Content-Type', 'application/json']],
        as: c.as,
      },
      via,
    );
    let parsed: unknown;
    let parsedOk = true;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      parsedOk = false;
    }
    const verdict = parsedOk ? specValidate(parsed) : 'invalid';
    // Auth comes first (a banned caller gets 403 whatever the body); then validation.
    const expect =
      c.as === 'banned'
        ? [403]
        : verdict === 'invalid'
          ? [400]
          : verdict === 'valid'
            ? [200]
            : [200, 400];
    // A case running alongside may have banned the caller meanwhile (a ban sub-request).
    if (reply.status === 403 && c.as && !expect.includes(403) && (await bannedNow(c.as)))
      expect.push(403);
    const out = judge(reply, { method: 'POST', target: c.endpoint, expect });
    let subrequests = 0;
    if (reply.status === 200 && !via.startsWith('onion-v3') && Array.isArray(parsed)) {
      let items: unknown;
      try {
        items = JSON.parse(reply.body.toString('utf8'));
      } catch {
        out.faults.push('200 batch reply is not JSON');
      }
      if (items !== undefined)
        subrequests = checkItems(parsed, items, c.endpoint === '/sequence', out.faults, 0);
    }
    return { ...out, injected, subrequests };
  }

  it(`withstands ${casesFor('batch')} hostile batches`, async () => {
    const s = await runTarget({
      name: 'batch',
      app: f,
      arbitrary: batchCase,
      run,
      cases: casesFor('batch'),
      concurrency: 4,
      betweenChunks: () => f.resetState(),
    });
    expect(s.faults).toEqual([]);
  });
});
