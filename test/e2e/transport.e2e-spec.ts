import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA } from '../support/sogs-client';
import { TestApp } from '../support/test-app';
import { RoomsRepository } from '../../src/rooms/rooms.repository';

describe('onion-only by default', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start();
    await t.givenRoom('lobby');
  });
  afterAll(() => t.close());

  it('refuses the room API over plain HTTP with a clear 403', async () => {
    for (const path of ['/rooms', '/room/lobby', '/room/lobby/pollInfo/0', '/batch']) {
      const r = await t.client(SessionIdentity.random()).get(path);
      expect(r.status).toBe(403);
      expect(r.text).toMatch(/onion requests only/);
    }
  });

  it('keeps /capabilities and the health checks reachable directly', async () => {
    expect((await t.client().get('/capabilities')).status).toBe(200);
    expect((await t.client().get('/healthz')).json()).toEqual({ status: 'ok' });
    expect((await t.client().get('/readyz')).json()).toEqual({ status: 'ready' });
  });
});

describe('direct access when enabled (TSOGS_DIRECT=1)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await TestApp.start({ env: { TSOGS_DIRECT: '1' } });
    await t.givenRoom('lobby', { description: 'hello' });
  });
  afterAll(() => t.close());

  it('gives the same code, content type and body directly and through onion requests', async () => {
    const alice = SessionIdentity.random();
    for (const path of [
      '/rooms',
      '/room/lobby',
      '/room/lobby/pollInfo/0',
      '/room/nope',
      '/capabilities?required=x',
    ]) {
      const [direct, aes, xchacha] = await Promise.all(
        (['direct', ONION_AES, ONION_XCHACHA] as const).map((via) =>
          t.client(alice).get(path, { via }),
        ),
      );
      for (const onion of [aes, xchacha]) {
        expect({
          path,
          code: onion.status,
          type: onion.headers['content-type'],
          body: onion.text,
        }).toEqual({
          path,
          code: direct.status,
          type: direct.headers['content-type'],
          body: direct.text,
        });
      }
    }
  });

  it('answers 405 for an unsupported method on an existing path, 404 for no path', async () => {
    for (const via of ['direct', ONION_AES] as const) {
      expect((await t.client().delete('/capabilities', { via })).status).toBe(405);
      expect((await t.client().post('/room/lobby/pollInfo/3', { via, body: '{}' })).status).toBe(
        405,
      );
      expect((await t.client().get('/no/such/path', { via })).status).toBe(404);
      expect((await t.client().post('/room/nope/pollInfo/3', { via, body: '{}' })).status).toBe(
        404,
      );
    }
  });

  it('answers hostile path parameters with 404, never a hang or a 414 (found by fuzzing)', async () => {
    const longReaction = encodeURIComponent('🦒🦍🐍🐊🦢🦁🦎🐢🐙🦑🦀🐡'); // 12 code points, 144 chars
    for (const via of ['direct', ONION_AES] as const) {
      expect((await t.client().get('/room/a%00b', { via })).status).toBe(404);
      expect((await t.client().post('/room/a%00b/pollInfo/1', { via, body: '{}' })).status).toBe(
        404,
      );
      expect((await t.client().get(`/room/lobby/message/${'9'.repeat(200)}`, { via })).status).toBe(
        404,
      );
      expect((await t.client().get(`/room/${'x'.repeat(300)}`, { via })).status).toBe(404);
      expect((await t.client().get(`/room/lobby/reactors/1/${longReaction}`, { via })).status).toBe(
        404,
      );
    }
  });

  it('reads bodies whatever their Content-Type, even a malformed or missing one', async () => {
    const batch = JSON.stringify([{ method: 'GET', path: '/capabilities' }]);
    for (const type of [
      'json',
      '',
      'text',
      'application/json; charset=utf-8',
      'application/x-www-form-urlencoded',
    ]) {
      for (const via of ['direct', ONION_AES] as const) {
        const r = await t
          .client(SessionIdentity.random())
          .post('/batch', { body: batch, headers: { 'Content-Type': type }, via });
        expect({ type, via, status: r.status }).toEqual({ type, via, status: 200 });
      }
    }
  });

  it('authenticates a replayed request against its query exactly as sent', async () => {
    const c = t.client(SessionIdentity.random());
    const r = await c.get('/room/lobby?q=a b&e=é', { via: ONION_AES });
    expect(r.status).toBe(200);
  });

  it('does not fail a GET that says Content-Type: application/json with no body', async () => {
    const r = await t
      .client()
      .get('/room/lobby', { headers: { 'Content-Type': 'application/json' } });
    expect(r.status).toBe(200);
  });
});

describe('two server processes over one database', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await TestApp.start({ env: { TSOGS_DIRECT: '1' } });
    b = await TestApp.start({
      env: { TSOGS_DIRECT: '1' },
      keys: a.keys,
      databaseUrl: a.databaseUrl,
    });
    await a.givenRoom('lobby');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
  });

  it('rejects on one a nonce first used on the other', async () => {
    const alice = a.client(SessionIdentity.random());
    const h = alice.signHeaders('GET', '/room/lobby', undefined);
    expect((await a.client().get('/room/lobby', { headers: h })).status).toBe(200);
    const replay = await b.client().get('/room/lobby', { headers: h, via: ONION_AES });
    expect([replay.status, replay.text]).toEqual([
      425,
      'Invalid authentication: X-SOGS-Nonce cannot be reused',
    ]);
  });

  it('shows a post made through one to a poll on the other at once', async () => {
    const alice = SessionIdentity.random();
    const lobby = (await a.app.get(RoomsRepository).findByToken('lobby'))!;
    const posted = await a.givenMessage(alice, lobby);
    const seen = await b
      .client(SessionIdentity.random())
      .get('/room/lobby/messages/since/0', { via: ONION_AES });
    expect(seen.json<{ id: number }[]>().map((m) => m.id)).toContain(posted.id);
  });

  it('applies a ban made on one to requests on the other at once', async () => {
    const mod = SessionIdentity.random();
    const eve = SessionIdentity.random();
    await a.givenModerator(mod, (await a.app.get(RoomsRepository).findByToken('lobby'))!);
    expect((await b.client(eve).get('/room/lobby', { via: ONION_AES })).status).toBe(200);
    const ban = await a.client(mod).post(`/user/${eve.blindedId(a.keys.publicKey)}/ban`, {
      json: { rooms: ['lobby'] },
      via: ONION_AES,
    });
    expect(ban.status).toBe(200);
    expect((await b.client(eve).get('/room/lobby', { via: ONION_AES })).status).toBe(404);
  });

  it('counts the post rate limit across both', async () => {
    const fast = SessionIdentity.random();
    const codes: number[] = [];
    for (let i = 0; i < 6; i++) {
      const server = i % 2 ? a : b;
      const r = await server.client(fast).post('/room/lobby/message', {
        json: {
          data: Buffer.from(`m${i}`).toString('base64'),
          signature: Buffer.alloc(64, 1).toString('base64'),
        },
        via: ONION_AES,
      });
      codes.push(r.status);
    }
    expect(codes).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it('sees a room created through the other at once', async () => {
    await b.givenRoom('second');
    expect((await a.client().get('/room/second')).status).toBe(200);
  });
});
