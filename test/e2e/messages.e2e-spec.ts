import { randomBytes } from 'node:crypto';
import type { Room } from '../../src/rooms/room';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA, type SogsClient } from '../support/sogs-client';
import { TestApp } from '../support/test-app';

type Msg = Record<string, unknown> & { id: number; seqno: number };

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
const content = (data: Buffer | string = randomBytes(20)) => ({
  data: b64(data),
  signature: b64(randomBytes(64)),
});

describe('messages: posting, polling and whispers (api.md §3, model.md §2)', () => {
  let t: TestApp;
  let alice: SessionIdentity;
  let bob: SessionIdentity;
  let mod: SessionIdentity;
  let mod2: SessionIdentity;
  let lobby: Room;
  const id = (who: SessionIdentity) => who.blindedId(t.keys.publicKey);

  beforeAll(async () => {
    t = await TestApp.start({ env: { TSOGS_DIRECT: '1' } });
    [alice, bob, mod, mod2] = [1, 2, 3, 4].map(() => SessionIdentity.random());
    lobby = await t.givenRoom('lobby');
    await t.givenModerator(mod, lobby);
    await t.givenModerator(mod2, 'global');
  });
  afterAll(() => t.close());

  it('POST answers 201 with the message object, data byte-for-byte', async () => {
    const data = Buffer.from([0x0a, 0x03, 0x0a, 0x01, 0x41, 0x80, 0x00, 0x00]);
    // Input without padding is accepted; output is always padded.
    const r = await t.client(alice).post('/room/lobby/message', {
      json: { data: b64(data).replace(/=+$/, ''), signature: b64(randomBytes(64)), timestamp: 1 },
    });
    expect(r.status).toBe(201);
    expect(r.headers['content-type']).toBe('application/json');
    const m = r.json<Msg>();
    expect(Object.keys(m).sort()).toEqual(
      ['data', 'id', 'posted', 'reactions', 'seqno', 'session_id', 'signature'].sort(),
    );
    expect(m).toMatchObject({ session_id: id(alice), data: b64(data), reactions: {} });
    expect(Number.isInteger(m.posted)).toBe(false);
    expect(Math.abs((m.posted as number) - t.clock.now())).toBeLessThan(5);
    const again = await t.client(bob).get(`/room/lobby/message/${m.id}`);
    expect(again.json()).toEqual(m);
  });

  it('answers 401 to anonymous posts and 403 without write', async () => {
    const anon = await t.client().post('/room/lobby/message', { json: content() });
    expect(anon.status).toBe(401);
    const muted = SessionIdentity.random();
    await t.givenPermissions(muted, lobby, { write: false });
    const r = await t.client(muted).post('/room/lobby/message', { json: content() });
    expect([r.status, r.text]).toEqual([403, 'Permission denied']);
  });

  describe('polling', () => {
    let room: Room;
    let posts: Msg[];
    beforeAll(async () => {
      room = await t.givenRoom('polls');
      posts = [];
      for (let i = 0; i < 5; i++) {
        posts.push(await t.givenMessage(i % 2 ? bob : alice, room));
      }
    });
    const ids = (r: { json<T>(): T }) => r.json<Msg[]>().map((m) => m.id);
    const get = (path: string) => t.client(alice).get(`/room/polls/${path}`);

    it('recent is newest first; before/:id scrolls back; message/:id reads one', async () => {
      const all = posts.map((p) => p.id);
      expect(ids(await get('messages/recent'))).toEqual([...all].reverse());
      expect(ids(await get('messages/recent?limit=2'))).toEqual([all[4], all[3]]);
      expect(ids(await get(`messages/before/${all[3]}?limit=2`))).toEqual([all[2], all[1]]);
      expect((await get(`message/${all[2]}`)).json()).toEqual(posts[2]);
      expect((await get('message/999999')).status).toBe(404);
      expect((await get('message/12x')).status).toBe(404);
    });

    it('since/N returns changes in seqno order; limit clamps to 1–256', async () => {
      const all = posts.map((p) => p.id);
      expect(ids(await get('messages/since/0'))).toEqual(all);
      expect(ids(await get(`messages/since/${posts[2].seqno}?t=r`))).toEqual(all.slice(3));
      expect(ids(await get('messages/since/0?limit=0'))).toEqual([all[0]]);
      expect(ids(await get('messages/since/0?limit=-3'))).toEqual([all[0]]);
      expect(ids(await get('messages/since/0?limit=10000'))).toEqual(all);
      expect(await get('messages/since/99999999999999999999')).toMatchObject({ status: 200 });
    });

    it('rejects non-integer limit and reactors with 400', async () => {
      for (const q of ['limit=abc', 'limit=1.5', 'limit=', 'reactors=x']) {
        expect((await get(`messages/recent?${q}`)).status).toBe(400);
        expect((await get(`messages/since/0?${q}`)).status).toBe(400);
      }
      expect((await get('messages/since/abc')).status).toBe(404);
    });

    it('message/:id reads reactors only: a bad limit there is ignored', async () => {
      const [first] = ids(await get('messages/since/0'));
      expect((await get(`message/${first}?limit=abc`)).status).toBe(200);
      expect((await get(`message/${first}?reactors=x`)).status).toBe(400);
    });

    it('records room activity for signed polls only', async () => {
      const count = async () =>
        (await t.db.query('SELECT 1 FROM room_users WHERE room_id = $1', [room.id])).length;
      const before = await count();
      await t.client().get('/room/polls/messages/recent');
      expect(await count()).toBe(before);
      await t.client(SessionIdentity.random()).get('/room/polls/messages/since/0');
      expect(await count()).toBe(before + 1);
    });

    it('is 403 without read permission', async () => {
      await t.givenRoom('secret', { defaults: { read: false, accessible: true } });
      const r = await t.client(alice).get('/room/secret/messages/recent');
      expect(r.status).toBe(403);
      expect((await t.client(alice).get('/room/nope/messages/recent')).status).toBe(404);
    });
  });

  it('vectors §10.1: polling across deletions', async () => {
    const room = await t.givenRoom('deletions');
    const writer = SessionIdentity.random();
    await t.givenModerator(writer, room, { admin: true }); // admins skip the rate limit
    const posted: Msg[] = [];
    for (let i = 0; i < 10; i++) posted.push(await t.givenMessage(writer, room));
    expect(posted.map((p) => p.seqno)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const c = t.client(writer);
    for (const k of [2, 4, 5, 8, 9]) {
      expect((await c.delete(`/room/deletions/message/${posted[k - 1].id}`)).status).toBe(200);
    }
    const table: [number, string][] = [
      [0, '1,1 3,3 6,6 7,7 10,10'],
      [1, '3,3 6,6 7,7 10,10'],
      [2, '3,3 6,6 7,7 10,10 2,11†'],
      [4, '6,6 7,7 10,10 2,11† 4,12†'],
      [5, '6,6 7,7 10,10 2,11† 4,12† 5,13†'],
      [6, '7,7 10,10 2,11† 4,12† 5,13†'],
      [7, '10,10 2,11† 4,12† 5,13†'],
      [9, '10,10 2,11† 4,12† 5,13† 8,14† 9,15†'],
      [10, '2,11† 4,12† 5,13† 8,14† 9,15†'],
      [11, '4,12† 5,13† 8,14† 9,15†'],
      [13, '8,14† 9,15†'],
      [14, '9,15†'],
      [15, ''],
    ];
    const numberOf = new Map(posted.map((p, i) => [p.id, i + 1]));
    for (const [n, expected] of table) {
      const rows = (await c.get(`/room/deletions/messages/since/${n}?t=r&reactors=5`)).json<
        Msg[]
      >();
      const got = rows.map((m) => `${numberOf.get(m.id)},${m.seqno}${m.deleted ? '†' : ''}`);
      expect(`N=${n}: ${got.join(' ')}`).toBe(`N=${n}: ${expected}`);
      for (const m of rows.filter((r) => r.deleted)) {
        expect(Object.keys(m).sort()).toEqual(
          ['data', 'deleted', 'edited', 'id', 'posted', 'seqno', 'session_id'].sort(),
        );
        expect(m.data).toBeNull();
      }
    }
  });

  describe('whispers (model.md §2 visibility)', () => {
    let room: Room;
    let toAlice: Msg;
    let toMods: Msg;
    let toAliceAndMods: Msg;
    let mod2ToBob: Msg;
    let open: Msg;

    beforeAll(async () => {
      room = await t.givenRoom('whispers');
      await t.givenModerator(mod, room);
      toAlice = await t.givenMessage(mod, room, 'a', { whisper_to: id(alice).toUpperCase() });
      toMods = await t.givenMessage(mod, room, 'b', { whisper_mods: 1 });
      toAliceAndMods = await t.givenMessage(mod, room, 'c', {
        whisper_to: id(alice),
        whisper_mods: true,
      });
      mod2ToBob = await t.givenMessage(mod2, room, 'd', { whisper_to: id(bob) });
      open = await t.givenMessage(alice, room, 'e');
    });

    it('carries whisper keys', () => {
      expect(toAlice).toMatchObject({ whisper: true, whisper_mods: false, whisper_to: id(alice) });
      expect(toMods).toMatchObject({ whisper: true, whisper_mods: true });
      expect(toMods).not.toHaveProperty('whisper_to');
      expect(open).not.toHaveProperty('whisper');
    });

    it.each([
      ['anonymous', () => null, () => [open]],
      ['alice', () => alice, () => [toAlice, toAliceAndMods, open]],
      ['bob', () => bob, () => [mod2ToBob, open]],
      ['the sending moderator', () => mod, () => [toAlice, toMods, toAliceAndMods, open]],
      ['another moderator', () => mod2, () => [toMods, toAliceAndMods, mod2ToBob, open]],
    ])('%s sees exactly their whispers', async (_name, who, expected) => {
      const c = t.client(who());
      const want = expected().map((m) => m.id);
      const since = (await c.get('/room/whispers/messages/since/0')).json<Msg[]>();
      expect(since.map((m) => m.id)).toEqual(want);
      const recent = (await c.get('/room/whispers/messages/recent')).json<Msg[]>();
      expect(recent.map((m) => m.id)).toEqual([...want].reverse());
      const hidden = [toAlice, toMods, toAliceAndMods, mod2ToBob].filter(
        (m) => !want.includes(m.id),
      );
      for (const m of hidden) {
        expect((await c.get(`/room/whispers/message/${m.id}`)).status).toBe(404);
      }
    });

    it('only moderators may whisper (403); whisper_to must be an ID (400)', async () => {
      const c = t.client(alice);
      const r = await c.post('/room/whispers/message', {
        json: { ...content(), whisper_to: id(bob) },
      });
      expect(r.status).toBe(403);
      expect(
        (await c.post('/room/whispers/message', { json: { ...content(), whisper_mods: true } }))
          .status,
      ).toBe(403);
      const bad = await t.client(mod).post('/room/whispers/message', {
        json: { ...content(), whisper_to: 'bob' },
      });
      expect(bad.status).toBe(400);
    });
  });

  describe('through onion requests, /batch and /sequence', () => {
    let c: SogsClient;
    beforeAll(async () => {
      await t.givenRoom('onion');
      c = t.client(bob);
    });

    it.each([
      ['aes-gcm', ONION_AES],
      ['xchacha20', ONION_XCHACHA],
    ])('posts and polls via v4 %s', async (_name, via) => {
      const posted = await c.post('/room/onion/message', { json: content('hi'), via });
      expect(posted.status).toBe(201);
      expect(posted.headers['content-type']).toBe('application/json');
      const m = posted.json<Msg>();
      const polled = await c.get(`/room/onion/messages/since/${m.seqno - 1}?t=r&reactors=5`, {
        via,
      });
      expect(polled.json()).toEqual([m]);
    });

    it('runs inside /batch and /sequence', async () => {
      const r = await c.post('/batch', {
        via: ONION_AES,
        json: [
          { method: 'POST', path: '/room/onion/message', json: content('batched') },
          { method: 'GET', path: '/room/onion/messages/recent?limit=1&t=r&reactors=5' },
        ],
      });
      const [post, recent] = r.json<{ code: number; body: Msg & Msg[] }[]>();
      expect([post.code, recent.code]).toEqual([201, 200]);
      expect(recent.body).toEqual([post.body]);
      const seq = await c.post('/sequence', {
        via: ONION_XCHACHA,
        json: [
          { method: 'DELETE', path: `/room/onion/message/${post.body.id}` },
          { method: 'DELETE', path: `/room/onion/message/${post.body.id}` },
          { method: 'GET', path: '/capabilities' },
        ],
      });
      expect(seq.json<{ code: number }[]>().map((i) => i.code)).toEqual([200, 404]);
    });
  });
});
