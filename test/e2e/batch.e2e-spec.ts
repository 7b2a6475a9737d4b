import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA, type SogsClient } from '../support/sogs-client';
import { RoomsRepository } from '../../src/rooms/rooms.repository';
import { DmsRepository } from '../../src/dms/dms.repository';
import { MessagesRepository } from '../../src/messages/messages.repository';
import { ReactionsRepository } from '../../src/messages/reactions.repository';
import { PollSnapshotRepository } from '../../src/onion/poll-snapshot.repository';
import { TestApp } from '../support/test-app';

interface Item {
  code: number;
  headers: Record<string, string>;
  body: unknown;
}

describe('/batch and /sequence (api.md §1)', () => {
  let t: TestApp;
  let admin: SessionIdentity;
  let c: SogsClient;

  beforeAll(async () => {
    t = await TestApp.start();
    const lobby = await t.givenRoom('lobby');
    await t.givenRoom('closed', { defaults: { read: false, accessible: true } });
    admin = SessionIdentity.random();
    await t.givenModerator(admin, lobby, { admin: true, visible: false });
    c = t.client(admin).with({ via: ONION_AES });
  });
  afterAll(() => t.close());

  it('runs every sub-request in order as the outer caller, mapping by index', async () => {
    const r = await c.post('/batch', {
      json: [
        { method: 'GET', path: '/capabilities' },
        { method: 'GET', path: '/room/lobby/pollInfo/0' },
        { method: 'GET', path: '/room/nope' },
        { method: 'GET', path: '/room/closed/pollInfo/0' },
        { method: 'GET', path: '/room/lobby' },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json');
    const items = r.json<Item[]>();
    expect(items.map((i) => i.code)).toEqual([200, 200, 404, 403, 200]);
    expect(items[0]).toEqual({
      code: 200,
      headers: { 'content-type': 'application/json' },
      body: { capabilities: ['blind', 'reactions', 'sogs'] },
    });
    // The outer caller is a hidden admin of lobby: sub-requests see that.
    expect(items[4].body).toMatchObject({
      admin: true,
      hidden_admins: [admin.blindedId(t.keys.publicKey)],
    });
    // Non-JSON bodies come back base64-encoded.
    expect(items[3].headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(Buffer.from(items[3].body as string, 'base64').toString()).toBe(
      "This endpoint requires room message 'read' permission",
    );
  });

  it("reads a poll's rooms, inbox and outbox highs in one round trip", async () => {
    const snapshots = jest.spyOn(t.app.get(PollSnapshotRepository), 'load');
    const one = jest.spyOn(t.app.get(RoomsRepository), 'findForCaller');
    const dmList = jest.spyOn(t.app.get(DmsRepository), 'list');
    const poll = (inbox: number, outbox: number) =>
      c.post('/batch', {
        json: [
          ...['lobby', 'closed', 'nope'].flatMap((room) => [
            { method: 'GET', path: `/room/${room}/pollInfo/0` },
            { method: 'GET', path: `/room/${room}/messages/since/0?t=r&reactors=5` },
          ]),
          { method: 'GET', path: `/inbox/since/${inbox}` },
          { method: 'GET', path: `/outbox/since/${outbox}` },
        ],
      });
    const before = await poll(0, 0);
    expect(before.json<Item[]>().map((i) => i.code)).toEqual([
      200, 200, 403, 403, 404, 404, 304, 304,
    ]);
    expect([snapshots.mock.calls.length, one.mock.calls.length, dmList.mock.calls.length]).toEqual([
      1, 0, 0,
    ]);

    // A DM to the poller, and one from it, sent in a batch whose later reads must see them.
    const friend = SessionIdentity.random();
    const toAdmin = await t
      .client(friend)
      .with({ via: ONION_AES })
      .post(`/inbox/${admin.blindedId(t.keys.publicKey)}`, { json: { message: 'aGk=' } });
    expect(toAdmin.status).toBe(201);
    const sent = await c.post('/batch', {
      json: [
        { method: 'GET', path: '/outbox/since/0' },
        {
          method: 'POST',
          path: `/inbox/${friend.blindedId(t.keys.publicKey)}`,
          json: { message: 'aGk=' },
        },
        { method: 'GET', path: '/outbox/since/0' },
      ],
    });
    expect(sent.json<Item[]>().map((i) => i.code)).toEqual([304, 201, 200]);

    dmList.mockClear();
    const after = (await poll(0, 0)).json<Item[]>();
    expect(after.slice(6).map((i) => i.code)).toEqual([200, 200]);
    expect(dmList).toHaveBeenCalledTimes(2);
    const [inboxHigh, outboxHigh] = after.slice(6).map((i) => (i.body as { id: number }[])[0].id);
    dmList.mockClear();
    const upToDate = (await poll(inboxHigh, outboxHigh)).json<Item[]>();
    expect(upToDate.slice(6).map((i) => i.code)).toEqual([304, 304]);
    expect(dmList).not.toHaveBeenCalled();
    [snapshots, one, dmList].forEach((spy) => spy.mockRestore());
  });

  it("reads the news of a poll's rooms with the rooms, and their reactions together, as each read alone sees them", async () => {
    const [mixed, news, quiet] = await Promise.all(
      ['mixed', 'news', 'quiet'].map((n) => t.givenRoom(n)),
    );
    await t.givenModerator(admin, mixed);
    // Another moderator of every room: whispers to the moderators only some pollers may see.
    const mod = SessionIdentity.random();
    const alice = SessionIdentity.random();
    for (const room of [mixed, news]) await t.givenModerator(mod, room);
    const older = await t.givenMessage(alice, mixed);
    const marked = await t.givenMessage(alice, mixed);
    const mark = marked.seqno;
    await t.givenMessage(mod, mixed, 'to the mods', { whisper_mods: true });
    await t.givenMessage(mod, news, 'to the mods', { whisper_mods: true });
    const liked = await t.givenMessage(alice, news);
    await t.givenMessage(alice, quiet);
    const quietSeqno = (await t.givenMessage(alice, quiet)).seqno;
    const asMod = t.client(mod).with({ via: ONION_AES });
    expect((await asMod.delete(`/room/mixed/message/${older.id}`)).status).toBe(200);
    const react = await asMod.put(`/room/mixed/reaction/${marked.id}/${encodeURIComponent('👍')}`);
    expect(react.status).toBe(200);
    const like = await asMod.put(`/room/news/reaction/${liked.id}/${encodeURIComponent('❤')}`);
    expect(like.status).toBe(200);

    const reads = [
      `/room/mixed/messages/since/${mark}?t=r&reactors=5`,
      `/room/mixed/messages/since/0?limit=2`,
      '/room/news/messages/since/0?t=r&reactors=5',
      `/room/quiet/messages/since/${quietSeqno}?t=r&reactors=5`,
      '/room/mixed/messages/since/0?limit=x',
    ];
    const since = jest.spyOn(t.app.get(MessagesRepository), 'since');
    const summaries = jest.spyOn(t.app.get(ReactionsRepository), 'summaries');
    const seen: number[][] = [];
    for (const poller of [admin, mod, alice]) {
      const client = t.client(poller).with({ via: ONION_AES });
      since.mockClear();
      summaries.mockClear();
      const items = (
        await client.post('/batch', { json: reads.map((path) => ({ method: 'GET', path })) })
      ).json<Item[]>();
      // The news of the three reads that have any come with the rooms: no statement of their
      // own (nor for the up-to-date room or the 400).
      expect(since).not.toHaveBeenCalled();
      // And one for the reactions of each reactor count asked for (5 twice, the default 4).
      expect(summaries.mock.calls.map(([, , reactors]) => reactors).sort()).toEqual([4, 5]);
      for (const [i, path] of reads.entries()) {
        const alone = await client.get(path);
        expect([items[i].code, items[i].body]).toEqual([
          alone.status,
          alone.status === 200 ? alone.json() : Buffer.from(alone.text).toString('base64'),
        ]);
      }
      seen.push(items.slice(0, 3).map((item) => (item.body as unknown[]).length));
    }
    // Whispers to the moderators reach only the moderators of each room (the admin moderates
    // the room mixed only); its news after the mark are a reaction-only row, a tombstone and
    // the whisper.
    expect(seen).toEqual([
      [3, 2, 1],
      [3, 2, 2],
      [2, 1, 1],
    ]);
    since.mockRestore();
    summaries.mockRestore();
  });

  it('lets polls arriving together share their snapshot statement, each read as its caller', async () => {
    const room = await t.givenRoom('together');
    const [mod, alice, bob] = [1, 2, 3].map(() => SessionIdentity.random());
    await t.givenModerator(mod, room);
    await t.givenMessage(alice, room);
    await t.givenMessage(mod, room, 'to the mods', { whisper_mods: true });
    await t.givenMessage(mod, room, 'to alice', { whisper_to: alice.blindedId(t.keys.publicKey) });
    const poll = (who: SessionIdentity) =>
      t
        .client(who)
        .with({ via: ONION_AES })
        .post('/batch', {
          json: [
            { method: 'GET', path: '/room/together/pollInfo/0' },
            { method: 'GET', path: '/room/together/messages/since/0?t=r&reactors=5' },
            { method: 'GET', path: '/room/lobby/messages/since/0?t=r&reactors=5' },
            { method: 'GET', path: '/inbox/since/0' },
            { method: 'GET', path: '/outbox/since/0' },
          ],
        })
        .then((r) => r.json<Item[]>());
    const pollers = [mod, alice, bob];
    const alone = [];
    for (const who of pollers) alone.push(await poll(who));
    // What each may see: the moderator both whispers, alice the one to her, bob neither.
    expect(alone.map((items) => (items[1].body as unknown[]).length)).toEqual([3, 2, 1]);
    expect(alone[0][0].body).toMatchObject({ moderator: true });

    const repo = t.app.get(PollSnapshotRepository) as unknown as {
      readGroup(polls: unknown[]): Promise<unknown[]>;
    };
    const read = repo.readGroup.bind(repo);
    let slow = 2;
    // The first statements are slow (as under load): polls arriving meanwhile wait for them and
    // then go together, however fast this machine answers each one.
    const groups = jest.spyOn(repo, 'readGroup').mockImplementation(async (polls) => {
      if (slow-- > 0) await new Promise((done) => setTimeout(done, 300));
      return read(polls);
    });
    const together = await Promise.all([...pollers, ...pollers, ...pollers].map(poll));
    expect(together).toEqual([...alone, ...alone, ...alone]);
    const sizes = groups.mock.calls.map(([polls]) => polls.length);
    expect(sizes.reduce((a, b) => a + b)).toBe(9);
    expect(sizes.length).toBeLessThan(9);
    groups.mockRestore();
  });

  it('reads news posted by an earlier sub-request of the same batch', async () => {
    const posted = await c.post('/batch', {
      json: [
        { method: 'GET', path: '/room/lobby/messages/since/0?limit=256' },
        {
          method: 'POST',
          path: '/room/lobby/message',
          json: { data: 'aGk=', signature: Buffer.alloc(64, 1).toString('base64') },
        },
        { method: 'GET', path: '/room/lobby/messages/since/0?limit=256' },
      ],
    });
    const [first, post, again] = posted.json<Item[]>();
    expect(post.code).toBe(201);
    const ids = (item: Item) => (item.body as { id: number }[]).map((m) => m.id);
    expect(ids(again)).toEqual([...ids(first), (post.body as { id: number }).id]);
  });

  it('/sequence stops after the first non-2xx response', async () => {
    const r = await c.post('/sequence', {
      json: [
        { method: 'GET', path: '/capabilities' },
        { method: 'GET', path: '/room/nope' },
        { method: 'GET', path: '/capabilities' },
      ],
      via: ONION_XCHACHA,
    });
    expect(r.json<Item[]>().map((i) => i.code)).toEqual([200, 404]);
  });

  it('accepts an empty array', async () => {
    const r = await c.post('/batch', { json: [] });
    expect([r.status, r.json()]).toEqual([200, []]);
  });

  it('carries json, b64 and bytes bodies and treats null keys as absent', async () => {
    const r = await c.post('/batch', {
      json: [
        { method: 'POST', path: '/batch', json: [{ method: 'GET', path: '/capabilities' }] },
        { method: 'POST', path: '/batch', b64: Buffer.from('[]').toString('base64') },
        { method: 'POST', path: '/batch', bytes: '[]', json: null },
        { method: 'GET', path: '/capabilities', json: null, b64: null },
      ],
    });
    const items = r.json<Item[]>();
    expect(items.map((i) => i.code)).toEqual([200, 200, 200, 200]);
    expect(items[0].body).toEqual([
      {
        code: 200,
        headers: { 'content-type': 'application/json' },
        body: { capabilities: ['blind', 'reactions', 'sogs'] },
      },
    ]);
  });

  it.each([
    ['not an array', { method: 'GET', path: '/capabilities' }],
    ['an element that is not an object', ['GET /capabilities']],
    ['a missing method', [{ path: '/capabilities' }]],
    ['an unknown method', [{ method: 'PATCH', path: '/capabilities' }]],
    ['a missing path', [{ method: 'GET' }]],
    ['a path without a slash', [{ method: 'GET', path: 'capabilities' }]],
    ['headers that are not an object', [{ method: 'GET', path: '/capabilities', headers: ['x'] }]],
    ['a non-string header value', [{ method: 'GET', path: '/capabilities', headers: { a: 1 } }]],
    ['a POST without a body', [{ method: 'POST', path: '/batch' }]],
    ['a POST with two bodies', [{ method: 'POST', path: '/batch', json: [], bytes: '[]' }]],
    ['a GET with a body', [{ method: 'GET', path: '/capabilities', json: {} }]],
    ['invalid b64', [{ method: 'POST', path: '/batch', b64: '*not base64*' }]],
    ['a json body nested too deeply to serialise', 'DEEP'],
    [
      'a valid element followed by an invalid one',
      [{ method: 'GET', path: '/capabilities' }, { method: 'GET' }],
    ],
  ])('rejects %s with 400 and runs nothing', async (_name, body) => {
    const r =
      body === 'DEEP'
        ? await c.post('/batch', {
            body: `[{"method":"POST","path":"/batch","json":${'['.repeat(20000)}${']'.repeat(20000)}}]`,
          })
        : await c.post('/batch', { json: body });
    expect(r.status).toBe(400);
    expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('rejects malformed JSON with 400, whatever the content type', async () => {
    const variants: Record<string, string>[] = [
      { 'Content-Type': 'application/json' },
      { 'Content-Type': 'application/octet-stream' },
      {},
    ];
    for (const headers of variants) {
      expect((await c.post('/batch', { body: '[{', headers })).status).toBe(400);
    }
  });

  it('answers a sub-request whose path cannot be encoded with 400, alone', async () => {
    const r = await c.post('/batch', {
      body: '[{"method":"GET","path":"/room/\\ud800"},{"method":"GET","path":"/capabilities"}]',
    });
    expect(r.json<Item[]>().map((i) => i.code)).toEqual([400, 200]);
  });

  it('works for anonymous callers too', async () => {
    const r = await t
      .client()
      .post('/batch', { json: [{ method: 'GET', path: '/room/lobby' }], via: ONION_AES });
    const [item] = r.json<Item[]>();
    expect(item.code).toBe(200);
    expect(item.body).not.toHaveProperty('admin');
  });
});
