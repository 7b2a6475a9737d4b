import type { Room } from '../../src/rooms/room';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA } from '../support/sogs-client';
import { TestApp } from '../support/test-app';

interface RoomInfo {
  info_updates: number;
  pinned_messages?: { id: number; pinned_at: number; pinned_by: string }[];
}

const DAY = 86400;

describe('pinned messages (api.md §3, model.md §3, §9)', () => {
  let t: TestApp;
  let admin: SessionIdentity;
  let mod: SessionIdentity;
  let alice: SessionIdentity;
  let room: Room;
  const id = (who: SessionIdentity) => who.blindedId(t.keys.publicKey);
  const info = async () => (await t.client(alice).get('/room/pins')).json<RoomInfo>();

  beforeAll(async () => {
    t = await TestApp.start({ env: { TSOGS_DIRECT: '1' } });
    [admin, mod, alice] = [1, 2, 3].map(() => SessionIdentity.random());
    room = await t.givenRoom('pins');
    await t.givenModerator(admin, room, { admin: true });
    await t.givenModerator(mod, room);
  });
  afterAll(() => t.close());
  beforeEach(() => t.clock.advance(20)); // alice posts a lot: keep clear of the rate limit

  it('pins and re-pins, raising info_updates; the room object lists pins oldest first', async () => {
    const [m1, m2] = [await t.givenMessage(alice, room), await t.givenMessage(alice, room)];
    const start = (await info()).info_updates;
    const c = t.client(admin);
    const r = await c.post(`/room/pins/pin/${m1.id}`, { json: {}, via: ONION_AES });
    expect([r.status, r.json()]).toEqual([200, { info_updates: start + 1 }]);
    await c.post(`/room/pins/pin/${m2.id}`, { json: {} });
    expect((await info()).pinned_messages!.map((p) => p.id)).toEqual([m1.id, m2.id]);
    t.clock.advance(1);
    const again = await c.post(`/room/pins/pin/${m1.id}`, { via: ONION_XCHACHA });
    expect(again.json()).toEqual({ info_updates: start + 3 });
    const pins = (await info()).pinned_messages!;
    expect(pins.map((p) => p.id)).toEqual([m2.id, m1.id]);
    expect(pins[1]).toEqual({ id: m1.id, pinned_at: expect.any(Number), pinned_by: id(admin) });
    expect(Number.isInteger(pins[1].pinned_at)).toBe(false);
  });

  it('unpins one or all; unpinning what is not pinned changes nothing', async () => {
    const c = t.client(admin);
    await c.post('/room/pins/unpin/all');
    const m = await t.givenMessage(alice, room);
    await c.post(`/room/pins/pin/${m.id}`);
    const n = (await info()).info_updates;
    expect((await c.post(`/room/pins/unpin/${m.id}`)).json()).toEqual({
      unpinned: true,
      info_updates: n + 1,
    });
    expect((await c.post(`/room/pins/unpin/${m.id}`)).json()).toEqual({
      unpinned: false,
      info_updates: n + 1,
    });
    expect(await info()).not.toHaveProperty('pinned_messages');
    const more = [await t.givenMessage(alice, room), await t.givenMessage(alice, room)];
    for (const p of more) await c.post(`/room/pins/pin/${p.id}`);
    expect((await c.post('/room/pins/unpin/all')).json()).toEqual({
      unpinned: 2,
      info_updates: n + 5,
    });
  });

  it('answers 403 Permission denied to anonymous callers and non-admins', async () => {
    const m = await t.givenMessage(alice, room);
    for (const who of [null, alice, mod]) {
      for (const path of [`pin/${m.id}`, `unpin/${m.id}`, 'unpin/all']) {
        const r = await t.client(who).post(`/room/pins/${path}`, { json: {} });
        expect([who && id(who), path, r.status, r.text]).toEqual([
          who && id(who),
          path,
          403,
          'Permission denied',
        ]);
      }
    }
  });

  it('pins only regular messages (404)', async () => {
    const whisper = await t.givenMessage(admin, room, 'w', { whisper_mods: true });
    const dead = await t.givenMessage(alice, room);
    await t.client(alice).delete(`/room/pins/message/${dead.id}`);
    for (const target of [whisper.id, dead.id, 987654]) {
      expect((await t.client(admin).post(`/room/pins/pin/${target}`)).status).toBe(404);
    }
    expect((await t.client(admin).post('/room/pins/pin/x')).status).toBe(404);
  });

  it('deleting a pinned message unpins it and raises info_updates', async () => {
    const m = await t.givenMessage(alice, room);
    await t.client(admin).post(`/room/pins/pin/${m.id}`);
    const n = (await info()).info_updates;
    await t.client(alice).delete(`/room/pins/message/${m.id}`);
    const after = await info();
    expect(after.info_updates).toBe(n + 1);
    expect((after.pinned_messages ?? []).map((p) => p.id)).not.toContain(m.id);
  });

  it('keeps attachments of pinned messages forever; unpinning restores upload + 15 days', async () => {
    const file = await t.givenUpload(alice, room, t.clock.now() - 100);
    const m = await t.givenMessage(alice, room, 'pic', { files: [String(file)] });
    await t.client(admin).post(`/room/pins/pin/${m.id}`);
    expect((await t.fileState(file)).expiry).toBeNull();
    // A file attached by an edit while pinned does not expire either.
    const late = await t.givenUpload(alice, room);
    await t.client(alice).put(`/room/pins/message/${m.id}`, {
      json: { data: 'cGljMg==', signature: Buffer.alloc(64).toString('base64'), files: [late] },
    });
    expect(await t.fileState(late)).toEqual({ expiry: null, message_id: m.id });
    await t.client(admin).post(`/room/pins/unpin/${m.id}`);
    const [{ uploaded }] = await t.db.query<{ uploaded: number }>(
      'SELECT uploaded FROM files WHERE id = $1',
      [file],
    );
    expect((await t.fileState(file)).expiry).toBeCloseTo(uploaded + 15 * DAY, 3);
  });
});
