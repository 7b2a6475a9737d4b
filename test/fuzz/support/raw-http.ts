import net from 'node:net';

/** A response read off a real socket. */
export interface RawResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

/**
 * An HTTP/1.1 request as exact bytes: the request target and header values are written as given
 * (no URL normalisation, unlike fetch or Fastify's inject), so hostile paths reach the server's
 * own parser. `Host`, `Connection: close` and, with a body, `Content-Length` are added unless the
 * caller supplies them.
 */
export function buildRawRequest(
  method: string,
  target: string,
  headers: [string, string][] = [],
  body?: Buffer,
): Buffer {
  const names = new Set(headers.map(([n]) => n.toLowerCase()));
  const all: [string, string][] = [...headers];
  if (!names.has('host')) all.unshift(['Host', '127.0.0.1']);
  if (!names.has('connection')) all.push(['Connection', 'close']);
  if (body && !names.has('content-length') && !names.has('transfer-encoding'))
    all.push(['Content-Length', String(body.length)]);
  const head = `${method} ${target} HTTP/1.1\r\n${all.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), body ?? Buffer.alloc(0)]);
}

function dechunk(data: Buffer): Buffer {
  const out: Buffer[] = [];
  let pos = 0;
  while (pos < data.length) {
    const eol = data.indexOf('\r\n', pos);
    if (eol < 0) break;
    const size = parseInt(data.subarray(pos, eol).toString('latin1'), 16);
    if (!Number.isFinite(size) || size === 0) break;
    out.push(data.subarray(eol + 2, eol + 2 + size));
    pos = eol + 2 + size + 2;
  }
  return Buffer.concat(out);
}

/** Parses the first response in `data`; null when there is none (connection closed early). */
export function parseRawResponse(data: Buffer): RawResponse | null {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return null;
  const lines = data.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
  if (!m) return null;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const name = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  let body = data.subarray(end + 4);
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
  else if (headers['content-length'] !== undefined)
    body = body.subarray(0, Number(headers['content-length']));
  return { status: Number(m[1]), headers, body };
}

/**
 * Sends raw bytes to 127.0.0.1:`port` and reads until the server closes the connection. Resolves
 * null when the server closed without answering (allowed for unparseable garbage); rejects on a
 * timeout.
 */
export function rawExchange(
  port: number,
  bytes: Buffer,
  timeoutMs: number,
): Promise<RawResponse | null> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(parseRawResponse(Buffer.concat(chunks)));
    };
    const timer = setTimeout(
      () => finish(new Error(`no answer within ${timeoutMs} ms`)),
      timeoutMs,
    );
    // Written without a FIN: some servers drop a half-closed request still being processed.
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    // A reset after the server answered and closed (it may not read a body it rejected) is fine.
    socket.on('error', (err) => (chunks.length ? finish() : finish(err)));
  });
}
