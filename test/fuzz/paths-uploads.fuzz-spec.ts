/**
 * Hostile path parameters and file uploads (api.md §0, §4).
 *
 * Paths: every route template with tokens, ids, Session IDs, reactions and filenames replaced by
 * unicode, percent-encodings (valid, invalid, overlong, surrogates, %00, %2F), `..`, NUL, huge
 * digit strings and near-miss IDs, plus traversal and recursion targets; signed for real as a
 * global admin or sent anonymously; in-process, over raw sockets byte for byte (no client-side
 * normalisation) and inside onion requests. Where one parameter alone breaks its syntax, the
 * spec's answer is exactly 404 (no route).
 *
 * Uploads: raw bodies from empty to past the 10 MB limits, with hostile Content-Disposition
 * (RFC 5987 and plain forms, bad encodings, NUL, `/`, `..`, quotes, several headers) and any
 * Content-Type; every stored upload is downloaded again and must come back byte-identical with
 * a safe `Content-Disposition` naming what the spec says was stored.
 */
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { casesFor } from './support/fuzz-config';
import { FuzzApp, type FuzzRequest, type IdentityName, type Via } from './support/fuzz-app';
import { buildTarget, strangeTarget, targetChoice, type TargetChoice } from './support/endpoints';
import { judge, pick, runTarget, type Outcome } from './support/harness';
import { hostilePathString, hostileString, NASTY_STRINGS } from './support/hostile';
import { ROUTES } from '../support/spec-routes';

interface PathCase {
  kind: 'path';
  target: TargetChoice | { strange: string };
  method: 'route' | 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS' | 'HEAD';
  as: IdentityName | null;
  via: number;
}

type Disposition =
  | { form: 'none' }
  | { form: 'ext'; name: string; encode: boolean }
  | { form: 'quoted'; name: string }
  | { form: 'plain'; name: string }
  | { form: 'both'; ext: string; plain: string }
  | { form: 'raw'; value: string };

interface UploadCase {
  kind: 'upload';
  room: string;
  as: IdentityName | null;
  size: number;
  dispositions: Disposition[];
  contentType: string | null;
  downloadName: string;
  via: number;
}

const disposition: fc.Arbitrary<Disposition> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Disposition>({ form: 'none' }) },
  {
    weight: 3,
    arbitrary: fc.record({
      form: fc.constant('ext' as const),
      name: fc.oneof(hostileString, fc.constantFrom(...NASTY_STRINGS)),
      encode: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      form: fc.constant('quoted' as const),
      name: fc.oneof(
        fc.string({ maxLength: 20 }),
        fc.constantFrom('a"b', 'a\\"b', '..', '../x', 'x/y', 'nul\0x', ''),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      form: fc.constant('plain' as const),
      name: fc.constantFrom('file.txt', 'a b', '..', 'x/y', 'é', ''),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      form: fc.constant('both' as const),
      ext: fc.constantFrom('caf%C3%A9.txt', '%FF', 'x'),
      plain: fc.constantFrom('plain.txt', ''),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      form: fc.constant('raw' as const),
      value: fc.constantFrom(
        'attachment',
        'inline',
        'attachment;',
        'attachment; filename',
        'attachment; filename=',
        'attachment; filename*=',
        "attachment; filename*=UTF-8''",
        "attachment; filename*=ISO-8859-1''caf%E9",
        "attachment; filename*=UTF-8'en'%zz",
        "attachment; filename*=utf-8''%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        'attachment; filename="unterminated',
        'attachment; filename="a";filename="b";filename*=UTF-8\'\'c',
        `attachment; filename="${'x'.repeat(5000)}"`,
        ';;;;;;;=====',
        'attachment; ' + 'a=b; '.repeat(2000),
      ),
    }),
  },
);

const SIZES = [0, 1, 100, 4096, 65_536];
const BIG = [10_000_000, 10_000_001, 10_485_760, 10_485_761];

const pathCase: fc.Arbitrary<PathCase> = fc.record({
  kind: fc.constant('path' as const),
  target: fc.oneof(
    { weight: 5, arbitrary: targetChoice() },
    { weight: 1, arbitrary: fc.record({ strange: strangeTarget }) },
  ),
  method: fc.oneof(
    { weight: 12, arbitrary: fc.constant('route' as const) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        'GET' as const,
        'POST' as const,
        'PUT' as const,
        'DELETE' as const,
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('PATCH' as const, 'OPTIONS' as const, 'HEAD' as const),
    },
  ),
  as: fc.constantFrom<IdentityName | null>('admin', 'admin', 'user', null, null),
  via: fc.noBias(fc.nat(999)),
});

const uploadCase: fc.Arbitrary<UploadCase> = fc.record({
  kind: fc.constant('upload' as const),
  room: fc.constantFrom('lobby', 'lobby', 'lobby', 'noupload', 'readonly', 'secret', 'nope'),
  as: fc.constantFrom<IdentityName | null>(
    'user',
    'user',
    'user2',
    'admin',
    'roomBanned',
    'banned',
    null,
  ),
  size: fc.oneof(
    { weight: 200, arbitrary: fc.constantFrom(...SIZES) },
    { weight: 1, arbitrary: fc.constantFrom(...BIG) },
  ),
  dispositions: fc.array(disposition, { minLength: 1, maxLength: 3 }),
  contentType: fc.constantFrom(
    'application/octet-stream',
    'application/octet-stream',
    null,
    'image/png',
    'application/json',
    'multipart/form-data; boundary=x',
    'text/plain; charset=utf-8',
  ),
  // The trailing name is ignored; dot segments are left to the path cases (they change the route).
  downloadName: fc
    .oneof(
      fc.constantFrom('', 'x.txt', 'a%00b', '%2F'),
      hostilePathString.map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, ''))),
    )
    .map((n) => (/^(\.|%2e){1,2}$/i.test(n) ? 'x' : n)),
  via: fc.noBias(fc.nat(999)),
});

/** The header text for one disposition (undefined: no header). */
function dispositionText(d: Disposition): string | undefined {
  switch (d.form) {
    case 'none':
      return undefined;
    case 'ext':
      return `attachment; filename*=UTF-8''${d.encode ? encodeURIComponent(d.name.replace(/[\ud800-\udfff]/g, '\ufffd')) : d.name}`;
    case 'quoted':
      return `attachment; filename="${d.name}"`;
    case 'plain':
      return `attachment; filename=${d.name}`;
    case 'both':
      return `attachment; filename="${d.plain}"; filename*=UTF-8''${d.ext}`;
    case 'raw':
      return d.value;
  }
}

/**
 * The stored name per api.md §4 when the header is one of the simple forms whose reading the
 * spec fixes; 'unsure' otherwise. The last Content-Disposition header wins.
 */
function expectedName(ds: Disposition[]): string | null | 'unsure' {
  const sent = ds.filter((d) => d.form !== 'none');
  const last = sent[sent.length - 1];
  if (!last) return null;
  const clean = (s: string) => (s === '' ? null : s.replace(/[\0/]/g, '\ufffd'));
  if (last.form === 'ext' && last.encode && !/[\ud800-\udfff]/.test(last.name))
    return clean(last.name);
  if (last.form === 'plain' && !/[;"\s\\]/.test(last.name)) return clean(last.name);
  if (last.form === 'quoted' && !/["\\]/.test(last.name) && !/[\r\n]/.test(last.name))
    return clean(last.name);
  if (last.form === 'both' && last.ext === 'caf%C3%A9.txt') return 'café.txt';
  return 'unsure';
}

/** A header value a real socket can carry (no CR/LF/NUL, latin1, modest size). */
const lineSafe = (v: string) => /^[\x20-\x7e\t]*$/.test(v) && v.length < 8000;

describe('fuzz: path parameters and uploads (api.md §0, §4)', () => {
  let f: FuzzApp;
  beforeAll(async () => {
    f = await FuzzApp.start();
  });
  afterAll(() => f.close());

  const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;

  /** 404 when exactly one parameter is a hostile, slash-free value that breaks its syntax. */
  function expectedForPath(c: PathCase & { target: TargetChoice }): number[] | undefined {
    const route = ROUTES[c.target.route % ROUTES.length];
    const names = route.path.split('/').filter((s) => s.startsWith(':') || s === '*');
    const hostile = names
      .map((n, i) => ({ n, p: c.target.params[i % c.target.params.length] }))
      .filter(({ p }) => 'hostile' in p);
    if (hostile.length !== 1 || names.length > c.target.params.length) return undefined;
    const { n, p } = hostile[0];
    if (!('hostile' in p)) return undefined;
    const sent = p.encode
      ? encodeURIComponent(p.hostile.replace(/[\ud800-\udfff]/g, '\ufffd'))
      : p.hostile;
    let value: string;
    try {
      value = decodeURIComponent(sent);
    } catch {
      return undefined;
    }
    if (
      !sent ||
      /[/?#%\\\s\0]|^\.\.?$/.test(p.encode ? value : sent) ||
      Buffer.byteLength(sent) > 100 ||
      /[/?#]/.test(value)
    )
      return undefined;
    if (route.path.startsWith('/r/') || route.path === '/') return undefined;
    const breaks =
      ((n === ':token' || n === ':room') && !TOKEN.test(value)) ||
      ((n === ':id' || n === ':seqno' || n === ':info') && !/^[0-9]+$/.test(value)) ||
      (n === ':sid' && !/^[01]5[0-9a-fA-F]{64}$/.test(value));
    return breaks ? [404] : undefined;
  }

  async function runPath(c: PathCase): Promise<Outcome> {
    let target: string;
    let method: string;
    let expect: number[] | undefined;
    if ('strange' in c.target) {
      target = c.target.strange;
      method = c.method === 'route' ? 'GET' : c.method;
    } else {
      const built = buildTarget(f, c.target);
      target = built.target;
      method = c.method === 'route' ? built.route.method : c.method;
      if (c.method === 'route' && c.as !== 'user')
        expect = expectedForPath({ ...c, target: c.target });
    }
    const standard = ['GET', 'POST', 'PUT', 'DELETE'].includes(method);
    let via = pick<Via>(
      [
        ['inject', 75],
        ['http', 12],
        ['onion-v4-aes', 6],
        ['onion-v4-xchacha', 4],
        ['onion-v3-aes', 2],
        ['onion-v3-xchacha', 1],
      ],
      c.via / 1000,
    );
    if (!standard && via !== 'http') via = 'http';
    if (via === 'inject' || via.startsWith('onion')) expect = via === 'inject' ? expect : undefined;
    // Raw over a socket only when the target can be a request line at all.
    const raw = via === 'http' && /^\/[\x21-\x7e]*$/.test(target);
    if (via === 'http') expect = undefined;
    const req: FuzzRequest = {
      method,
      target,
      as: c.as,
      raw,
      body: method === 'POST' || method === 'PUT' ? Buffer.from('{}') : undefined,
    };
    const reply = await f.send(req, via);
    const out = judge(reply, {
      method,
      target,
      expect,
      alsoAllowed: [429, ...(standard ? [] : [200, 204, 404, 405, 400])],
    });
    return {
      ...out,
      injected: [raw ? 'raw-path' : 'path', ...('strange' in c.target ? ['strange'] : [])],
    };
  }

  async function runUpload(c: UploadCase): Promise<Outcome> {
    const target = `/room/${c.room}/file`;
    const body = c.size >= 10_000_000 ? Buffer.alloc(c.size, 0x61) : randomBytes(c.size);
    const headers: [string, string][] = [];
    for (const d of c.dispositions) {
      const v = dispositionText(d);
      if (v !== undefined) headers.push(['Content-Disposition', v]);
    }
    if (c.contentType) headers.push(['Content-Type', c.contentType]);
    let via = pick<Via>(
      [
        ['inject', 75],
        ['http', 15],
        ['onion-v4-aes', 5],
        ['onion-v4-xchacha', 5],
      ],
      c.via / 1000,
    );
    // Several headers need a socket (inject keeps one); onion meta keeps one per name.
    const safe = headers.every(([, v]) => lineSafe(v));
    if (headers.filter(([n]) => n === 'Content-Disposition').length > 1)
      via = safe ? 'http' : 'inject';
    else if (via === 'http' && !safe) via = 'inject';
    if (via.startsWith('onion') && body.length > 1_000_000) via = 'inject';
    const reply = await f.send({ method: 'POST', target, body, headers, as: c.as }, via);
    const tooBig = c.size > 10_000_000;
    const mayStore =
      c.as &&
      !['banned', 'roomBanned'].includes(c.as) &&
      ['lobby', 'readonly', 'noupload', 'secret'].includes(c.room);
    const expect =
      tooBig && mayStore && c.room === 'lobby'
        ? [413]
        : c.as === null
          ? [401, 404, 413]
          : undefined;
    const out = judge(reply, { method: 'POST', target, expect, alsoAllowed: [413] });
    const injected = [`upload:${c.dispositions.map((d) => d.form).join('+')}`];
    if (tooBig) injected.push('over-limit');
    if (reply.status === 201 && !via.startsWith('onion-v3')) {
      const multiple =
        headers.filter(([n]) => n === 'Content-Disposition').length > 1 && via !== 'http';
      out.faults.push(...(await checkDownload(c, reply.body, body, multiple)));
    }
    return { ...out, injected };
  }

  /**
   * Path cases running at the same time may delete everything of the uploader (`/all/:sid`, a
   * ban with delete), which expires their uploads at once: then a 404 is right.
   */
  async function expiredMeanwhile(id: number): Promise<boolean> {
    const [row] = await f.t.db.query<{ gone: boolean }>(
      'SELECT expiry IS NOT NULL AND expiry <= extract(epoch FROM now()) AS gone FROM files WHERE id = $1',
      [id],
    );
    return !row || row.gone;
  }

  /** Downloads a stored upload again: same bytes, octet-stream, a safe and correct name. */
  async function checkDownload(
    c: UploadCase,
    created: Buffer,
    sent: Buffer,
    multipleLost: boolean,
  ): Promise<string[]> {
    const faults: string[] = [];
    let id: unknown;
    try {
      id = (JSON.parse(created.toString()) as { id?: unknown }).id;
    } catch {
      return ['201 upload reply is not JSON'];
    }
    if (typeof id !== 'number' || !Number.isSafeInteger(id))
      return [`upload id ${String(id)} is not an integer`];
    const target = `/room/${c.room}/file/${id}${c.downloadName ? `/${c.downloadName}` : ''}`;
    const r = await f.send({ method: 'GET', target, as: 'admin' }, 'inject');
    if (r.status === 404 && (await expiredMeanwhile(id))) return faults;
    if (r.status !== 200) return [`download of a fresh upload answered ${r.status}`];
    if (!r.body.equals(sent))
      faults.push(`download differs from the upload (${r.body.length} vs ${sent.length} bytes)`);
    if (r.headers['content-type'] !== 'application/octet-stream')
      faults.push(`download labelled ${r.headers['content-type']}`);
    const cd = r.headers['content-disposition'] ?? '';
    const m = /^attachment(?:; filename\*=UTF-8''([A-Za-z0-9_.~%-]*))?$/.exec(cd);
    if (!m) faults.push(`unsafe Content-Disposition ${JSON.stringify(cd.slice(0, 120))}`);
    else if (
      m[1] !== undefined &&
      (m[1].match(/%[0-9A-Fa-f]{2}/g) ?? []).some((e) => e !== e.toUpperCase())
    )
      faults.push('lower-case percent-encoding in Content-Disposition');
    const want = multipleLost ? 'unsure' : expectedName(c.dispositions);
    if (m && want !== 'unsure') {
      const got = m[1] === undefined ? null : decodeURIComponent(m[1]);
      if (got !== want)
        faults.push(`stored name ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
    }
    return faults;
  }

  const anyCase: fc.Arbitrary<PathCase | UploadCase> = fc.oneof(
    { weight: 3, arbitrary: pathCase },
    { weight: 1, arbitrary: uploadCase },
  );

  it(`withstands ${casesFor('paths-uploads')} hostile paths and uploads`, async () => {
    const s = await runTarget({
      name: 'paths-uploads',
      app: f,
      arbitrary: anyCase,
      run: (c) => (c.kind === 'path' ? runPath(c) : runUpload(c)),
      cases: casesFor('paths-uploads'),
    });
    expect(s.faults).toEqual([]);
  });
});
