import { MaintenanceService } from '../../src/maintenance/maintenance.service';
import type { Room } from '../../src/rooms/room';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA, type SogsClient } from '../support/sogs-client';
import { TestApp } from '../support/test-app';

describe('moderation of users (api.md §5)', () => {
  let t: TestApp;
  let lobby: Room;
  let dev: Room;
  let admin: SessionIdentity;
  let mod: SessionIdentity;
  let globalMod: SessionIdentity;
  const idOf = (s: SessionIdentity) => s.blindedId(t.keys.publicKey);
  const as = (s: SessionIdentity | null): SogsClient => t.client(s).with({ via: ONION_AES });
  const runJob = () => t.app.get(MaintenanceService).runOnce();

  beforeAll(async () => {
    t = await TestApp.start();
    lobby = await t.givenRoom('lobby');
    dev = await t.givenRoom('dev');
    [admin, mod, globalMod] = [1, 2, 3].map(() => SessionIdentity.random());
    await t.givenModerator(admin, lobby, { admin: true });
    await t.givenModerator(mod, lobby);
    await t.givenModerator(globalMod, 'global');
  });
  afterAll(() => t.close());

  describe('POST /user/:id/moderator', () => {
    it('lets a room admin appoint, returning info_updates per room', async () => {
      const carol = SessionIdentity.random();
      const before = (await as(null).get('/room/lobby')).json<{ info_updates: number }>()
        .info_updates;
      const r = await as(admin).post(`/user/${idOf(carol)}/moderator`, {
        json: { rooms: ['lobby'], moderator: true },
      });
      expect(r.status).toBe(200);
      expect(r.json()).toEqual({ info_updates: { lobby: before + 1 } });
      expect((await as(null).get('/room/lobby')).json()).toMatchObject({
        moderators: expect.arrayContaining([idOf(carol)]),
      });
      const removed = await as(admin).post(`/user/${idOf(carol)}/moderator`, {
        json: { rooms: ['lobby'], moderator: false },
      });
      expect(removed.json()).toEqual({ info_updates: { lobby: before + 2 } });
    });

    it('refuses a moderator who is not an admin (403)', async () => {
      const r = await as(mod).post(`/user/${idOf(SessionIdentity.random())}/moderator`, {
        json: { rooms: ['lobby'], moderator: true },
      });
      expect(r.status).toBe(403);
    });

    it('refuses a room admin listing a room where they are not admin, in either order (403)', async () => {
      for (const rooms of [
        ['lobby', 'dev'],
        ['dev', 'lobby'],
      ]) {
        const r = await as(admin).post(`/user/${idOf(SessionIdentity.random())}/moderator`, {
          json: { rooms, moderator: true },
        });
        expect(r.status).toBe(403);
      }
    });

    it.each([
      [{ rooms: ['lobby'], admin: true, moderator: false }],
      [{ rooms: ['lobby'] }],
      [{ rooms: ['lobby'], moderator: 'yes' }],
      [{ global: true, rooms: ['lobby'], moderator: true }],
    ])('answers 400 for %j', async (body) => {
      expect(
        (await as(admin).post(`/user/${idOf(SessionIdentity.random())}/moderator`, { json: body }))
          .status,
      ).toBe(400);
    });

    it('keeps a hidden global admin invisible to users and visible to moderators', async () => {
      const boss = SessionIdentity.random();
      const root = SessionIdentity.random();
      await t.givenModerator(root, 'global', { admin: true });
      const r = await as(root).post(`/user/${idOf(boss)}/moderator`, {
        json: { global: true, admin: true },
      });
      expect(r.status).toBe(200);
      expect(
        Object.keys(r.json<{ info_updates: Record<string, number> }>().info_updates).sort(),
      ).toEqual(['dev', 'lobby']);
      const user = (await as(SessionIdentity.random()).get('/room/lobby')).json<
        Record<string, unknown>
      >();
      expect(JSON.stringify(user)).not.toContain(idOf(boss));
      const asMod = (await as(mod).get('/room/lobby')).json<Record<string, string[]>>();
      expect(asMod.hidden_admins).toContain(idOf(boss));
      // only a global admin may grant global roles
      const denied = await as(admin).post(`/user/${idOf(SessionIdentity.random())}/moderator`, {
        json: { global: true, moderator: true },
      });
      expect(denied.status).toBe(403);
    });
  });

  describe('bans', () => {
    it('a room ban blocks the room with the spec statuses, and unban lifts it', async () => {
      const eve = SessionIdentity.random();
      await as(eve).get('/room/lobby/pollInfo/0');
      expect(
        (await as(mod).post(`/user/${idOf(eve)}/ban`, { json: { rooms: ['lobby'] } })).json(),
      ).toEqual({});
      expect((await as(eve).get('/room/lobby')).status).toBe(404);
      expect((await as(eve).get('/room/lobby/pollInfo/0')).status).toBe(403);
      expect((await as(eve).get('/room/lobby/messages/recent')).status).toBe(403);
      const post = await as(eve).post('/room/lobby/message', {
        json: { data: 'AA==', signature: Buffer.alloc(64).toString('base64') },
      });
      expect(post.status).toBe(403);
      expect((await as(eve).get('/room/dev')).status).toBe(200);
      expect((await as(null).get('/rooms')).status).toBe(200);
      expect(
        (await as(mod).post(`/user/${idOf(eve)}/unban`, { json: { rooms: ['lobby'] } })).json(),
      ).toEqual({});
      expect((await as(eve).get('/room/lobby')).status).toBe(200);
    });

    it('a timed ban lifts itself when the periodic job runs after the timeout', async () => {
      const tim = SessionIdentity.random();
      await as(mod).post(`/user/${idOf(tim)}/ban`, { json: { rooms: ['lobby'], timeout: 3600 } });
      expect((await as(tim).get('/room/lobby')).status).toBe(404);
      const futures = (await as(mod).get('/room/lobby/futurePermissions')).json<
        Record<string, unknown>[]
      >();
      expect(futures).toContainEqual({
        session_id: idOf(tim),
        at: expect.any(Number),
        banned: false,
      });
      await runJob();
      expect((await as(tim).get('/room/lobby')).status).toBe(404);
      t.clock.advance(3601);
      try {
        await runJob();
        expect((await as(tim).get('/room/lobby')).status).toBe(200);
      } finally {
        t.clock.advance(-3601);
      }
    });

    it('global bans need a global moderator and give 403 Banned at auth time', async () => {
      const spammer = SessionIdentity.random();
      expect(
        (await as(admin).post(`/user/${idOf(spammer)}/ban`, { json: { global: true } })).status,
      ).toBe(403);
      expect(
        (
          await as(globalMod).post(`/user/${idOf(spammer)}/ban`, {
            json: { global: true, timeout: 60 },
          })
        ).status,
      ).toBe(200);
      const r = await as(spammer).get('/capabilities');
      expect([r.status, r.text]).toEqual([403, 'Banned']);
      t.clock.advance(61);
      try {
        await runJob();
        expect((await as(spammer).get('/capabilities')).status).toBe(200);
      } finally {
        t.clock.advance(-61);
      }
    });

    it('refuses to ban oneself, global moderators, or (for a non-admin) a room moderator', async () => {
      expect(
        (await as(mod).post(`/user/${idOf(mod)}/ban`, { json: { rooms: ['lobby'] } })).status,
      ).toBe(403);
      expect(
        (await as(mod).post(`/user/${idOf(globalMod)}/ban`, { json: { rooms: ['lobby'] } })).status,
      ).toBe(403);
      expect(
        (await as(mod).post(`/user/${idOf(admin)}/ban`, { json: { rooms: ['lobby'] } })).status,
      ).toBe(403);
      expect(
        (
          await as(SessionIdentity.random()).post(`/user/${idOf(mod)}/ban`, {
            json: { rooms: ['lobby'] },
          })
        ).status,
      ).toBe(403);
    });

    it.each([
      { global: true, rooms: ['abc'] },
      {},
      { rooms: [] },
      { global: false, rooms: [] },
      { global: false, rooms: null },
      { rooms: ['lobby', '*'] },
      { rooms: ['*', 'lobby'] },
      { rooms: ['lobby'], timeout: 'soon' },
    ])('answers 400 for %j (vectors §10.5)', async (body) => {
      expect(
        (await as(globalMod).post(`/user/${idOf(SessionIdentity.random())}/ban`, { json: body }))
          .status,
      ).toBe(400);
    });

    it('a ban given to a 05 Session ID catches the person on first blinded sign-in', async () => {
      const person = SessionIdentity.random();
      const r = await as(globalMod).post(`/user/${person.sessionId}/ban`, {
        json: { global: true },
      });
      expect(r.status).toBe(200);
      const first = await as(person).get('/capabilities');
      expect([first.status, first.text]).toEqual([403, 'Banned']);
    });

    it('bans then deletes everything in one /sequence, as desktop does', async () => {
      const spam = SessionIdentity.random();
      const posted = [await t.givenMessage(spam, lobby), await t.givenMessage(spam, lobby)];
      const r = await as(mod).post('/sequence', {
        json: [
          { method: 'POST', path: `/user/${idOf(spam)}/ban`, json: { rooms: ['lobby'] } },
          { method: 'DELETE', path: `/room/lobby/all/${idOf(spam)}` },
        ],
        via: ONION_XCHACHA,
      });
      expect(r.json<{ code: number }[]>().map((i) => i.code)).toEqual([200, 200]);
      for (const m of posted)
        expect((await as(null).get(`/room/lobby/message/${m.id}`)).status).toBe(404);
    });
  });

  describe('per-user permissions', () => {
    it('sets, shows and clears overrides (moderator only)', async () => {
      const u = SessionIdentity.random();
      expect((await as(u).get('/room/lobby/permissions')).status).toBe(403);
      const set = await as(mod).post(`/room/lobby/permissions/${idOf(u)}`, {
        json: { write: false, upload: false, accessible: true },
      });
      expect(set.json()).toEqual({ write: false, upload: false, accessible: true });
      expect((await as(u).get('/room/lobby')).json()).toMatchObject({
        write: false,
        upload: false,
        read: true,
      });
      expect((await as(mod).get(`/room/lobby/permissions/${idOf(u)}`)).json()).toEqual({
        write: false,
        upload: false,
        accessible: true,
      });
      expect((await as(mod).get('/room/lobby/permissions')).json()).toMatchObject({
        [idOf(u)]: { write: false },
      });
      const cleared = await as(mod).post(`/room/lobby/permissions/${idOf(u)}`, {
        json: { default_write: true, default_upload: true, default_accessible: true },
      });
      expect(cleared.json()).toEqual({});
      expect(
        (await as(mod).get(`/room/lobby/permissions/${idOf(SessionIdentity.random())}`)).json(),
      ).toEqual({});
      for (const bad of [{}, { write: 'no' }, { write: false, default_write: true }]) {
        expect(
          (await as(mod).post(`/room/lobby/permissions/${idOf(u)}`, { json: bad })).status,
        ).toBe(400);
      }
      // a 05 ID does not match the SessionID parameter when blinding is required
      expect((await as(mod).get(`/room/lobby/permissions/${u.sessionId}`)).status).toBe(404);
    });

    it('schedules changes that the periodic job applies', async () => {
      const u = SessionIdentity.random();
      await as(mod).post(`/room/lobby/permissions/${idOf(u)}`, { json: { write: false } });
      const r = await as(mod).post(`/room/lobby/futurePermissions/${idOf(u)}`, {
        json: { write: true, in: 120 },
      });
      expect(r.status).toBe(200);
      expect(r.json()).toEqual([{ at: expect.any(Number), write: true }]);
      for (const bad of [
        { write: true },
        { write: true, in: 0 },
        { write: true, in: 1e9 },
        { in: 10 },
      ]) {
        expect(
          (await as(mod).post(`/room/lobby/futurePermissions/${idOf(u)}`, { json: bad })).status,
        ).toBe(400);
      }
      t.clock.advance(121);
      try {
        await runJob();
      } finally {
        t.clock.advance(-121);
      }
      expect((await as(mod).get(`/room/lobby/permissions/${idOf(u)}`)).json()).toEqual({});
      expect((await as(mod).get(`/room/lobby/futurePermissions/${idOf(u)}`)).json()).toEqual([]);
    });
  });

  it('DELETE /rooms/all/:sid deletes across the rooms the caller moderates', async () => {
    const spam = SessionIdentity.random();
    await t.givenMessage(spam, lobby);
    await t.givenMessage(spam, dev);
    const r = await as(mod).delete(`/rooms/all/${idOf(spam)}`);
    expect(r.status).toBe(200);
    expect(r.json()).toEqual({ total: 1, rooms: { lobby: 1 } });
    const everywhere = await as(globalMod).delete(`/rooms/all/${idOf(spam)}`);
    expect(everywhere.json()).toEqual({ total: 1, rooms: { dev: 1, lobby: 0 } });
    expect((await as(mod).delete(`/rooms/all/${idOf(SessionIdentity.random())}`)).status).toBe(404);
  });

  it('records every action in the audit log, without message content', async () => {
    const rows = await t.db.query<{ action: string; details: Record<string, unknown> }>(
      'SELECT action, details FROM moderation_log ORDER BY id',
    );
    const actions = new Set(rows.map((r) => r.action));
    for (const a of [
      'room_role',
      'global_role',
      'ban',
      'unban',
      'permissions',
      'schedule_permissions',
    ]) {
      expect(actions).toContain(a);
    }
  });
});
