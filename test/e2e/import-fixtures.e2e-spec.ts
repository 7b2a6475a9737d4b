import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sodiumReady } from '../../src/crypto/sodium';
import {
  identityOf,
  importFixture,
  openFixture,
  type ImportedFixture,
  type Json,
  type PysogsFixture,
} from '../support/pysogs-fixture';
import { ONION_AES, type SogsClient } from '../support/sogs-client';
import { TestApp } from '../support/test-app';

jest.setTimeout(180_000);

const now = () => Date.now() / 1000;

/** PySOGS on SQLite answers `whisper_mods` with the database's 0/1; tsogs with booleans. */
const booleanWhisperMods = (items: Json[]): Json[] =>
  items.map((m) =>
    typeof m.whisper_mods === 'number' ? { ...m, whisper_mods: m.whisper_mods !== 0 } : m,
  );

/** The manifest's `messages/since` replay: from 0, next N = largest seqno, until a short page. */
async function replaySince(client: SogsClient, token: string) {
  const pages: { since: number; count: number }[] = [];
  const messages: Json[] = [];
  for (let n = 0; ;) {
    const r = await client.get(`/room/${token}/messages/since/${n}?t=r&reactors=20`);
    if (r.status !== 200) return { status: r.status, pages, messages };
    const page = r.json<Json[]>();
    pages.push({ since: n, count: page.length });
    messages.push(...page);
    if (page.length < 100) return { status: 200, pages, messages };
    n = Math.max(...page.map((m) => m.seqno as number));
  }
}

/** `attachment; filename*=UTF-8''…` → the name; a bare `attachment` → null. */
function dispositionName(header: string | undefined): string | null {
  const m = /filename\*=UTF-8''(.*)$/.exec(header ?? '');
  return m ? decodeURIComponent(m[1]) : null;
}

describe.each(['pysogs-small', 'pysogs-small-pg'])('tsogs import of %s', (fixture) => {
  let fx: PysogsFixture;
  let imported: ImportedFixture;
  let app: TestApp;
  let api: Json;
  let viewer: SogsClient;
  let anonymous: SogsClient;
  const as = (key: string) => app.client(identityOf(fx.person(key))).with({ via: ONION_AES });
  const asOnServer = (id: string) =>
    app.client(identityOf(fx.personOnServer(id))).with({ via: ONION_AES });

  beforeAll(async () => {
    await sodiumReady();
    fx = await openFixture(fixture);
    api = fx.manifest.api;
    imported = await importFixture(fx);
    app = await TestApp.start({
      keys: imported.keys,
      databaseUrl: imported.databaseUrl,
      env: { TSOGS_UPLOADS_DIR: path.join(imported.dataDir, 'uploads') },
    });
    viewer = as('operator');
    anonymous = app.client(null).with({ via: ONION_AES });
  });

  afterAll(async () => {
    await app?.close();
    await imported?.drop();
    await fx?.drop();
  });

  it('reads every PySOGS table and drops no row but expired nonces', () => {
    const counts = new Map<string, number[]>();
    for (const m of imported.output.matchAll(/^ {2}(\w+) +(\d+) +(\d+) +(\d+)$/gm)) {
      counts.set(m[1], [Number(m[2]), Number(m[3]), Number(m[4])]);
    }
    // The fixtures README's row counts, identical for both fixtures.
    const expected: Record<string, number> = {
      rooms: 4,
      users: 39,
      messages: 600,
      message_history: 107,
      pinned_messages: 6,
      files: 35,
      reactions: 337,
      user_reactions: 1122,
      room_users: 74,
      user_permission_overrides: 24,
      user_permission_futures: 2,
      user_ban_futures: 2,
      user_request_nonces: 2530,
      inbox: 42,
      needs_blinding: 2,
    };
    for (const [table, rows] of Object.entries(expected)) {
      const [read, done, skipped] = counts.get(table) ?? [];
      expect({ table, read }).toEqual({ table, read: rows });
      // Nonces count only while inside the replay window, 48 h after the snapshot.
      if (table !== 'user_request_nonces') {
        expect({ table, done, skipped }).toEqual({ table, done: rows, skipped: 0 });
      }
    }
  });

  it('keeps the server key: same public key, same key file', async () => {
    expect(imported.keys.publicKeyHex).toBe(api.server_public_key);
    expect(readFileSync(path.join(imported.dataDir, 'key_x25519'))).toEqual(
      readFileSync(path.join(fx.dir, 'key_x25519')),
    );
    const caps = await anonymous.get('/capabilities');
    expect(caps.json<Json>().capabilities).toEqual(api.capabilities);
  });

  it('lists the same rooms anonymously and to the operator', async () => {
    const tokens = (rooms: Json[]) => rooms.map((r) => r.token).sort();
    expect(tokens((await anonymous.get('/rooms')).json())).toEqual(api.rooms_listed_anonymously);
    expect(tokens((await viewer.get('/rooms')).json())).toEqual(tokens(api.rooms));
  });

  it('answers GET /room/<token> as PySOGS did, except active_users', async () => {
    // PySOGS recomputes active_users from recent activity and the clock (fixtures README).
    const withoutActiveUsers = (info: Json) => ({ ...info, active_users: undefined });
    for (const room of api.rooms) {
      const info = (await viewer.get(`/room/${room.token}`)).json<Json>();
      expect(withoutActiveUsers(info)).toEqual(withoutActiveUsers(room.room_info_as_viewer));
    }
  });

  it('keeps permissions and scheduled changes', async () => {
    for (const room of api.rooms) {
      const perms = await viewer.get(`/room/${room.token}/permissions`);
      expect({ room: room.token, perms: perms.json() }).toEqual({
        room: room.token,
        perms: room.permissions,
      });
      const futures = await viewer.get(`/room/${room.token}/futurePermissions`);
      expect(futures.json()).toEqual(room.future_permissions);
    }
  });

  it('replays messages/since page by page, item by item', async () => {
    for (const room of api.rooms) {
      const got = await replaySince(viewer, room.token);
      expect(got.pages).toEqual(room.messages_since.pages);
      expect(got.messages).toEqual(booleanWhisperMods(room.messages_since.messages));
    }
  });

  it('replays reaction-only updates, reactors and tombstones', async () => {
    for (const room of api.rooms) {
      const t = room.token;
      for (const full of room.reaction_only_messages_full) {
        const r = await viewer.get(`/room/${t}/message/${full.id}?reactors=20`);
        expect(r.json()).toEqual(booleanWhisperMods([full])[0]);
      }
      for (const [key, reactors] of Object.entries(room.reactors_full)) {
        const [id, emoji] = [key.slice(0, key.indexOf(' ')), key.slice(key.indexOf(' ') + 1)];
        const r = await viewer.get(`/room/${t}/reactors/${id}/${encodeURIComponent(emoji)}`);
        expect(r.json()).toEqual(reactors);
      }
      for (const tomb of room.tombstones) {
        const items = (await viewer.get(tomb.request.replace(/^GET /, ''))).json<Json[]>();
        expect(items.map((m) => [m.id, m.seqno])).toEqual(tomb.response);
        expect(items.find((m) => m.id === tomb.message)).toEqual(tomb.tombstone);
        const single = await viewer.get(`/room/${t}/message/${tomb.message}`);
        expect(single.status).toBe(tomb.single_get_status);
      }
    }
  });

  it('serves every file with its bytes, name, Date and Expires', async () => {
    for (const room of api.rooms) {
      for (const f of room.files) {
        const r = await viewer.get(`/room/${room.token}/file/${f.id}`);
        // Files whose expiry has passed since the snapshot are gone, on PySOGS as here.
        const expired =
          f.expires !== null && f.status === 200 && Date.parse(f.expires) <= Date.now();
        const want = expired ? 404 : f.status;
        expect({ room: room.token, id: f.id, status: r.status }).toEqual({
          room: room.token,
          id: f.id,
          status: want,
        });
        if (want !== 200) continue;
        expect({
          id: f.id,
          sha256: createHash('sha256').update(r.body).digest('hex'),
          filename: dispositionName(r.headers['content-disposition']),
          date: r.headers.date,
          expires: r.headers.expires ?? null,
        }).toEqual({
          id: f.id,
          sha256: f.sha256,
          filename: f.filename,
          date: f.date,
          expires: f.expires,
        });
      }
    }
  });

  it('shows whispers to their recipients as PySOGS did', async () => {
    for (const view of api.whisper_views) {
      const got = await replaySince(asOnServer(view.viewer), view.room);
      expect({ viewer: view.viewer, status: got.status }).toEqual({
        viewer: view.viewer,
        status: view.status,
      });
      if (view.status !== 200) continue;
      const whispers = got.messages.filter((m) => m.whisper);
      expect(whispers).toEqual(booleanWhisperMods(view.whispers));
    }
  });

  it('delivers each person their DMs under the same ids', async () => {
    // DMs live 365 days from the snapshot ([direct_messages] expiry of the fixtures).
    const dmsLive = now() < Date.parse(fx.manifest.generated_at) / 1000 + 365 * 86400;
    for (const dm of api.dms) {
      const client = asOnServer(dm.session_id);
      const inbox = await client.get('/inbox?limit=256');
      if (dm.inbox === null) {
        expect({ who: dm.session_id, status: inbox.status }).toEqual({
          who: dm.session_id,
          status: 403,
        });
        continue;
      }
      const ids = inbox.json<Json[]>().map((m) => m.id);
      expect({ who: dm.session_id, ids }).toEqual({
        who: dm.session_id,
        ids: dmsLive ? dm.inbox_ids : [],
      });
      const outbox = await client.get('/outbox?limit=256');
      expect(outbox.json<Json[]>()).toHaveLength(dmsLive ? dm.outbox : 0);
    }
  });

  it('keeps bans, mutes and filtered posts in force', async () => {
    for (const ban of fx.manifest.record.active_bans as Json[]) {
      if (ban.approx_unban_at !== null && ban.approx_unban_at <= now()) continue;
      const room = ban.room ?? 'general';
      const r = await as(ban.key).get(`/room/${room}`);
      expect({ ban: ban.key, status: r.status }).toEqual({
        ban: ban.key,
        status: ban.scope === 'global' ? 403 : 404,
      });
    }
    const muted = (await as('user-muted').get('/room/general')).json<Json>();
    expect(muted.write).toBe(false);
    for (const { id } of fx.manifest.record.messages.general.filtered as Json[]) {
      expect((await viewer.get(`/room/general/message/${id}`)).status).toBe(404);
    }
  });

  it('makes the pending 05 moderators moderators at their first blinded sign-in', async () => {
    for (const { key, session_id } of fx.manifest.record.needs_blinding_expected as Json[]) {
      const rooms = (fx.manifest.record.permission_overrides as Json[]).filter(
        (o) => o.session_id === session_id && o.moderator,
      );
      expect(rooms.length).toBeGreaterThan(0);
      for (const o of rooms) {
        const info = (await as(key).get(`/room/${o.room}`)).json<Json>();
        expect({
          key,
          room: o.room,
          moderator: info.moderator,
          admin: info.admin ?? false,
        }).toEqual({
          key,
          room: o.room,
          moderator: true,
          admin: o.admin,
        });
      }
    }
  });

  it('numbers the next post message_sequence + 1', async () => {
    for (const room of api.rooms) {
      const r = await viewer.post(`/room/${room.token}/message`, {
        json: {
          data: randomBytes(40).toString('base64'),
          signature: randomBytes(64).toString('base64'),
        },
      });
      expect(r.status).toBe(201);
      expect(r.json<Json>().seqno).toBe(room.message_sequence + 1);
    }
  });
});
