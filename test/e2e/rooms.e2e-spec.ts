import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA, type Via } from '../support/sogs-client';
import { TestApp } from '../support/test-app';
import { MaintenanceService } from '../../src/maintenance/maintenance.service';

describe('rooms, capabilities and pollInfo through onion requests', () => {
  let t: TestApp;
  let alice: SessionIdentity;
  let mod: SessionIdentity;
  let hiddenAdmin: SessionIdentity;

  beforeAll(async () => {
    t = await TestApp.start();
    [alice, mod, hiddenAdmin] = [1, 2, 3].map(() => SessionIdentity.random());
    const lobby = await t.givenRoom('Lobby', { name: 'The Lobby', description: 'Say hi' });
    await t.givenRoom('private', {
      defaults: { read: false, accessible: false, write: false, upload: false },
    });
    await t.givenModerator(mod, lobby, { visible: true });
    await t.givenModerator(hiddenAdmin, 'global', { admin: true });
  });
  afterAll(() => t.close());

  const vias: [string, Via][] = [
    ['aes-gcm v4', ONION_AES],
    ['xchacha20 v4', ONION_XCHACHA],
  ];

  describe.each(vias)('via %s', (_name, via) => {
    it('GET /capabilities, anonymous and signed', async () => {
      for (const c of [t.client(), t.client(alice)]) {
        const r = await c.get('/capabilities', { via });
        expect(r.status).toBe(200);
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.json()).toEqual({ capabilities: ['blind', 'reactions', 'sogs'] });
      }
    });

    it('GET /rooms lists what the caller may access, sorted by token', async () => {
      const anon = await t.client().get('/rooms', { via });
      expect(anon.status).toBe(200);
      expect(anon.json<{ token: string }[]>().map((r) => r.token)).toEqual(['Lobby']);
      const admin = await t.client(hiddenAdmin).get('/rooms', { via });
      expect(admin.json<{ token: string }[]>().map((r) => r.token)).toEqual(['Lobby', 'private']);
    });

    it('GET /room/:token matches tokens case-insensitively and hides hidden moderators', async () => {
      const r = await t.client(alice).get('/room/lobby', { via });
      expect(r.status).toBe(200);
      const info = r.json<Record<string, unknown>>();
      expect(info).toMatchObject({
        token: 'Lobby',
        name: 'The Lobby',
        description: 'Say hi',
        info_updates: 2,
        message_sequence: 0,
        active_users: 0,
        active_users_cutoff: 604800,
        moderators: [mod.blindedId(t.keys.publicKey)],
        admins: [],
        read: true,
        write: true,
        upload: true,
      });
      expect(typeof info.created).toBe('number');
      expect(info).not.toHaveProperty('hidden_admins');
      expect(info).not.toHaveProperty('moderator');
      expect(info).not.toHaveProperty('default_read');
    });

    it('shows hidden admins, defaults and role flags to moderators', async () => {
      const info = (await t.client(hiddenAdmin).get('/room/Lobby', { via })).json<
        Record<string, unknown>
      >();
      expect(info).toMatchObject({
        hidden_admins: [hiddenAdmin.blindedId(t.keys.publicKey)],
        moderator: true,
        admin: true,
        global_moderator: true,
        global_admin: true,
        default_read: true,
        default_accessible: true,
        default_write: true,
        default_upload: true,
      });
    });

    it('GET /room/:token is 404 for a missing or inaccessible room', async () => {
      expect((await t.client(alice).get('/room/nope', { via })).status).toBe(404);
      expect((await t.client(alice).get('/room/private', { via })).status).toBe(404);
      expect((await t.client(hiddenAdmin).get('/room/private', { via })).status).toBe(200);
    });

    it('GET /room/:token/pollInfo/:n sends details only when info_updates differs', async () => {
      const stale = await t.client(alice).get('/room/Lobby/pollInfo/0', { via });
      expect(stale.status).toBe(200);
      const body = stale.json<Record<string, unknown>>();
      expect(body).toMatchObject({
        token: 'Lobby',
        active_users: 0,
        read: true,
        write: true,
        upload: true,
      });
      expect(body.details).toMatchObject({ token: 'Lobby', info_updates: 2 });
      const fresh = (await t.client(alice).get('/room/Lobby/pollInfo/2', { via })).json<
        Record<string, unknown>
      >();
      expect(fresh).not.toHaveProperty('details');
    });

    it('pollInfo is 403 without read permission and 404 for a non-numeric counter', async () => {
      const r = await t.client(alice).get('/room/private/pollInfo/0', { via });
      expect(r.status).toBe(403);
      expect(r.headers['content-type']).toBe('text/plain; charset=utf-8');
      expect(r.text).toBe("This endpoint requires room message 'read' permission");
      expect((await t.client(alice).get('/room/Lobby/pollInfo/x', { via })).status).toBe(404);
    });
  });

  it('GET /capabilities?required= answers 412 with the missing names', async () => {
    const c = t.client().with({ via: ONION_AES });
    expect((await c.get('/capabilities?required=sogs,sogs')).status).toBe(200);
    const r = await c.get('/capabilities?required=magic,sogs');
    expect(r.status).toBe(412);
    expect(r.json()).toEqual({ capabilities: ['blind', 'reactions', 'sogs'], missing: ['magic'] });
    expect((await c.get('/capabilities?required=')).json()).toMatchObject({ missing: [''] });
  });

  it('counts users who polled within the active threshold in active_users', async () => {
    const bob = SessionIdentity.random();
    await t.client(bob).get('/room/Lobby/pollInfo/0', { via: ONION_AES });
    await t.client().get('/room/Lobby/pollInfo/0', { via: ONION_AES }); // anonymous: not counted
    await t.app.get(MaintenanceService).runOnce();
    const before = (await t.client().get('/room/Lobby', { via: ONION_AES })).json<
      Record<string, number>
    >();
    expect(before.active_users).toBeGreaterThanOrEqual(1);
    t.clock.advance(8 * 86400);
    await t.app.get(MaintenanceService).runOnce();
    t.clock.advance(-8 * 86400);
    const after = (await t.client().get('/room/Lobby', { via: ONION_AES })).json<
      Record<string, number>
    >();
    expect(after.active_users).toBe(0);
  });
});
