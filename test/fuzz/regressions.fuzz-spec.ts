/** Faults the fuzz targets found, each reduced to its smallest reproducing request. */
import { readFileSync } from 'node:fs';
import * as qr from '../../src/web/qr';
import { FuzzApp } from './support/fuzz-app';
import { decodeV4Reply, openReply, seal, v4Plaintext } from './support/onion-frames';

const PLAIN = 'text/plain; charset=utf-8';

/** `POST /oxen/v4/lsrpc` with one inner request; the decoded inner reply. */
async function onion(
  f: FuzzApp,
  method: string,
  endpoint: string,
  headers: Record<string, string> = {},
  body?: Buffer,
) {
  const sealed = seal(f.serverPubkey, 'aes-gcm', v4Plaintext(method, endpoint, headers, body));
  const outer = await f.postFrame('/oxen/v4/lsrpc', sealed.frame);
  expect(outer.status).toBe(200);
  const plain = openReply(sealed, outer.body);
  expect(plain).not.toBeNull();
  const problems: string[] = [];
  const reply = decodeV4Reply(plain!, problems);
  expect(problems).toEqual([]);
  return reply!;
}

/** POST of a JSON value through inject, optionally signed as one of the fixture identities. */
function postJson(f: FuzzApp, target: string, value: unknown, as?: 'admin') {
  return f.send(
    {
      method: 'POST',
      target,
      body: Buffer.from(JSON.stringify(value)),
      headers: [['Content-Type', 'application/json']],
      as,
    },
    'inject',
  );
}

describe('fuzz regressions (direct access on)', () => {
  let f: FuzzApp;
  beforeAll(async () => {
    f = await FuzzApp.start();
  });
  afterAll(() => f.close());

  it('answers a NUL in a room token at once (was: no answer, the 405 check queried PostgreSQL)', async () => {
    for (const method of ['DELETE', 'POST', 'GET']) {
      const r = await f.send({ method, target: '/room/lobby%00' }, 'inject');
      expect([404, 405]).toContain(r.status);
    }
    const viaOnion = await onion(f, 'DELETE', '/room/lobby%00');
    expect([404, 405]).toContain(viaOnion.code);
  });

  it("gives a path parameter over 100 characters the route's answer (was: Fastify's JSON 414)", async () => {
    const r = await f.send({ method: 'GET', target: `/room/${'a'.repeat(101)}` }, 'inject');
    expect(r.status).toBe(404);
    expect(r.headers['content-type']).toBe(PLAIN);
  });

  it('rejects a NUL in a moderation `rooms` token with a 4xx (was: 500, the token reached PostgreSQL)', async () => {
    // Any signed caller reaches the lookup, before permissions are checked.
    for (const as of ['admin', 'user'] as const) {
      for (const action of ['ban', 'unban', 'moderator']) {
        const body = Buffer.from(JSON.stringify({ rooms: ['a\u0000b'], moderator: true }));
        const r = await f.send(
          {
            method: 'POST',
            target: `/user/${f.sessionIdOf('user2')}/${action}`,
            body,
            headers: [['Content-Type', 'application/json']],
            as,
          },
          'inject',
        );
        expect({ as, action, ok: r.status === 400 || r.status === 403 }).toEqual({
          as,
          action,
          ok: true,
        });
      }
    }
  });

  it('answers invalid percent-encoding in the path with a text/plain 400 (was: a JSON error from Fastify)', async () => {
    for (const target of ['/room/%zz', '/room/lobby/message/%', '/room/%C0%AE', '/%ED%A0%80']) {
      const r = await f.send({ method: 'GET', target }, 'http');
      expect(r.status).toBe(400);
      expect({ target, type: r.headers['content-type'] }).toEqual({ target, type: PLAIN });
    }
  });

  it('answers a signed request with an empty path parameter 404 (was: 425, auth ran again in the 404 handler)', async () => {
    for (const target of [
      '/room/lobby/file/',
      '/room/lobby/file/1/',
      '/room/lobby/message/',
      '/inbox/since/',
      '/user//ban',
    ]) {
      const method = target.startsWith('/user')
        ? 'POST'
        : target.includes('message')
          ? 'DELETE'
          : 'GET';
      const body = method === 'POST' ? Buffer.from('{"global":true}') : undefined;
      const r = await f.send({ method, target, as: 'admin', body }, 'inject');
      expect({ target, status: r.status }).toEqual({ target, status: 404 });
    }
  });

  it('refuses the onion endpoints inside an onion request even behind dot segments (was: the replay resolved them)', async () => {
    const inner = seal(f.serverPubkey, 'aes-gcm', v4Plaintext('GET', '/capabilities', {}));
    for (const endpoint of [
      '/oxen/v4/lsrpc',
      '/room/../oxen/v4/lsrpc',
      '/x/%2e%2e/oxen/v4/lsrpc',
      '/a/./../loki/v3/lsrpc',
    ]) {
      const r = await onion(f, 'POST', endpoint, {}, inner.frame);
      expect({ endpoint, code: r.code }).toEqual({ endpoint, code: 404 });
    }
  });

  it('refuses the onion endpoints as /batch sub-requests even behind dot segments', async () => {
    const inner = seal(f.serverPubkey, 'aes-gcm', v4Plaintext('GET', '/capabilities', {}));
    const subs = ['/room/../oxen/v4/lsrpc', '/x/%2e%2e/oxen/v4/lsrpc'].map((path) => ({
      method: 'POST',
      path,
      b64: inner.frame.toString('base64'),
    }));
    const r = await postJson(f, '/batch', subs);
    expect(r.status).toBe(200);
    expect((JSON.parse(r.body.toString()) as { code: number }[]).map((i) => i.code)).toEqual([
      404, 404,
    ]);
  });

  it('routes a long path of `%25` escapes (find-my-way before 9.10 decoded it in quadratic time)', async () => {
    // Onion endpoints and batch paths have no URL length limit: one anonymous ~200 KB path of
    // `%25` froze the server for over a minute with find-my-way 9.7.0, which
    // @nestjs/platform-fastify pins; package.json overrides it with a linear version.
    const r = await onion(f, 'GET', `/capabilities/${'%25'.repeat(32_000)}`);
    expect(r.code).toBe(404);
    const { version } = JSON.parse(
      readFileSync(require.resolve('find-my-way/package.json'), 'utf8'),
    ) as { version: string };
    const [major, minor] = version.split('.').map(Number);
    expect(major > 9 || (major === 9 && minor >= 10)).toBe(true);
  });

  it('answers a v4 endpoint that does not start with `/` 400, even when it decodes to one (was: run as `/`)', async () => {
    for (const endpoint of ['%2F', '%2Froom%2Flobby', 'room/lobby']) {
      const r = await onion(f, 'DELETE', endpoint);
      expect({ endpoint, code: r.code }).toEqual({ endpoint, code: 400 });
    }
  });

  it('refuses /batch nested more than 8 deep (was: every level re-read the body below it, seconds of CPU)', async () => {
    let json: unknown = [{ method: 'GET', path: '/capabilities' }];
    for (let i = 0; i < 9; i++) json = [{ method: 'POST', path: '/batch', json }];
    const r = await postJson(f, '/batch', json);
    type Item = { code: number; body: unknown };
    let items = JSON.parse(r.body.toString()) as Item[];
    let accepted = 1;
    while (items[0].code === 200 && Array.isArray(items[0].body)) {
      items = items[0].body as Item[];
      accepted++;
    }
    expect(accepted).toBe(8);
    expect(items[0].code).toBe(400);
    expect(Buffer.from(items[0].body as string, 'base64').toString()).toBe(
      'Invalid batch request: nested more than 8 deep',
    );
  });

  it('changes global and room roles concurrently without a deadlock (was: 500, rooms locked in different orders)', async () => {
    const change = (who: 'user' | 'user2' | 'mod', body: object) =>
      postJson(f, `/user/${f.sessionIdOf(who)}/moderator`, body, 'admin');
    const rooms = ['lobby', 'readonly', 'noupload'];
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const who = (['user', 'user2', 'mod'] as const)[i % 3];
        return i % 2
          ? change(who, { global: true, moderator: i % 4 === 1 })
          : change(who, { rooms: i % 4 ? rooms : [...rooms].reverse(), moderator: true });
      }),
    );
    expect(replies.map((r) => r.status)).toEqual(Array(30).fill(200));
    await f.resetState();
  });

  it("draws a room's invite PNG once (it costs hundreds of ms of CPU: drawn per request, a cheap DoS)", async () => {
    const draw = jest.spyOn(qr, 'qrPng');
    const bodies = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const r = await f.send({ method: 'GET', target: '/r/lobby/invite.png' }, 'inject');
      expect(r.status).toBe(200);
      bodies.add(r.body.toString('base64'));
    }
    expect(bodies.size).toBe(1);
    expect(draw.mock.calls.length).toBeLessThanOrEqual(1);
    draw.mockRestore();
  });
});

describe('fuzz regressions (onion only, the default)', () => {
  let f: FuzzApp;
  beforeAll(async () => {
    f = await FuzzApp.start({ env: { TSOGS_DIRECT: '0' } });
  });
  afterAll(() => f.close());

  it('answers an onion request with an empty path parameter 404 (was: 403 ONION_ONLY, the 404 handler lost the origin)', async () => {
    const headers = f.signHeaders('user', 'GET', '/room/lobby/file/', undefined);
    const signed = await onion(f, 'GET', '/room/lobby/file/', headers);
    expect(signed.code).toBe(404);
    const anonymous = await onion(f, 'GET', '/room/lobby/file/');
    expect(anonymous.code).toBe(404);
  });
});
