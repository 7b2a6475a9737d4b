import { randomBytes } from 'node:crypto';
import type { Room } from '../../src/rooms/room';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA } from '../support/sogs-client';
import { ReactionsRepository } from '../../src/messages/reactions.repository';
import { TestApp } from '../support/test-app';

type Msg = Record<string, unknown> & { id: number; seqno: number };

describe('reactions (api.md §3, vectors.md §10.2)', () => {
  let t: TestApp;
  let u: SessionIdentity;
  let v: SessionIdentity;
  let mod: SessionIdentity;
  const id = (who: SessionIdentity) => who.blindedId(t.keys.publicKey);
  const enc = encodeURIComponent;

  beforeAll(async () => {
    t = await TestApp.start({ env: { TSOGS_DIRECT: '1' } });
    [u, v, mod] = [1, 2, 3].map(() => SessionIdentity.random());
    await t.givenModerator(mod, 'global');
  });
  afterAll(() => t.close());

  it('vectors §10.2 steps 1–13', async () => {
    const room = await t.givenRoom('vectors');
    const m1 = await t.givenMessage(u, room, 'm1');
    const m2 = await t.givenMessage(u, room, 'm2');
    expect([m1.seqno, m2.seqno]).toEqual([1, 2]);
    const react = (who: SessionIdentity) => t.client(who).put(`/room/vectors/reaction/${m1.id}/👍`);
    const poll = async (n: number, flags = '?t=r&reactors=5') =>
      (await t.client(v).get(`/room/vectors/messages/since/${n}${flags}`)).json<Msg[]>();

    expect((await react(u)).json()).toEqual({ added: true, seqno: 3 });
    expect((await react(u)).json()).toEqual({ added: false, seqno: 3 });
    expect((await react(v)).json()).toEqual({ added: true, seqno: 4 });
    expect(await poll(2)).toEqual([
      {
        id: m1.id,
        seqno: 4,
        reactions: { '👍': { index: 0, count: 2, reactors: [id(u), id(v)], you: true } },
      },
    ]);
    expect(await poll(2, '')).toEqual([]);

    const edit = {
      data: Buffer.from('m1!').toString('base64'),
      signature: randomBytes(64).toString('base64'),
    };
    expect((await t.client(u).put(`/room/vectors/message/${m1.id}`, { json: edit })).status).toBe(
      200,
    );
    const [full] = await poll(2);
    expect(full).toMatchObject({
      id: m1.id,
      seqno: 5,
      data: edit.data,
      reactions: { '👍': { count: 2 } },
    });
    expect(full).toHaveProperty('edited');
    expect(await poll(5)).toEqual([]);

    expect((await t.client(mod).delete(`/room/vectors/message/${m1.id}`)).status).toBe(200);
    const info = (await t.client(v).get('/room/vectors')).json<{ message_sequence: number }>();
    expect(info.message_sequence).toBe(8);
    expect(await poll(5)).toEqual([
      {
        id: m1.id,
        session_id: id(u),
        posted: m1.posted,
        edited: expect.any(Number),
        seqno: 8,
        data: null,
        deleted: true,
      },
    ]);
    expect(await poll(6)).toEqual([{ id: m1.id, seqno: 8, reactions: {} }]);
    expect((await poll(0)).map((m) => m.id)).toEqual([m2.id]);
  });

  describe('on one message', () => {
    let room: Room;
    let m: Msg;
    const path = (r: string) => `/room/rx/reaction/${m.id}/${r}`;
    beforeAll(async () => {
      room = await t.givenRoom('rx');
      m = await t.givenMessage(u, room);
    });

    it('accepts 1–12 code points, `/` included; percent-encoded is the same reaction', async () => {
      let seqno = m.seqno;
      for (const r of ['f', 'y/n', 'abcdefghijkl', '🦒🦍🐍🐊🦢🦁🦎', '👨🏿‍🦰']) {
        const res = await t.client(u).put(path(r.includes('/') ? r : enc(r)));
        expect([r, res.json()]).toEqual([r, { added: true, seqno: ++seqno }]);
      }
      const same = await t.client(u).put(path('%F0%9F%8D%8D'));
      expect(same.json()).toEqual({ added: true, seqno: ++seqno });
      expect((await t.client(u).put(path('🍍'), { via: ONION_AES })).json()).toEqual({
        added: false,
        seqno,
      });
      const [row] = (await t.client(v).get(`/room/rx/messages/since/${m.seqno}?t=r`)).json<Msg[]>();
      expect(Object.keys(row.reactions as object)).toEqual([
        'f',
        'y/n',
        'abcdefghijkl',
        '🦒🦍🐍🐊🦢🦁🦎',
        '👨🏿‍🦰',
        '🍍',
      ]);
    });

    it('rejects 0 or 13 code points with 400 and writes nothing', async () => {
      const seq = (await t.client(u).get('/room/rx')).json<{ message_sequence: number }>();
      for (const r of ['abcdefghijklm', enc('🦒🦍🐍🐊🦢🦁🦎🦒🦍🐍🐊🦢🦁'), '']) {
        expect((await t.client(u).put(path(r))).status).toBe(400);
        expect((await t.client(u).delete(path(r))).status).toBe(400);
        expect((await t.client().get(`/room/rx/reactors/${m.id}/${r}`)).status).toBe(400);
      }
      expect((await t.client(u).get('/room/rx')).json()).toMatchObject(seq);
    });

    it('removes only the caller’s reaction; a reaction re-added goes last', async () => {
      const r = await t.client(v).delete(path('f'));
      expect(r.json()).toMatchObject({ removed: false });
      const gone = await t
        .client(u)
        .delete(path('f'), { headers: { 'Content-Type': 'application/json' } });
      expect(gone.json()).toMatchObject({ removed: true });
      await t.client(v).put(path('f'), { body: '' });
      const one = (await t.client(u).get(`/room/rx/message/${m.id}?reactors=0`)).json<Msg>();
      const reactions = one.reactions as Record<string, Record<string, unknown>>;
      expect(reactions.f).toEqual({ index: 5, count: 1 });
      expect(reactions['y/n']).toEqual({ index: 0, count: 1, you: true });
    });

    it('lists reactors in reaction order with an optional limit', async () => {
      await t.client(v).put(path('y/n'));
      await t.client(mod).put(path('y/n'));
      const all = await t.client().get(`/room/rx/reactors/${m.id}/y/n`);
      expect(all.json<[string, number][]>().map(([who]) => who)).toEqual([id(u), id(v), id(mod)]);
      expect(typeof all.json<[string, number][]>()[0][1]).toBe('number');
      const two = await t.client().get(`/room/rx/reactors/${m.id}/y/n?limit=2`);
      expect(two.json<unknown[]>()).toHaveLength(2);
      const zero = await t.client().get(`/room/rx/reactors/${m.id}/y/n?limit=0`);
      expect(zero.json<unknown[]>()).toHaveLength(3);
      expect((await t.client().get(`/room/rx/reactors/${m.id}/y/n?limit=x`)).status).toBe(400);
    });

    it('lets moderators clear one reaction or all, one seqno per removal', async () => {
      for (const who of [SessionIdentity.random(), SessionIdentity.random()]) {
        await t.client(who).put(path('y/n'));
      }
      const before = (await t.client(u).get(`/room/rx/message/${m.id}`)).json<Msg>().seqno;
      expect((await t.client(u).delete(`/room/rx/reactions/${m.id}/y/n`)).status).toBe(403);
      expect((await t.client().delete(`/room/rx/reactions/${m.id}`)).status).toBe(401);
      const one = await t.client(mod).delete(`/room/rx/reactions/${m.id}/y/n`, {
        via: ONION_XCHACHA,
      });
      expect(one.json()).toEqual({ removed: 5, seqno: before + 5 });
      const all = await t.client(mod).delete(`/room/rx/reactions/${m.id}`);
      expect(all.json()).toEqual({ removed: 5, seqno: before + 10 });
      expect((await t.client(mod).delete(`/room/rx/reactions/${m.id}`)).json()).toEqual({
        removed: 0,
        seqno: before + 10,
      });
    });
  });

  it('reads reactions only for messages whose reactions ever changed', async () => {
    const room = await t.givenRoom('quiet');
    const plain = await t.givenMessage(u, room, 'no reactions');
    const summaries = jest.spyOn(t.app.get(ReactionsRepository), 'summaries');
    const since = await t.client(v).get('/room/quiet/messages/since/0?t=r&reactors=5');
    expect(since.json<Msg[]>().map((m) => [m.id, m.reactions])).toEqual([[plain.id, {}]]);
    const asked = () => summaries.mock.calls.map(([ids]) => ids);
    expect(asked()).toEqual([[]]);
    await t.client(v).put(`/room/quiet/reaction/${plain.id}/👍`);
    await t.client(v).delete(`/room/quiet/reaction/${plain.id}/👍`);
    const after = await t.client(v).get('/room/quiet/messages/recent');
    expect(after.json<Msg[]>().map((m) => m.reactions)).toEqual([{}]);
    expect(asked()).toEqual([[], [plain.id]]);
    summaries.mockRestore();
  });

  it('keeps a reaction named __proto__ like any other, and refuses NUL with 400', async () => {
    const room = await t.givenRoom('proto');
    const m = await t.givenMessage(u, room);
    await t.client(u).put(`/room/proto/reaction/${m.id}/__proto__`);
    await t.client(u).put(`/room/proto/reaction/${m.id}/${encodeURIComponent('👍')}`);
    const got = (await t.client(u).get(`/room/proto/message/${m.id}`)).json<{
      reactions: Record<string, { index: number }>;
    }>();
    expect(Object.keys(got.reactions)).toEqual(['__proto__', '👍']);
    expect(Object.values(got.reactions).map((r) => r.index)).toEqual([0, 1]);
    expect((await t.client(u).put(`/room/proto/reaction/${m.id}/%00`)).status).toBe(400);
    const huge = await t
      .client(u)
      .get(`/room/proto/reactors/${m.id}/__proto__?limit=99999999999999999999`);
    expect(huge.status).toBe(200);
  });

  it('works in /batch with percent-encoded and raw paths', async () => {
    const room = await t.givenRoom('batchrx');
    const m = await t.givenMessage(u, room);
    const r = await t.client(v).post('/batch', {
      via: ONION_AES,
      json: [
        { method: 'PUT', path: `/room/batchrx/reaction/${m.id}/${enc('❤️')}`, bytes: '' },
        { method: 'PUT', path: `/room/batchrx/reaction/${m.id}/❤️`, json: {} },
        { method: 'DELETE', path: `/room/batchrx/reaction/${m.id}/❤️` },
      ],
    });
    expect(r.json<{ body: unknown }[]>().map((i) => i.body)).toEqual([
      { added: true, seqno: m.seqno + 1 },
      { added: false, seqno: m.seqno + 1 },
      { removed: true, seqno: m.seqno + 2 },
    ]);
  });

  it('needs a signed caller with read, and a regular message', async () => {
    const room = await t.givenRoom('rules');
    await t.givenRoom('unread', { defaults: { read: false, accessible: true } });
    const m = await t.givenMessage(u, room);
    const whisper = await t.givenMessage(mod, room, 'w', { whisper_mods: true });
    const dead = await t.givenMessage(u, room);
    await t.client(u).delete(`/room/rules/message/${dead.id}`);
    expect((await t.client().put(`/room/rules/reaction/${m.id}/x`)).status).toBe(401);
    expect((await t.client(u).put(`/room/unread/reaction/${m.id}/x`)).status).toBe(403);
    expect((await t.client(u).put(`/room/unread/reaction/${m.id}/abcdefghijklm`)).status).toBe(403);
    for (const target of [whisper.id, dead.id, 999999]) {
      expect((await t.client(mod).put(`/room/rules/reaction/${target}/x`)).status).toBe(404);
      expect((await t.client(mod).get(`/room/rules/reactors/${target}/x`)).status).toBe(404);
    }
    expect((await t.client(u).put(`/room/rules/reaction/abc/x`)).status).toBe(404);
  });
});
