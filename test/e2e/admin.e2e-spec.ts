import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { request, type IncomingHttpHeaders } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { LoggerService } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ADMIN_CONTROLLERS } from '../../src/admin/admin-http.module';
import { startAdminServer, type AdminServer } from '../../src/admin/admin-server';
import { runAdminToken } from '../../src/admin/admin-token.main';
import { ADMIN_OPENAPI } from '../../src/admin/openapi';
import type { AppConfig } from '../../src/config/app-config';
import { RoomsRepository } from '../../src/rooms/rooms.repository';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES } from '../support/sogs-client';
import { TestApp } from '../support/test-app';

interface AdminReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // The body's shape depends on the route; tests read the fields they check.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

interface CallOptions {
  /** Bearer token; null sends no Authorization header. */
  token?: string | null;
  json?: unknown;
  raw?: { body: string; contentType: string };
  socketPath?: string;
  port?: number;
}

const quiet: LoggerService = {
  log: () => undefined,
  warn: (m: unknown) => console.warn(m),
  error: (m: unknown) => console.error(m),
};

/** The HTTP method names Nest stores as numbers (RequestMethod). */
const METHODS = ['get', 'post', 'put', 'delete', 'patch'];

describe('admin REST API (unix socket)', () => {
  let t: TestApp;
  let server: AdminServer;
  let token: string;
  const env = () => ({ DATABASE_URL: t.databaseUrl, TSOGS_DATA_DIR: t.config.dataDir });
  const deps = (config: AppConfig = t.config) => ({
    config,
    keys: t.keys,
    database: t.db,
    clock: t.clock,
  });

  /** `tsogs admin-token …`, in process, capturing what it prints. */
  async function tokenCli(...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runAdminToken(argv, {
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      env: env(),
    });
    return { code, out, err };
  }

  function call(method: string, urlPath: string, o: CallOptions = {}): Promise<AdminReply> {
    const auth = o.token === undefined ? token : o.token;
    const body = o.raw?.body ?? (o.json === undefined ? undefined : JSON.stringify(o.json));
    const headers: Record<string, string> = {};
    if (auth !== null) headers.authorization = `Bearer ${auth}`;
    if (body !== undefined) headers['content-type'] = o.raw?.contentType ?? 'application/json';
    const target =
      o.port !== undefined
        ? { host: '127.0.0.1', port: o.port }
        : { socketPath: o.socketPath ?? server.socket };
    return new Promise((resolve, reject) => {
      const req = request({ ...target, method, path: urlPath, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const isJson = /^application\/json/.test(res.headers['content-type'] ?? '');
          resolve({
            status: res.statusCode!,
            headers: res.headers,
            text,
            json: isJson && text ? JSON.parse(text) : undefined,
          });
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
  const get = (p: string, o?: CallOptions) => call('GET', p, o);
  const put = (p: string, json?: unknown, o?: CallOptions) => call('PUT', p, { json, ...o });
  const del = (p: string, o?: CallOptions) => call('DELETE', p, o);
  const post = (p: string, json?: unknown, o?: CallOptions) => call('POST', p, { json, ...o });
  const patch = (p: string, json?: unknown, o?: CallOptions) => call('PATCH', p, { json, ...o });

  const publicInfo = (room: string, as: SessionIdentity | null = null) =>
    t.client(as).get(`/room/${room}`, { via: ONION_AES });
  const blinded = (s: SessionIdentity) => s.blindedId(t.keys.publicKey);

  beforeAll(async () => {
    t = await TestApp.start();
    server = await startAdminServer(deps(), quiet);
    const created = await tokenCli('create', 'ops');
    expect(created).toMatchObject({ code: 0, out: [expect.stringMatching(/^tsogs_admin_/)] });
    token = created.out[0];
  });
  afterAll(async () => {
    await server?.close();
    await t?.close();
  });

  describe('listener and authentication', () => {
    it('listens on a unix socket in the data directory, mode 0600', () => {
      expect(server.socket).toBe(path.join(t.config.dataDir, 'admin.sock'));
      expect(statSync(server.socket).mode & 0o777).toBe(0o600);
      expect(server.port).toBeNull();
    });

    it('answers 401 without a token, or with a wrong one, in the JSON error shape', async () => {
      const none = await get('/rooms', { token: null });
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(none.json).toEqual({
        error: { code: 'AUTH_REQUIRED', message: expect.stringContaining('Bearer') },
      });
      const wrong = await get('/rooms', { token: `${token}x` });
      expect(wrong.status).toBe(401);
      expect(wrong.json).toEqual({ error: { code: 'INVALID_TOKEN', message: expect.any(String) } });
      expect((await get('/stats', { token: 'Basic abc' })).status).toBe(401);
    });

    it('stores only the SHA-256 of each token', async () => {
      const rows = await t.db.query<{ name: string; token_hash: Buffer }>(
        'SELECT * FROM admin_tokens',
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].token_hash).toEqual(createHash('sha256').update(token).digest());
      expect(JSON.stringify(rows)).not.toContain(token);
      expect(JSON.stringify(rows)).not.toContain(token.slice('tsogs_admin_'.length));
    });

    it('rotates and revokes tokens from the CLI, effective at once', async () => {
      const made = await tokenCli('create', 'temp');
      const first = made.out[0];
      expect((await get('/stats', { token: first })).status).toBe(200);
      expect((await tokenCli('create', 'temp')).code).toBe(1);
      const rotated = await tokenCli('rotate', 'temp');
      expect(rotated.code).toBe(0);
      expect((await get('/stats', { token: first })).status).toBe(401);
      expect((await get('/stats', { token: rotated.out[0] })).status).toBe(200);
      expect((await tokenCli('list')).out).toEqual([
        expect.stringMatching(/^ops\tcreated \d{4}-/),
        expect.stringMatching(/^temp\tcreated /),
      ]);
      expect(await tokenCli('revoke', 'temp')).toMatchObject({ code: 0 });
      expect((await get('/stats', { token: rotated.out[0] })).status).toBe(401);
      expect(await tokenCli('revoke', 'temp')).toMatchObject({
        code: 1,
        err: [expect.stringMatching(/^tsogs: No admin token named 'temp'/)],
      });
      expect((await tokenCli('frobnicate')).code).toBe(2);
      expect((await tokenCli('create')).code).toBe(2);
      expect((await tokenCli('create', 'bad name')).code).toBe(1);
    });

    it('serves the OpenAPI document without a token, describing every route', async () => {
      const r = await get('/openapi.json', { token: null });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ openapi: '3.1.0', paths: expect.any(Object) });
      const described = new Set<string>();
      for (const [p, item] of Object.entries(ADMIN_OPENAPI.paths)) {
        for (const m of METHODS) if (m in item) described.add(`${m} ${p}`);
      }
      const routes = new Set<string>();
      for (const controller of ADMIN_CONTROLLERS) {
        const base = Reflect.getMetadata(PATH_METADATA, controller) as string;
        for (const name of Object.getOwnPropertyNames(controller.prototype)) {
          const handler = (controller.prototype as unknown as Record<string, unknown>)[name];
          if (typeof handler !== 'function' || name === 'constructor') continue;
          const sub = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
          if (sub === undefined) continue;
          const method = METHODS[Reflect.getMetadata(METHOD_METADATA, handler) as number];
          const full = `/${[base, sub].filter((s) => s && s !== '/').join('/')}`;
          routes.add(`${method} ${full.replace(/:(\w+)/g, '{$1}')}`);
        }
      }
      expect([...routes].sort()).toEqual([...described].sort());
    });

    it('does not serve SOGS routes, and the public server does not serve admin ones', async () => {
      const sogs = await del(`/rooms/all/${blinded(SessionIdentity.random())}`);
      expect(sogs.status).toBe(404);
      expect(sogs.json).toEqual({ error: { code: 'NOT_FOUND', message: expect.any(String) } });
      expect((await get('/capabilities')).status).toBe(404);
      for (const p of ['/stats', '/audit', '/moderators', '/openapi.json']) {
        expect((await t.client().get(p, { via: ONION_AES })).status).toBe(404);
        // Plain HTTP is off (TSOGS_DIRECT): refused before routing, like any route.
        expect((await fetch(`${t.baseUrl}${p}`)).status).not.toBe(200);
      }
    });
  });

  describe('rooms', () => {
    it('creates a room that the public API shows at once (onion)', async () => {
      const r = await post('/rooms', {
        token: 'lokinet',
        name: 'Lokinet',
        description: 'All about it',
        default_upload: false,
      });
      expect(r.status).toBe(201);
      expect(r.json).toMatchObject({
        token: 'lokinet',
        name: 'Lokinet',
        default_upload: false,
        join_url: `${t.config.http.baseUrl}/lokinet?public_key=${t.keys.publicKeyHex}`,
        stats: { messages: 0, files: 0 },
      });
      const pub = await publicInfo('lokinet');
      expect(pub.status).toBe(200);
      expect(pub.json()).toMatchObject({
        token: 'lokinet',
        name: 'Lokinet',
        description: 'All about it',
        upload: false,
      });
    });

    it('refuses DTO violations with 400 INVALID_INPUT listing them', async () => {
      const r = await post('/rooms', { token: 'bad token!', name: 5, extra: true });
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('INVALID_INPUT');
      expect(r.json.error.message).toMatch(/property extra should not exist/);
      expect(r.json.error.message).toMatch(/token must be 1 to 64/);
      expect(r.json.error.message).toMatch(/name must be a string/);
      const bad = await patch('/rooms/lokinet', { default_read: 'yes' });
      expect(bad.status).toBe(400);
      expect(bad.json.error.message).toMatch(/default_read must be a boolean/);
      const empty = await patch('/rooms/lokinet', {});
      expect(empty.json).toEqual({
        error: { code: 'INVALID_INPUT', message: 'Nothing to update' },
      });
      const malformed = await call('POST', '/rooms', {
        raw: { body: '{"token":', contentType: 'application/json' },
      });
      expect(malformed.status).toBe(400);
      expect(malformed.json.error.code).toBe('INVALID_INPUT');
      for (const body of [[1], 'room', 7]) {
        const r2 = await post('/rooms', body);
        expect({ body, status: r2.status, code: r2.json?.error?.code }).toEqual({
          body,
          status: 400,
          code: 'INVALID_INPUT',
        });
      }
      const form = await call('POST', '/rooms', {
        raw: { body: 'token=x', contentType: 'application/x-www-form-urlencoded' },
      });
      expect(form.status).toBe(415);
      expect(form.json.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 404 ROOM_NOT_FOUND and 409 ROOM_EXISTS', async () => {
      const missing = await get('/rooms/nowhere');
      expect(missing.status).toBe(404);
      expect(missing.json).toEqual({
        error: { code: 'ROOM_NOT_FOUND', message: 'No such room: nowhere' },
      });
      const dup = await post('/rooms', { token: 'LOKINET', name: 'again' });
      expect(dup.status).toBe(409);
      expect(dup.json.error.code).toBe('ROOM_EXISTS');
    });

    it('updates name, description and defaults, bumping info_updates', async () => {
      const before = (await get('/rooms/lokinet')).json.info_updates;
      const r = await patch('/rooms/LokiNet', {
        name: 'Lokinet HQ',
        description: null,
        default_write: false,
      });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ name: 'Lokinet HQ', description: null, default_write: false });
      expect(r.json.info_updates).toBe(before + 2);
      expect((await publicInfo('lokinet')).json()).toMatchObject({
        name: 'Lokinet HQ',
        write: false,
        info_updates: before + 2,
      });
      expect((await publicInfo('lokinet')).json()).not.toHaveProperty('description');
      await patch('/rooms/lokinet', { default_write: true });
    });

    it('lists rooms with stats, and deletes one', async () => {
      await post('/rooms', { token: 'doomed', name: 'Doomed' });
      const list = await get('/rooms');
      expect(list.json.map((r: { token: string }) => r.token)).toEqual(['doomed', 'lokinet']);
      expect(list.json[0].stats).toMatchObject({ messages: 0, active_users: { day: 0 } });
      const r = await del('/rooms/doomed');
      expect(r.status).toBe(204);
      expect(r.text).toBe('');
      expect((await publicInfo('doomed')).status).toBe(404);
      expect((await del('/rooms/doomed')).status).toBe(404);
    });
  });

  describe('moderation', () => {
    it('bans a user from a room (by their 05 ID), then unbans', async () => {
      const alice = SessionIdentity.random();
      await t.givenMessage(alice, (await t.app.get(RoomsRepository).findByToken('lokinet'))!);
      expect((await publicInfo('lokinet', alice)).status).toBe(200);
      const r = await put(`/rooms/lokinet/bans/${alice.sessionId}`);
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ banned: true, timeout: null });
      expect((await publicInfo('lokinet', alice)).status).toBe(404);
      expect((await get(`/rooms/lokinet/permissions/${blinded(alice)}`)).json).toEqual({
        banned: true,
      });
      expect((await del(`/rooms/lokinet/bans/${blinded(alice)}`)).status).toBe(204);
      expect((await publicInfo('lokinet', alice)).status).toBe(200);
    });

    it('bans a room moderator, which removes the role (as a room admin may)', async () => {
      const hal = SessionIdentity.random();
      await put(`/rooms/lokinet/moderators/${blinded(hal)}`);
      expect((await put(`/rooms/lokinet/bans/${blinded(hal)}`)).status).toBe(200);
      expect((await get('/rooms/lokinet/moderators')).json).toEqual([]);
      expect((await publicInfo('lokinet', hal)).status).toBe(404);
      await del(`/rooms/lokinet/bans/${blinded(hal)}`);
    });

    it('bans globally with a timeout, which schedules the unban', async () => {
      const bob = SessionIdentity.random();
      const r = await put(`/bans/${blinded(bob)}`, { timeout: 3600 });
      expect(r.json).toEqual({ banned: true, timeout: 3600 });
      expect((await publicInfo('lokinet', bob)).status).toBe(403);
      const [future] = await t.db.query<{ at: number; room_id: number | null }>(
        `SELECT f.at, f.room_id FROM user_ban_futures f JOIN users u ON u.id = f.user_id
          WHERE u.session_id = $1`,
        [blinded(bob)],
      );
      expect(future.room_id).toBeNull();
      expect(future.at).toBeCloseTo(t.clock.now() + 3600, -1);
      expect((await put(`/bans/${blinded(bob)}`, { timeout: -5 })).status).toBe(400);
      expect((await put(`/bans/${blinded(bob)}`, { timeout: 'soon' })).status).toBe(400);
      expect((await del(`/bans/${blinded(bob)}`)).status).toBe(204);
      expect((await publicInfo('lokinet', bob)).status).toBe(200);
    });

    it('refuses bad Session IDs with 400', async () => {
      const r = await put('/bans/05abc');
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('INVALID_SESSION_ID');
    });

    it('appoints room moderators and admins, visible or hidden', async () => {
      const carol = SessionIdentity.random();
      const dave = SessionIdentity.random();
      const r = await put(`/rooms/lokinet/moderators/${blinded(carol)}`, {});
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ info_updates: { lokinet: expect.any(Number) } });
      await put(`/rooms/lokinet/moderators/${blinded(dave)}`, { admin: true, visible: false });
      expect((await get('/rooms/lokinet/moderators')).json).toEqual(
        expect.arrayContaining([
          { session_id: blinded(carol), admin: false, visible: true },
          { session_id: blinded(dave), admin: true, visible: false },
        ]),
      );
      const pub = (await publicInfo('lokinet')).json<Record<string, unknown>>();
      expect(pub.moderators).toEqual([blinded(carol)]);
      expect((await publicInfo('lokinet', dave)).json()).toMatchObject({
        hidden_admins: [blinded(dave)],
      });
      for (const s of [carol, dave]) {
        expect((await del(`/rooms/lokinet/moderators/${blinded(s)}`)).status).toBe(204);
      }
      expect((await get('/rooms/lokinet/moderators')).json).toEqual([]);
      expect((await publicInfo('lokinet')).json()).toMatchObject({ moderators: [] });
    });

    it('appoints global moderators, hidden unless visible', async () => {
      const erin = SessionIdentity.random();
      await put(`/moderators/${blinded(erin)}`, { admin: true });
      expect((await get('/moderators')).json).toEqual([
        { session_id: blinded(erin), admin: true, visible: false },
      ]);
      await put(`/moderators/${blinded(erin)}`, { visible: true });
      expect((await get('/moderators')).json).toEqual([
        { session_id: blinded(erin), admin: false, visible: true },
      ]);
      expect((await publicInfo('lokinet')).json()).toMatchObject({ moderators: [blinded(erin)] });
      const banMod = await put(`/bans/${blinded(erin)}`);
      expect(banMod.status).toBe(403);
      expect(banMod.json.error.code).toBe('PERMISSION_DENIED');
      expect((await del(`/moderators/${blinded(erin)}`)).status).toBe(204);
      expect((await get('/moderators')).json).toEqual([]);
    });

    it('sets and clears per-user permissions', async () => {
      const frank = SessionIdentity.random();
      const url = `/rooms/lokinet/permissions/${blinded(frank)}`;
      expect((await get(url)).json).toEqual({});
      const r = await put(url, { write: false, upload: true });
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ write: false, upload: true });
      expect((await publicInfo('lokinet', frank)).json()).toMatchObject({ write: false });
      expect((await put(url, { write: null, upload: null })).json).toEqual({});
      expect((await publicInfo('lokinet', frank)).json()).toMatchObject({ write: true });
      expect((await put(url, {})).status).toBe(400);
      expect((await put(url, { read: 1 })).status).toBe(400);
    });
  });

  describe('messages and pins', () => {
    it('deletes one message, then all of a user', async () => {
      const room = (await t.app.get(RoomsRepository).findByToken('lokinet'))!;
      const gina = SessionIdentity.random();
      const [m1, m2, m3] = [
        await t.givenMessage(gina, room),
        await t.givenMessage(gina, room),
        await t.givenMessage(gina, room),
      ];
      const one = (id: number) =>
        t.client(gina).get(`/room/lokinet/message/${id}`, { via: ONION_AES });
      expect((await del(`/rooms/lokinet/messages/${m1.id}`)).status).toBe(204);
      expect((await one(m1.id)).status).toBe(404);
      expect((await one(m2.id)).status).toBe(200);
      const again = await del(`/rooms/lokinet/messages/${m1.id}`);
      expect(again.status).toBe(404);
      expect(again.json.error.code).toBe('NOT_FOUND');
      expect((await del('/rooms/lokinet/messages/x1')).status).toBe(400);
      expect((await del(`/rooms/lokinet/users/${blinded(gina)}/messages`)).status).toBe(204);
      expect((await one(m2.id)).status).toBe(404);
      expect((await one(m3.id)).status).toBe(404);
      expect((await del(`/rooms/lokinet/users/${blinded(gina)}/messages`)).status).toBe(404);
    });

    it('pins and unpins', async () => {
      const room = (await t.app.get(RoomsRepository).findByToken('lokinet'))!;
      const m = await t.givenMessage(SessionIdentity.random(), room);
      const r = await put(`/rooms/lokinet/pins/${m.id}`);
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ info_updates: expect.any(Number) });
      expect((await publicInfo('lokinet')).json()).toMatchObject({
        pinned_messages: [expect.objectContaining({ id: m.id })],
      });
      expect((await del(`/rooms/lokinet/pins/${m.id}`)).status).toBe(204);
      expect((await publicInfo('lokinet')).json()).not.toHaveProperty('pinned_messages');
      const gone = await del(`/rooms/lokinet/pins/${m.id}`);
      expect(gone.json.error.code).toBe('PIN_NOT_FOUND');
      expect((await put('/rooms/lokinet/pins/999999')).status).toBe(404);
    });
  });

  describe('stats and audit', () => {
    it('reports server statistics', async () => {
      const r = await get('/stats');
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({
        rooms: 1,
        users: expect.any(Number),
        messages: expect.any(Number),
        files: 0,
        file_bytes: 0,
        active_users: { day: expect.any(Number), week: expect.any(Number) },
      });
      expect(r.json.users).toBeGreaterThanOrEqual(7);
      expect(r.json.active_users.day).toBeGreaterThanOrEqual(1);
    });

    it('serves Prometheus metrics with no per-user labels', async () => {
      await t.client().get('/room/nope', { via: ONION_AES });
      await t.client().post('/batch', {
        json: [{ method: 'GET', path: '/capabilities' }],
        via: ONION_AES,
      });
      await t
        .client(SessionIdentity.random())
        .get('/capabilities', { timestamp: 1, via: ONION_AES });
      await t.client().postFrame('/oxen/v4/lsrpc', Buffer.from('garbage'));
      expect((await get('/metrics', { token: 'wrong' })).status).toBe(401);
      const r = await get('/metrics');
      expect(r.status).toBe(200);
      expect(r.text).toMatch(
        /tsogs_request_duration_seconds_count\{route="\/room\/:token",method="GET",status="404",transport="onion"\} \d+/,
      );
      expect(r.text).toMatch(
        /tsogs_request_duration_seconds_bucket\{le="0.5",route="\/capabilities",method="GET",status="200",transport="batch"\} [1-9]/,
      );
      expect(r.text).toMatch(/tsogs_auth_failures_total\{reason="AUTH_TIMESTAMP"\} \d+/);
      expect(r.text).toMatch(/tsogs_onion_decrypt_failures_total \d+/);
      expect(r.text).toMatch(/tsogs_file_storage_bytes \d+/);
      expect(r.text).toMatch(/tsogs_active_users \d+/);
      expect(r.text).toMatch(/tsogs_db_pool_connections\{state="total"\} \d+/);
      expect(r.text).not.toMatch(/15[0-9a-f]{64}/);
    });

    it('pages the audit log newest first, the admin API acting as "system"', async () => {
      const all = (await get('/audit')).json as { id: number; action: string; actor: string }[];
      expect(all.length).toBeGreaterThan(10);
      expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort((a, b) => b - a));
      expect(all.every((e) => e.actor === 'system')).toBe(true);
      expect(all.map((e) => e.action)).toEqual(
        expect.arrayContaining(['room_create', 'room_delete', 'ban', 'unban', 'pin', 'unpin']),
      );
      expect(all.find((e) => e.action === 'room_delete')).toMatchObject({
        room: null,
        details: { token: 'doomed' },
      });
      const page = (await get(`/audit?limit=2&before=${all[1].id}`)).json as { id: number }[];
      expect(page.map((e) => e.id)).toEqual([all[2].id, all[3].id]);
      const bad = await get('/audit?limit=0&junk=1');
      expect(bad.status).toBe(400);
      expect(bad.json.error.message).toMatch(/limit must not be less than 1/);
      expect(bad.json.error.message).toMatch(/property junk should not exist/);
    });
  });

  describe('listener options', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'tsogs-admin-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const freePort = () =>
      new Promise<number>((resolve) => {
        const s = createServer().listen(0, '127.0.0.1', () => {
          const { port } = s.address() as AddressInfo;
          s.close(() => resolve(port));
        });
      });

    it('replaces a stale socket, refuses a live one, and also listens on loopback TCP', async () => {
      const socket = path.join(dir, 'admin.sock');
      // A process that dies without closing leaves its socket file behind.
      spawnSync(process.execPath, [
        '-e',
        "require('net').createServer().listen(process.argv[1], () => process.kill(process.pid, 'SIGKILL'))",
        socket,
      ]);
      expect(existsSync(socket)).toBe(true);
      const port = await freePort();
      const config = { ...t.config, admin: { socket, port } };
      const second = await startAdminServer(deps(config), quiet);
      try {
        expect(second.port).toBe(port);
        expect((await get('/stats', { socketPath: socket })).status).toBe(200);
        const tcp = await get('/stats', { port });
        expect(tcp.status).toBe(200);
        expect(tcp.json.rooms).toBe(1);
        expect((await get('/stats', { port, token: null })).status).toBe(401);
        await expect(
          startAdminServer(deps({ ...t.config, admin: { socket, port: null } }), quiet),
        ).rejects.toThrow(/in use/);
      } finally {
        await second.close();
      }
      expect(existsSync(socket)).toBe(false);
    });
  });
});
