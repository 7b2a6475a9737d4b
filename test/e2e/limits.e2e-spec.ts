import net from 'node:net';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES } from '../support/sogs-client';
import { TestApp } from '../support/test-app';

/** Opens a raw connection to the app and sends `head` (an incomplete request, say). */
function rawConnection(t: TestApp, head: string) {
  const { port } = new URL(t.baseUrl);
  const socket = net.connect(Number(port), '127.0.0.1');
  let received = '';
  socket.on('data', (d) => (received += d.toString('latin1')));
  const closed = new Promise<string>((resolve) => socket.on('close', () => resolve(received)));
  socket.on('error', () => undefined);
  socket.write(head);
  return { socket, closed, received: () => received };
}

describe('limits against slow, greedy or hostile clients (README, Reliability)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({
      env: {
        TSOGS_MAX_SUBREQUESTS: '3',
        TSOGS_MAX_IN_FLIGHT: '2',
        TSOGS_HEADERS_TIMEOUT: '1',
        TSOGS_REQUEST_TIMEOUT: '2',
      },
    });
    await t.givenRoom('lobby');
  });
  afterAll(() => t.close());

  it('refuses a /batch or /sequence over TSOGS_MAX_SUBREQUESTS with 400 and runs none of it', async () => {
    const user = SessionIdentity.random();
    const c = t.client(user).with({ via: ONION_AES });
    const post = {
      method: 'POST',
      path: '/room/lobby/message',
      json: { data: 'AA==', signature: 'AA==' },
    };
    for (const endpoint of ['/batch', '/sequence']) {
      const r = await c.post(endpoint, { json: [post, post, post, post] });
      expect(r.status).toBe(400);
      expect(r.text).toBe('Invalid batch request: more than 3 subrequests');
    }
    const ok = await c.post('/batch', {
      json: [1, 2, 3].map(() => ({ method: 'GET', path: '/capabilities' })),
    });
    expect(ok.status).toBe(200);
    const [row] = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
    expect(row.n).toBe(0);
  });

  it('answers 503 at once past TSOGS_MAX_IN_FLIGHT requests in progress, and serves again after', async () => {
    // Two uploads whose bodies never finish hold both slots.
    const stalled = [1, 2].map(() =>
      rawConnection(
        t,
        'POST /oxen/v4/lsrpc HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\npartial',
      ),
    );
    await new Promise((r) => setTimeout(r, 200));
    const busy = await fetch(`${t.baseUrl}/capabilities`);
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('1');
    expect(await busy.text()).toBe('Server busy, try again');
    for (const s of stalled) s.socket.destroy();
    await Promise.all(stalled.map((s) => s.closed));
    await new Promise((r) => setTimeout(r, 100));
    expect((await fetch(`${t.baseUrl}/capabilities`)).status).toBe(200);
  });

  it('closes a connection whose request head is not complete within TSOGS_HEADERS_TIMEOUT', async () => {
    const slow = rawConnection(t, 'GET /capabilities HTTP/1.1\r\nHost: x\r\n');
    const reply = await slow.closed;
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('closes a connection whose body is not complete within TSOGS_REQUEST_TIMEOUT', async () => {
    const slow = rawConnection(
      t,
      'POST /oxen/v4/lsrpc HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc',
    );
    const reply = await slow.closed;
    expect(reply).toMatch(/^HTTP\/1\.1 408 /);
    // Its slot is free again.
    expect((await fetch(`${t.baseUrl}/capabilities`)).status).toBe(200);
  });
});
