/**
 * Hostile bytes on real sockets: random garbage, and valid requests with a damaged request line
 * (methods, targets, versions), damaged headers (no colon, folding, NUL, 20 KB values), lying or
 * conflicting Content-Length / Transfer-Encoding (smuggling shapes), broken chunking, pipelining,
 * truncation and bit flips. The client always half-closes, so the server never waits for bytes
 * that will not come.
 *
 * Oracle: any answer is below 500 (505 only for a version Node's parser refuses); closing without
 * an answer is allowed for bytes that are not HTTP; the server keeps answering afterwards.
 */
import fc from 'fast-check';
import { casesFor } from './support/fuzz-config';
import { FuzzApp } from './support/fuzz-app';
import { runTarget, type Outcome } from './support/harness';
import { parseRawResponse } from './support/raw-http';
import net from 'node:net';

type Damage =
  | { kind: 'none' }
  | { kind: 'method'; value: string }
  | { kind: 'target'; value: string }
  | { kind: 'version'; value: string }
  | { kind: 'header'; line: string }
  | { kind: 'length'; value: string }
  | { kind: 'te'; value: string; withLength: boolean }
  | { kind: 'chunked'; body: string }
  | { kind: 'pipeline' }
  | { kind: 'truncate'; at: number }
  | { kind: 'bitflip'; at: number; bit: number }
  | { kind: 'garbage'; bytes: Uint8Array };

interface RawCase {
  base: number;
  damages: Damage[];
}

const BASES = [
  ['GET', '/capabilities', ''],
  ['GET', '/room/lobby', ''],
  ['POST', '/oxen/v4/lsrpc', 'garbage-onion-body'],
  ['POST', '/batch', '[{"method":"GET","path":"/capabilities"}]'],
  ['PUT', '/room/lobby/reaction/1/%F0%9F%91%8D', ''],
] as const;

const damage: fc.Arbitrary<Damage> = fc.oneof(
  { weight: 1, arbitrary: fc.constant({ kind: 'none' as const }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('method' as const),
      value: fc.constantFrom(
        'get',
        'G ET',
        'GET\0',
        'PATCH',
        'OPTIONS',
        'TRACE',
        'CONNECT',
        'PROPFIND',
        'HEAD',
        '',
        '💩',
        'X'.repeat(300),
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('target' as const),
      value: fc.constantFrom(
        '*',
        'http://evil/capabilities',
        '//capabilities',
        '/capabilities#x',
        '/cap abilities',
        '/\u00e9',
        '/%',
        '/..%2f..%2f',
        '/' + 'a'.repeat(20_000),
        'capabilities',
        '/\t',
        '/%00',
        '/?\u0000',
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('version' as const),
      value: fc.constantFrom(
        'HTTP/1.0',
        'HTTP/2.0',
        'HTTP/0.9',
        'HTTP/1.1x',
        'http/1.1',
        'HTTP/1',
        'HTTP/1.1 HTTP/1.1',
        '',
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('header' as const),
      line: fc.constantFrom(
        'NoColon',
        ': empty-name',
        'X-A: b\r\n folded',
        'X-Nul: a\0b',
        'X-Big: ' + 'b'.repeat(20_000),
        'Host: a\r\nHost: b',
        'X-SOGS-Pubkey: ' + '1'.repeat(66),
        'Content-Type: application/json; charset=\u00ff',
        'Expect: 100-continue',
        'Upgrade: websocket\r\nConnection: Upgrade',
        'X\u00e9: 1',
        'Content-Type:',
      ),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('length' as const),
      value: fc.constantFrom(
        '-1',
        '1e3',
        '0x10',
        '99999999999',
        '5, 6',
        '+5',
        ' 5',
        '',
        '18446744073709551616',
        '0',
      ),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('te' as const),
      value: fc.constantFrom('chunked', 'gzip', 'chunked, gzip', 'xchunked', 'chunked\u0000'),
      withLength: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('chunked' as const),
      body: fc.constantFrom(
        '5\r\nhello\r\n0\r\n\r\n',
        'zz\r\nhello\r\n0\r\n\r\n',
        '5\r\nhel',
        'ffffffffffffffff\r\nx\r\n',
        '5;ext=1\r\nhello\r\n0\r\nTrailer: x\r\n\r\n',
        '0\r\n\r\nGET /capabilities HTTP/1.1\r\n\r\n',
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'pipeline' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('bitflip' as const), at: fc.nat(), bit: fc.nat(7) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('garbage' as const),
      bytes: fc.uint8Array({ maxLength: 2048 }),
    }),
  },
);

const rawCase: fc.Arbitrary<RawCase> = fc.record({
  base: fc.nat(BASES.length - 1),
  damages: fc.array(damage, { minLength: 1, maxLength: 3 }),
});

/** Sends bytes, half-closes, and reads whatever comes back until the server closes. */
function exchange(port: number, bytes: Buffer, timeoutMs: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`timeout: connection still open after ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks));
    };
    socket.on('connect', () => socket.end(bytes));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('close', done);
    socket.on('error', done);
  });
}

describe('fuzz: raw HTTP bytes on real sockets', () => {
  let f: FuzzApp;
  beforeAll(async () => {
    f = await FuzzApp.start();
  });
  afterAll(() => f.close());

  async function run(c: RawCase): Promise<Outcome> {
    const [m, t, b] = BASES[c.base];
    let method: string = m;
    let target: string = t;
    let version = 'HTTP/1.1';
    const headers: string[] = ['Host: 127.0.0.1', 'Connection: close'];
    let body = Buffer.from(b);
    let length: string | null = String(body.length);
    let garbage: Buffer | null = null;
    const after: ((buf: Buffer) => Buffer)[] = [];
    for (const d of c.damages) {
      switch (d.kind) {
        case 'method':
          method = d.value;
          break;
        case 'target':
          target = d.value;
          break;
        case 'version':
          version = d.value;
          break;
        case 'header':
          headers.push(d.line);
          break;
        case 'length':
          length = d.value;
          break;
        case 'te':
          headers.push(`Transfer-Encoding: ${d.value}`);
          if (!d.withLength) length = null;
          break;
        case 'chunked':
          headers.push('Transfer-Encoding: chunked');
          length = null;
          body = Buffer.from(d.body);
          break;
        case 'pipeline':
          after.push((buf) =>
            Buffer.concat([buf, Buffer.from('GET /capabilities HTTP/1.1\r\nHost: x\r\n\r\n')]),
          );
          break;
        case 'truncate':
          after.push((buf) => buf.subarray(0, d.at % (buf.length + 1)));
          break;
        case 'bitflip':
          after.push((buf) => {
            const out = Buffer.from(buf);
            if (out.length) out[d.at % out.length] ^= 1 << d.bit;
            return out;
          });
          break;
        case 'garbage':
          garbage = Buffer.from(d.bytes);
          break;
      }
    }
    if (length !== null) headers.push(`Content-Length: ${length}`);
    let bytes =
      garbage ??
      Buffer.concat([
        Buffer.from(`${method} ${target} ${version}\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1'),
        body,
      ]);
    for (const fn of after) bytes = fn(bytes);
    const raw = await exchange(f.port, bytes, 8000);
    const injected = c.damages.map((d) => d.kind);
    const res = parseRawResponse(raw);
    if (!res) return { key: raw.length ? 'unparsed' : 'closed', faults: [], via: 'http', injected };
    const faults: string[] = [];
    const badVersion = c.damages.some(
      (d) => d.kind === 'version' || d.kind === 'bitflip' || d.kind === 'garbage',
    );
    if (res.status >= 500 && !(res.status === 505 && badVersion))
      faults.push(`5xx: ${res.status} for raw ${method} ${target.slice(0, 60)}`);
    return { key: String(res.status), faults, via: 'http', injected };
  }

  it(`withstands ${casesFor('raw-http')} raw byte streams`, async () => {
    const s = await runTarget({
      name: 'raw-http',
      app: f,
      arbitrary: rawCase,
      run,
      cases: casesFor('raw-http'),
    });
    expect(s.faults).toEqual([]);
  });
});
