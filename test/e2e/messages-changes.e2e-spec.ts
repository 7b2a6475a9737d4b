import { randomBytes } from 'node:crypto';
import type { Room } from '../../src/rooms/room';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES } from '../support/sogs-client';
import { TestApp } from '../support/test-app';

type Msg = Record<string, unknown> & { id: number; seqno: number };

const b64 = (b: Buffer | string) => Buffer.from(b).toString('base64');
const content = (data: Buffer | string = randomBytes(20)) => ({
  data: b64(data),
  signature: b64(randomBytes(64)),
});
const DAY = 86400;

describe('messages: edits, deletions, rate limit, attachments (api.md §3, model.md §7, §9)', () => {
  let t: TestApp;
  let alice: SessionIdentity;
  let bob: SessionIdentity;
  let mod: SessionIdentity;
  let admin: SessionIdentity;
  let lobby: Room;
  const id = (who: SessionIdentity) => who.blindedId(t.keys.publicKey);
  const sequence = async (room: Room) =>
    (await t.client(mod).get(`/room/${room.token}`)).json<{ message_sequence: number }>()
      .message_sequence;
  /** The message as a client that last saw seqno `after` receives it. */
  const fetch = async (m: Msg, after = m.seqno - 1) =>
    (await t.client(mod).get(`/room/lobby/messages/since/${after}`))
      .json<Msg[]>()
      .find((r) => r.id === m.id);

  beforeAll(async () => {
    t = await TestApp.start({ env: { TSOGS_DIRECT: '1' } });
    [alice, bob, mod, admin] = [1, 2, 3, 4].map(() => SessionIdentity.random());
    lobby = await t.givenRoom('lobby');
    await t.givenModerator(mod, lobby);
    await t.givenModerator(admin, lobby, { admin: true });
  });
  afterAll(() => t.close());
  beforeEach(() => t.clock.advance(60)); // every test starts clear of the rate limit

  describe('PUT /room/:token/message/:id', () => {
    it('replaces the content, sets edited and takes a new seqno', async () => {
      const m = await t.givenMessage(alice, lobby, 'v1');
      const edit = content('v2');
      const r = await t.client(alice).put(`/room/lobby/message/${m.id}`, { json: edit });
      expect([r.status, r.json()]).toEqual([200, {}]);
      const after = (await fetch(m))!;
      expect(after).toMatchObject({ ...edit, id: m.id, posted: m.posted, seqno: m.seqno + 1 });
      expect(typeof after.edited).toBe('number');
      const history = await t.db.query<{ data: Buffer }>(
        'SELECT data FROM message_history WHERE message_id = $1',
        [m.id],
      );
      expect(history.map((h) => h.data.toString())).toEqual(['v1']);
    });

    it('takes no seqno when the bytes are unchanged', async () => {
      const m = await t.givenMessage(alice, lobby, 'same');
      const r = await t.client(alice).put(`/room/lobby/message/${m.id}`, { json: content('same') });
      expect(r.status).toBe(200);
      expect(await sequence(lobby)).toBe(m.seqno);
      expect(await fetch(m)).not.toHaveProperty('edited');
    });

    it('is for the author only: 403 even for admins; 404 missing or deleted', async () => {
      const m = await t.givenMessage(alice, lobby);
      for (const who of [bob, mod, admin]) {
        const r = await t.client(who).put(`/room/lobby/message/${m.id}`, { json: content() });
        expect([r.status, r.text]).toEqual([403, 'Permission denied']);
      }
      expect(
        (await t.client(alice).put('/room/lobby/message/987654', { json: content() })).status,
      ).toBe(404);
      await t.client(alice).delete(`/room/lobby/message/${m.id}`);
      expect(
        (await t.client(alice).put(`/room/lobby/message/${m.id}`, { json: content() })).status,
      ).toBe(404);
    });
  });

  describe('DELETE /room/:token/message/:id', () => {
    it('leaves a tombstone; empty body with a JSON content type is fine', async () => {
      const m = await t.givenMessage(alice, lobby);
      const r = await t.client(alice).delete(`/room/lobby/message/${m.id}`, {
        headers: { 'Content-Type': 'application/json' },
      });
      expect([r.status, r.json()]).toEqual([200, {}]);
      const stone = (await fetch(m, m.seqno))!;
      expect(stone).toEqual({
        id: m.id,
        session_id: id(alice),
        posted: m.posted,
        edited: stone.edited,
        seqno: m.seqno + 1,
        data: null,
        deleted: true,
      });
      expect((await t.client(alice).get(`/room/lobby/message/${m.id}`)).status).toBe(404);
      expect((await t.client(alice).delete(`/room/lobby/message/${m.id}`)).status).toBe(404);
    });

    it("403 for someone else's message unless moderator; 403 without write", async () => {
      const m = await t.givenMessage(alice, lobby);
      expect((await t.client(bob).delete(`/room/lobby/message/${m.id}`)).status).toBe(403);
      expect((await t.client(mod).delete(`/room/lobby/message/${m.id}`)).status).toBe(200);
      const mine = await t.givenMessage(bob, lobby);
      const muted = SessionIdentity.random();
      const theirs = await t.givenMessage(muted, lobby);
      await t.givenPermissions(muted, lobby, { write: false });
      expect((await t.client(muted).delete(`/room/lobby/message/${theirs.id}`)).status).toBe(403);
      expect((await t.client(bob).delete(`/room/lobby/message/${mine.id}`)).status).toBe(200);
      expect((await t.client().delete(`/room/lobby/message/${mine.id}`)).status).toBe(401);
    });
  });

  describe('DELETE /room/:token/all/:sid', () => {
    it('deletes every message of the user, each with its own seqno', async () => {
      const room = await t.givenRoom('wipe');
      await t.givenModerator(mod, room);
      const target = SessionIdentity.random();
      const posts = [await t.givenMessage(target, room), await t.givenMessage(target, room)];
      const other = await t.givenMessage(bob, room);
      expect((await t.client(bob).delete(`/room/wipe/all/${id(target)}`)).status).toBe(403);
      const r = await t.client(mod).delete(`/room/wipe/all/${id(target)}`);
      expect([r.status, r.json()]).toEqual([200, {}]);
      const since = (await t.client(mod).get(`/room/wipe/messages/since/${other.seqno}`)).json<
        Msg[]
      >();
      expect(since.map((m) => [m.id, m.seqno, m.deleted])).toEqual([
        [posts[0].id, 4, true],
        [posts[1].id, 5, true],
      ]);
      expect((await t.client(mod).delete(`/room/wipe/all/${id(target)}`)).status).toBe(404);
    });

    it('lets users wipe themselves; 404 unknown users and 05 IDs; admins need an admin', async () => {
      const room = await t.givenRoom('wipe2');
      await t.givenModerator(mod, room);
      await t.givenModerator(admin, room, { admin: true });
      await t.givenMessage(bob, room);
      expect((await t.client(bob).delete(`/room/wipe2/all/${id(bob)}`)).status).toBe(200);
      const stranger = SessionIdentity.random();
      expect((await t.client(mod).delete(`/room/wipe2/all/${id(stranger)}`)).status).toBe(404);
      expect((await t.client(mod).delete(`/room/wipe2/all/${bob.sessionId}`)).status).toBe(404);
      await t.givenMessage(admin, room);
      expect((await t.client(mod).delete(`/room/wipe2/all/${id(admin)}`)).status).toBe(403);
      const other = SessionIdentity.random();
      await t.givenModerator(other, room, { admin: true });
      expect((await t.client(other).delete(`/room/wipe2/all/${id(admin)}`)).status).toBe(200);
    });

    it("expires the user's uploads in the room except the room image", async () => {
      const room = await t.givenRoom('wipe3');
      await t.givenModerator(mod, room);
      const [image, attached, loose] = [
        await t.givenUpload(bob, room),
        await t.givenUpload(bob, room),
        await t.givenUpload(bob, room),
      ];
      await t.db.query('UPDATE rooms SET image_id = $2 WHERE id = $1', [room.id, image]);
      await t.db.query('UPDATE files SET expiry = NULL WHERE id = $1', [image]);
      await t.givenMessage(bob, room, 'x', { files: [String(attached)] });
      await t.client(mod).delete(`/room/wipe3/all/${id(bob)}`);
      const now = t.clock.now();
      expect((await t.fileState(image)).expiry).toBeNull();
      for (const f of [attached, loose]) {
        expect((await t.fileState(f)).expiry).toBeLessThanOrEqual(now);
      }
    });
  });

  it('rejects bad input with 400 and writes nothing', async () => {
    const m = await t.givenMessage(alice, lobby);
    const seq = await sequence(lobby);
    const c = t.client(alice);
    const bad: unknown[] = [
      { data: b64('x'), signature: b64(randomBytes(63)) },
      { data: b64('x'), signature: b64(randomBytes(65)) },
      {
        data: b64('x'),
        signature: b64(randomBytes(64)).replace(/\+/g, '-').replace(/\//g, '_') + '-',
      },
      { data: 'a b c d', signature: b64(randomBytes(64)) },
      { data: '', signature: b64(randomBytes(64)) },
      { signature: b64(randomBytes(64)) },
      { data: b64('x') },
      { ...content(), files: ['x'] },
      { ...content(), files: [1.5] },
      { ...content(), files: '3' },
      [content()],
    ];
    for (const json of bad) {
      expect([json, (await c.post('/room/lobby/message', { json })).status]).toEqual([json, 400]);
      expect((await c.put(`/room/lobby/message/${m.id}`, { json })).status).toBe(400);
    }
    expect((await c.post('/room/lobby/message', { body: '{"data":' })).status).toBe(400);
    expect((await c.post('/room/lobby/message')).status).toBe(400);
    expect(await sequence(lobby)).toBe(seq);
    expect((await c.put(`/room/lobby/message/${m.id}`)).status).toBe(400);
    expect((await fetch(m))!.data).toBe(m.data);
  });

  it('rate-limits posts to 5 per 16 s per user per room; admins exempt', async () => {
    const room = await t.givenRoom('busy');
    await t.givenModerator(admin, room, { admin: true });
    await t.givenModerator(mod, room);
    for (let i = 0; i < 5; i++) await t.givenMessage(bob, room);
    const seq = await sequence(room);
    const sixth = await t.client(bob).post('/room/busy/message', { json: content() });
    expect([sixth.status, sixth.text]).toEqual([429, 'Rate limited']);
    expect(await sequence(room)).toBe(seq);
    const modPost = async () =>
      (await t.client(mod).post('/room/busy/message', { json: content() })).status;
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push(await modPost());
    expect(statuses).toEqual([201, 201, 201, 201, 201, 429]);
    for (let i = 0; i < 7; i++) await t.givenMessage(admin, room);
    t.clock.advance(17);
    expect((await t.client(bob).post('/room/busy/message', { json: content() })).status).toBe(201);
  });

  it('attaches eligible uploads listed in files (model.md §9)', async () => {
    const mine = await t.givenUpload(alice, lobby);
    const old = await t.givenUpload(alice, lobby, t.clock.now() - 3601);
    const bobs = await t.givenUpload(bob, lobby);
    const elsewhere = await t.givenUpload(alice, await t.givenRoom('elsewhere'));
    const m = await t.givenMessage(alice, lobby, 'pic', {
      files: [String(mine), old, String(bobs), elsewhere, 424242],
    });
    const now = t.clock.now();
    const state = await t.fileState(mine);
    expect(state.message_id).toBe(m.id);
    expect(state.expiry! - now).toBeGreaterThan(15 * DAY - 60);
    expect(state.expiry! - now).toBeLessThanOrEqual(15 * DAY);
    for (const f of [old, bobs, elsewhere]) expect((await t.fileState(f)).message_id).toBeNull();
    // Already attached: it stays where it is, also when listed in an edit.
    const other = await t.givenMessage(alice, lobby, 'again', { files: [mine] });
    expect((await t.fileState(mine)).message_id).toBe(m.id);
    const late = await t.givenUpload(alice, lobby);
    await t.client(alice).put(`/room/lobby/message/${other.id}`, {
      json: { ...content('edited'), files: [String(late)] },
    });
    expect((await t.fileState(late)).message_id).toBe(other.id);
    await t.client(alice).delete(`/room/lobby/message/${m.id}`);
    expect((await t.fileState(mine)).expiry).toBeLessThanOrEqual(t.clock.now());
  });

  it('two clients polling since their last seqno converge on the same state', async () => {
    const room = await t.givenRoom('converge');
    await t.givenModerator(mod, room);
    type State = Map<number, Msg>;
    const poll = async (who: SessionIdentity, state: State, last: number) => {
      const rows = (
        await t.client(who).get(`/room/converge/messages/since/${last}?t=r&reactors=5`, {
          via: ONION_AES,
        })
      ).json<Msg[]>();
      for (const r of rows) {
        const known = state.get(r.id);
        if (r.deleted) state.delete(r.id);
        else if (Object.keys(r).length === 3) {
          if (known) state.set(r.id, { ...known, seqno: r.seqno, reactions: r.reactions });
        } else state.set(r.id, r);
        last = Math.max(last, r.seqno);
      }
      return last;
    };
    const [aState, bState]: State[] = [new Map(), new Map()];
    let [aLast, bLast] = [0, 0];
    const m1 = await t.givenMessage(alice, room, 'one');
    aLast = await poll(alice, aState, aLast);
    const m2 = await t.givenMessage(bob, room, 'two');
    await t.client(bob).put(`/room/converge/reaction/${m1.id}/👍`);
    bLast = await poll(bob, bState, bLast);
    await t.client(alice).put(`/room/converge/message/${m1.id}`, { json: content('one!') });
    aLast = await poll(alice, aState, aLast);
    await t.client(alice).put(`/room/converge/reaction/${m2.id}/🎉`);
    await t.client(mod).delete(`/room/converge/message/${m2.id}`);
    const m3 = await t.givenMessage(bob, room, 'three');
    await t.client(alice).put(`/room/converge/reaction/${m3.id}/👍`);
    await t.client(bob).put(`/room/converge/reaction/${m1.id}/❤️`);
    aLast = await poll(alice, aState, aLast);
    bLast = await poll(bob, bState, bLast);
    const strip = (s: State) =>
      [...s.values()].map(({ reactions, ...m }) => ({
        ...m,
        reactions: Object.fromEntries(
          Object.entries(reactions as Record<string, object>).map(([k, v]) => [
            k,
            { ...v, you: undefined },
          ]),
        ),
      }));
    expect(aLast).toBe(bLast);
    expect(strip(aState)).toEqual(strip(bState));
    expect([...aState.keys()]).toEqual([m1.id, m3.id]);
    const recent = (await t.client(alice).get('/room/converge/messages/recent?reactors=5')).json<
      Msg[]
    >();
    expect(recent.reverse()).toEqual([...aState.values()]);
  });
});
