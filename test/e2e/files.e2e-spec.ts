import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { MaintenanceService } from '../../src/maintenance/maintenance.service';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA, type SogsClient } from '../support/sogs-client';
import { TestApp } from '../support/test-app';
import type { Room } from '../../src/rooms/room';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe('files (api.md §4, model.md §9)', () => {
  let t: TestApp;
  let lobby: Room;
  let alice: SessionIdentity;
  let admin: SessionIdentity;
  let a: SogsClient;

  beforeAll(async () => {
    t = await TestApp.start({ env: { TSOGS_FILES_MAX_SIZE: '10000000' } });
    lobby = await t.givenRoom('lobby');
    await t.givenRoom('other');
    await t.givenRoom('readonly', { defaults: { upload: false } });
    alice = SessionIdentity.random();
    admin = SessionIdentity.random();
    await t.givenModerator(admin, lobby, { admin: true });
    a = t.client(alice).with({ via: ONION_AES });
  });
  afterAll(() => t.close());

  async function upload(c: SogsClient, token: string, data: Buffer, disposition?: string) {
    const headers: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
    if (disposition) headers['Content-Disposition'] = disposition;
    return c.post(`/room/${token}/file`, { body: data, headers });
  }

  it('uploads and downloads through both ciphers with the spec headers', async () => {
    for (const via of [ONION_AES, ONION_XCHACHA]) {
      const data = randomBytes(1234);
      const before = t.clock.now();
      const up = await upload(
        a.with({ via }),
        'lobby',
        data,
        "attachment; filename*=UTF-8''r%C3%A4ksm%C3%B6rg%C3%A5s.pdf",
      );
      expect(up.status).toBe(201);
      const { id } = up.json<{ id: number }>();
      expect(Number.isInteger(id)).toBe(true);
      for (const p of [`/room/lobby/file/${id}`, `/room/lobby/file/${id}/whatever.bin`]) {
        const down = await t.client().get(p, { via });
        expect(down.status).toBe(200);
        expect(sha(down.body)).toBe(sha(data));
        expect(down.headers['content-type']).toBe('application/octet-stream');
        expect(down.headers['content-disposition']).toBe(
          "attachment; filename*=UTF-8''r%C3%A4ksm%C3%B6rg%C3%A5s.pdf",
        );
        expect(Date.parse(down.headers.date) / 1000).toBeGreaterThanOrEqual(Math.floor(before) - 1);
        const expires = Date.parse(down.headers.expires) / 1000;
        expect(expires - Date.parse(down.headers.date) / 1000).toBeCloseTo(3600, -1);
      }
    }
  });

  it('names files from plain filename=, and sanitises path separators and NUL', async () => {
    const up = await upload(
      a,
      'lobby',
      Buffer.from('x'),
      'attachment; filename="../../etc/passwd"',
    );
    const down = await t
      .client()
      .get(`/room/lobby/file/${up.json<{ id: number }>().id}`, { via: ONION_AES });
    expect(down.headers['content-disposition']).toBe(
      "attachment; filename*=UTF-8''..%EF%BF%BD..%EF%BF%BDetc%EF%BF%BDpasswd",
    );
    const unnamed = await upload(a, 'lobby', Buffer.from('y'), 'attachment');
    const d2 = await t
      .client()
      .get(`/room/lobby/file/${unnamed.json<{ id: number }>().id}`, { via: ONION_AES });
    expect(d2.headers['content-disposition']).toBe('attachment');
  });

  it('uploads as a b64 sub-request of /batch, as Android does', async () => {
    const data = randomBytes(500);
    const r = await a.post('/batch', {
      json: [
        {
          method: 'POST',
          path: '/room/lobby/file',
          headers: {
            'Content-Type': 'application/octet-stream',
            'Content-Disposition': 'attachment',
          },
          b64: data.toString('base64'),
        },
      ],
    });
    const [item] = r.json<{ code: number; body: { id: number } }[]>();
    expect(item.code).toBe(201);
    const down = await t.client().get(`/room/lobby/file/${item.body.id}`, { via: ONION_XCHACHA });
    expect(sha(down.body)).toBe(sha(data));
  });

  it('requires a signed caller with upload permission, and read permission to download', async () => {
    expect(
      (await upload(t.client().with({ via: ONION_AES }), 'lobby', Buffer.from('x'))).status,
    ).toBe(401);
    expect((await upload(a, 'readonly', Buffer.from('x'))).status).toBe(403);
    const up = await upload(a, 'lobby', Buffer.from('x'));
    const muted = SessionIdentity.random();
    await t.givenPermissions(muted, lobby, { read: false });
    expect(
      (
        await t
          .client(muted)
          .get(`/room/lobby/file/${up.json<{ id: number }>().id}`, { via: ONION_AES })
      ).status,
    ).toBe(403);
  });

  it('answers 404 for unknown ids, other rooms and expired uploads', async () => {
    const up = await upload(a, 'lobby', Buffer.from('soon gone'));
    const id = up.json<{ id: number }>().id;
    expect((await t.client().get(`/room/other/file/${id}`, { via: ONION_AES })).status).toBe(404);
    expect((await t.client().get('/room/lobby/file/999999', { via: ONION_AES })).status).toBe(404);
    expect((await t.client().get('/room/lobby/file/abc', { via: ONION_AES })).status).toBe(404);
    const huge = await t.client().get('/room/lobby/file/99999999999999999999', { via: ONION_AES });
    expect(huge.status).toBe(404);
    t.clock.advance(3601);
    try {
      expect((await t.client().get(`/room/lobby/file/${id}`, { via: ONION_AES })).status).toBe(404);
    } finally {
      t.clock.advance(-3601);
    }
  });

  it('refuses uploads over the size limit with 413 and stores nothing', async () => {
    const small = await TestApp.start({ env: { TSOGS_FILES_MAX_SIZE: '1000' } });
    try {
      await small.givenRoom('r');
      const c = small.client(SessionIdentity.random()).with({ via: ONION_AES });
      expect((await upload(c, 'r', randomBytes(1000))).status).toBe(201);
      expect((await upload(c, 'r', randomBytes(1001))).status).toBe(413);
      const rows = await small.db.query<{ n: number }>('SELECT count(*)::int AS n FROM files');
      expect(rows[0].n).toBe(1);
    } finally {
      await small.close();
    }
  });

  it('removes expired files, bytes and rows, in the periodic job', async () => {
    const up = await upload(a, 'lobby', Buffer.from('expire me'));
    const id = up.json<{ id: number }>().id;
    const [row] = await t.db.query<{ storage_key: string }>(
      'SELECT storage_key FROM files WHERE id = $1',
      [id],
    );
    const file = path.join(t.config.dataDir, t.config.files.uploadsDir, row.storage_key);
    expect(existsSync(file)).toBe(true);
    t.clock.advance(3601);
    try {
      await t.app.get(MaintenanceService).runOnce();
    } finally {
      t.clock.advance(-3601);
    }
    expect(existsSync(file)).toBe(false);
    expect(await t.db.query('SELECT 1 FROM files WHERE id = $1', [id])).toHaveLength(0);
  });

  describe('PUT /room/:token', () => {
    it('sets the room image: info_updates bumped, image never expires, the old one expires now', async () => {
      const c = t.client(admin).with({ via: ONION_AES });
      const first = (await upload(c, 'lobby', randomBytes(100))).json<{ id: number }>().id;
      const before = (await c.get('/room/lobby')).json<{ info_updates: number }>().info_updates;
      const r = await c.put('/room/lobby', { json: { image: first } });
      expect(r.status).toBe(200);
      expect(r.json()).toEqual({ info_updates: before + 1 });
      expect((await c.get('/room/lobby')).json()).toMatchObject({ image_id: first });
      const down = await t.client().get(`/room/lobby/file/${first}`, { via: ONION_AES });
      expect(down.status).toBe(200);
      expect(down.headers).not.toHaveProperty('expires');

      const second = (await upload(c, 'lobby', randomBytes(100))).json<{ id: number }>().id;
      expect((await c.put('/room/lobby', { json: { image: second } })).json()).toEqual({
        info_updates: before + 2,
      });
      expect((await t.client().get(`/room/lobby/file/${first}`, { via: ONION_AES })).status).toBe(
        404,
      );
    });

    it('renames and describes, +1 info_updates per changed field', async () => {
      const c = t.client(admin).with({ via: ONION_AES });
      const before = (await c.get('/room/lobby')).json<{ info_updates: number }>().info_updates;
      const r = await c.put('/room/lobby', {
        json: { name: 'Lobby\u0007!', description: 'New\ttext' },
      });
      expect(r.json()).toEqual({ info_updates: before + 2 });
      expect((await c.get('/room/lobby')).json()).toMatchObject({
        name: 'Lobby!',
        description: 'New\ttext',
      });
      const same = await c.put('/room/lobby', { json: { name: 'Lobby!' } });
      expect(same.json()).toEqual({ info_updates: before + 2 });
    });

    it('changes default permissions without raising info_updates', async () => {
      const c = t.client(admin).with({ via: ONION_AES });
      const before = (await c.get('/room/lobby')).json<{ info_updates: number }>().info_updates;
      expect((await c.put('/room/lobby', { json: { default_upload: false } })).json()).toEqual({
        info_updates: before,
      });
      expect((await c.get('/room/lobby')).json()).toMatchObject({ default_upload: false });
      await c.put('/room/lobby', { json: { default_upload: true } });
    });

    it('answers 401, 403, 400 and 406 and changes nothing on failure', async () => {
      expect(
        (await t.client().put('/room/lobby', { json: { name: 'x' }, via: ONION_AES })).status,
      ).toBe(401);
      expect((await a.put('/room/lobby', { json: { name: 'x' } })).status).toBe(403);
      const c = t.client(admin).with({ via: ONION_AES });
      const before = (await c.get('/room/lobby')).json<Record<string, unknown>>();
      for (const bad of [
        {},
        { name: 42 },
        { name: null },
        { default_read: 'foo' },
        { image: 'x' },
      ]) {
        expect((await c.put('/room/lobby', { json: bad })).status).toBe(400);
      }
      const elsewhere = (
        await upload(t.client(admin).with({ via: ONION_AES }), 'other', Buffer.from('x'))
      ).json<{ id: number }>().id;
      expect(
        (await c.put('/room/lobby', { json: { name: 'Changed', image: elsewhere } })).status,
      ).toBe(406);
      expect((await c.put('/room/lobby', { json: { image: 987654 } })).status).toBe(406);
      expect((await c.get('/room/lobby')).json()).toEqual(before);
    });
  });

  it('round-trips a 9.9 MB file through an onion request', async () => {
    const data = randomBytes(9_900_000);
    const up = await upload(a.with({ via: ONION_XCHACHA }), 'lobby', data);
    expect(up.status).toBe(201);
    const down = await t
      .client()
      .get(`/room/lobby/file/${up.json<{ id: number }>().id}`, { via: ONION_AES });
    expect(down.status).toBe(200);
    expect(sha(down.body)).toBe(sha(data));
  }, 60_000);

  it('takes 50 concurrent uploads while polling continues without errors', async () => {
    const uploads = Array.from({ length: 50 }, (_, i) =>
      upload(
        t.client(SessionIdentity.random()).with({ via: i % 2 ? ONION_AES : ONION_XCHACHA }),
        'lobby',
        randomBytes(50_000),
      ),
    );
    const polls = Array.from({ length: 50 }, () =>
      t.client(alice).get('/room/lobby/pollInfo/0', { via: ONION_AES }),
    );
    const [up, poll] = await Promise.all([Promise.all(uploads), Promise.all(polls)]);
    expect(up.map((r) => r.status)).toEqual(Array(50).fill(201));
    expect(poll.map((r) => r.status)).toEqual(Array(50).fill(200));
  }, 60_000);
});
