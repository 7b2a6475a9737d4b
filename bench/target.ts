/** Sending onion frames over keep-alive HTTP, and checking replies as a client would. */
import http from 'node:http';
import { openV4, type PollState } from './client';

export class Target {
  private readonly agent: http.Agent;

  /** `timeoutMs`: a client gives up on a request after this long (counted as an error). */
  constructor(
    readonly port: number,
    sockets: number,
    private readonly timeoutMs = 10_000,
  ) {
    this.agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  }

  send(frame: Uint8Array): Promise<{ status: number; body: Buffer }> {
    return new Promise((ok, fail) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: this.port,
          method: 'POST',
          path: '/oxen/v4/lsrpc',
          agent: this.agent,
          headers: { 'content-type': 'application/octet-stream', 'content-length': frame.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => ok({ status: res.statusCode!, body: Buffer.concat(chunks) }));
          res.on('error', fail);
        },
      );
      const timer = setTimeout(() => req.destroy(new Error('timeout')), this.timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', fail);
      req.end(frame);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

interface Item {
  code: number;
  body: unknown;
}

const maxOf = (list: unknown, field: 'seqno' | 'id', start: number) =>
  Array.isArray(list)
    ? list.reduce((m: number, x: Record<string, number>) => Math.max(m, x[field] ?? 0), start)
    : start;

/**
 * Null when the reply is what a client wants; otherwise a short error class. A poll reply also
 * advances the poller's state (seqnos, info_updates, DM ids) like a real client's.
 */
export function checkReply(
  kind: 'poll' | 'post',
  key: Uint8Array,
  res: { status: number; body: Buffer },
  state?: PollState,
): string | null {
  if (res.status !== 200) return `HTTP ${res.status}`;
  let inner: { code: number; body: Buffer };
  try {
    inner = openV4(key, res.body);
  } catch {
    return 'undecryptable reply';
  }
  if (kind === 'post') return inner.code === 201 ? null : `post ${inner.code}`;
  if (inner.code !== 200) return `batch ${inner.code}`;
  const items = JSON.parse(inner.body.toString('utf8')) as Item[];
  const bad = items.findIndex((it) => it.code >= 400);
  if (bad >= 0) return `sub-request ${bad}: ${items[bad].code}`;
  if (state) {
    const rooms = state.seqnos.length;
    for (let i = 0; i < rooms; i++) {
      const info = items[1 + 2 * i].body as { details?: { info_updates?: number } };
      state.infoUpdates[i] = info?.details?.info_updates ?? state.infoUpdates[i];
      state.seqnos[i] = maxOf(items[2 + 2 * i].body, 'seqno', state.seqnos[i]);
    }
    state.inbox = maxOf(items[1 + 2 * rooms].body, 'id', state.inbox);
    state.outbox = maxOf(items[2 + 2 * rooms].body, 'id', state.outbox);
  }
  return null;
}
