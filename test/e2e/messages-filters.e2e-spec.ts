import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Room } from '../../src/rooms/room';
import { SessionIdentity } from '../support/client-crypto';
import { TestApp } from '../support/test-app';
import { sessionMessage } from '../support/session-message';

type Msg = Record<string, unknown> & { id: number; seqno: number };

const post = (data: Buffer) => ({
  json: { data: data.toString('base64'), signature: randomBytes(64).toString('base64') },
});

describe('content filters (model.md §8)', () => {
  describe('alphabet (429) and built-in profanity (silent)', () => {
    let t: TestApp;
    let alice: SessionIdentity;
    let bob: SessionIdentity;
    let mod: SessionIdentity;
    let room: Room;
    const sequence = async () =>
      (await t.client(bob).get('/room/lobby')).json<{ message_sequence: number }>()
        .message_sequence;

    beforeAll(async () => {
      t = await TestApp.start({
        env: {
          TSOGS_DIRECT: '1',
          TSOGS_ALPHABET_FILTERS: 'cyrillic',
          TSOGS_ALPHABET_SILENT: 'no',
          TSOGS_PROFANITY_FILTER: 'yes',
        },
      });
      [alice, bob, mod] = [1, 2, 3].map(() => SessionIdentity.random());
      room = await t.givenRoom('lobby');
      await t.givenModerator(mod, room);
    });
    afterAll(() => t.close());
    beforeEach(() => t.clock.advance(20));

    it('refuses a non-silent hit with 429 and stores nothing', async () => {
      const seq = await sequence();
      const r = await t.client(alice).post('/room/lobby/message', post(sessionMessage('привет')));
      expect([r.status, r.text]).toEqual([429, 'filtration rejected message (alphabet)']);
      expect(await sequence()).toBe(seq);
    });

    it('stores a silent hit hidden from everyone, answering 201 with filtered: true', async () => {
      for (const data of [sessionMessage('what the fuck'), sessionMessage('hi', 'Sh1t Head')]) {
        const seq = await sequence();
        const r = await t.client(alice).post('/room/lobby/message', post(data));
        expect(r.status).toBe(201);
        const m = r.json<Msg>();
        expect(m).toMatchObject({ filtered: true, seqno: seq + 1, data: data.toString('base64') });
        for (const who of [alice, bob, mod]) {
          const since = await t.client(who).get(`/room/lobby/messages/since/${seq}`);
          expect(since.json()).toEqual([]);
          expect((await t.client(who).get(`/room/lobby/message/${m.id}`)).status).toBe(404);
        }
      }
    });

    it('passes clean text, unparseable bytes and moderators', async () => {
      const clean = await t
        .client(alice)
        .post('/room/lobby/message', post(sessionMessage('hello')));
      expect(clean.status).toBe(201);
      expect(clean.json()).not.toHaveProperty('filtered');
      const raw = await t.client(alice).post('/room/lobby/message', post(Buffer.from('привет')));
      expect(raw.json()).not.toHaveProperty('filtered');
      const byMod = await t
        .client(mod)
        .post('/room/lobby/message', post(sessionMessage('привет fuck')));
      expect(byMod.status).toBe(201);
      expect(byMod.json()).not.toHaveProperty('filtered');
    });

    it('filters edits: 429 before the message checks; silent hits change nothing', async () => {
      const m = await t.givenMessage(alice, room, sessionMessage('hello'));
      const edit = (who: SessionIdentity, id: number, text: string) =>
        t.client(who).put(`/room/lobby/message/${id}`, post(sessionMessage(text)));
      expect((await edit(alice, 999999, 'привет')).status).toBe(429);
      expect((await edit(bob, m.id, 'fuck')).status).toBe(403);
      const silent = await edit(alice, m.id, 'fuck');
      expect([silent.status, silent.json()]).toEqual([200, {}]);
      expect((await t.client(bob).get(`/room/lobby/message/${m.id}`)).json()).toEqual(m);
    });
  });

  it('uses a custom word list instead of the built-in one, and filter_mods', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tsogs-words-'));
    const list = path.join(dir, 'words.txt');
    writeFileSync(list, '# fruit only\nbanana\n');
    const t = await TestApp.start({
      env: {
        TSOGS_DIRECT: '1',
        TSOGS_PROFANITY_FILTER: '1',
        TSOGS_PROFANITY_SILENT: '0',
        TSOGS_PROFANITY_CUSTOM: list,
        TSOGS_FILTER_MODS: 'on',
      },
    });
    try {
      const admin = SessionIdentity.random();
      const room = await t.givenRoom('fruit');
      await t.givenModerator(admin, room, { admin: true });
      const r = await t.client(admin).post('/room/fruit/message', post(sessionMessage('B4NANA!')));
      expect([r.status, r.text]).toEqual([429, 'filtration rejected message (profanity)']);
      const ok = await t.client(admin).post('/room/fruit/message', post(sessionMessage('shit')));
      expect(ok.status).toBe(201);
    } finally {
      await t.close();
    }
  });

  describe('per-room settings (PySOGS [room:TOKEN])', () => {
    let t: TestApp;
    let alice: SessionIdentity;

    beforeAll(async () => {
      t = await TestApp.start({
        env: {
          TSOGS_DIRECT: '1',
          TSOGS_ROOM_FILTERS:
            'general:alphabet_filters=cyrillic;general:profanity_filter=yes;dev:profanity_filter=no',
          TSOGS_PROFANITY_FILTER: 'yes',
          TSOGS_PROFANITY_SILENT: 'no',
        },
      });
      alice = SessionIdentity.random();
      await t.givenRoom('general');
      await t.givenRoom('dev');
      await t.givenRoom('other');
    });
    afterAll(() => t.close());
    beforeEach(() => t.clock.advance(20));

    it('filters a room by its own settings, falling back to the server-wide ones', async () => {
      const cyrillic = await t
        .client(alice)
        .post('/room/general/message', post(sessionMessage('привет')));
      expect(cyrillic.json()).toMatchObject({ filtered: true });
      const elsewhere = await t
        .client(alice)
        .post('/room/dev/message', post(sessionMessage('привет')));
      expect(elsewhere.status).toBe(201);
      expect(elsewhere.json()).not.toHaveProperty('filtered');
      const profane = sessionMessage('you are a shit');
      expect((await t.client(alice).post('/room/general/message', post(profane))).status).toBe(429);
      expect((await t.client(alice).post('/room/dev/message', post(profane))).status).toBe(201);
      expect((await t.client(alice).post('/room/other/message', post(profane))).status).toBe(429);
    });
  });
});
