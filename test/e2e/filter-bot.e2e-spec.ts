import { randomBytes } from 'node:crypto';
import { filterBotKeypair } from '../../src/crypto/filter-bot';
import { verifyEd25519 } from '../../src/crypto/request-signature';
import { readSessionText } from '../../src/messages/session-content';
import type { Room } from '../../src/rooms/room';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA } from '../support/sogs-client';
import { TestApp } from '../support/test-app';
import { sessionMessage } from '../support/session-message';

type Msg = Record<string, unknown> & { id: number; seqno: number; data: string };

const post = (data: Buffer) => ({
  json: { data: data.toString('base64'), signature: randomBytes(64).toString('base64') },
});

describe('filter bot replies (model.md §8, [filter:ROOM:TYPE]) over onion requests', () => {
  let t: TestApp;
  let alice: SessionIdentity;
  let bob: SessionIdentity;
  let lobby: Room;
  const as = (who: SessionIdentity) => t.client(who).with({ via: ONION_AES });
  const sequence = async (token: string) =>
    (await as(bob).get(`/room/${token}`)).json<{ message_sequence: number }>().message_sequence;
  const since = async (who: SessionIdentity, token: string, seqno: number) =>
    (await as(who).get(`/room/${token}/messages/since/${seqno}`)).json<Msg[]>();

  beforeAll(async () => {
    t = await TestApp.start({
      env: {
        TSOGS_PROFANITY_FILTER: 'yes',
        TSOGS_PROFANITY_SILENT: 'yes',
        TSOGS_ALPHABET_FILTERS: 'cyrillic arabic',
        TSOGS_ALPHABET_SILENT: 'no',
        TSOGS_FILTER_REPLIES: JSON.stringify({
          '*:profanity': { reply: 'Language, \\@ (\\p) in \\r/\\t!', profile_name: 'Room bot' },
          'lobby:cyrillic': { reply: 'Latin letters only', public: 'yes', profile_name: 'ABC' },
        }),
      },
    });
    [alice, bob] = [1, 2].map(() => SessionIdentity.random());
    lobby = await t.givenRoom('lobby', { name: 'The Lobby' });
    await t.givenRoom('quiet');
  });
  afterAll(() => t.close());
  beforeEach(() => t.clock.advance(20));

  it('whispers the reply to the poster of a silently filtered post, signed by the bot', async () => {
    const seq = await sequence('lobby');
    const r = await as(alice).post('/room/lobby/message', post(sessionMessage('oh shit', 'Ann')));
    expect(r.status).toBe(201);
    expect(r.json()).toMatchObject({ filtered: true, seqno: seq + 1 });
    const bot = filterBotKeypair('Room bot', t.keys.privateKey);
    const aliceId = alice.blindedId(t.keys.publicKey);
    const [reply, ...more] = await since(alice, 'lobby', seq);
    expect(more).toEqual([]);
    expect(reply).toMatchObject({
      seqno: seq + 2,
      session_id: bot.id,
      whisper: true,
      whisper_mods: false,
      whisper_to: aliceId,
      reactions: {},
    });
    const data = Buffer.from(reply.data, 'base64');
    expect(data.subarray(-2)).toEqual(Buffer.from([0x80, 0x00]));
    expect(readSessionText(data)).toEqual({
      body: `Language, @${aliceId} (Ann) in The Lobby/lobby!`,
      displayName: 'Room bot',
    });
    const signature = Buffer.from(reply.signature as string, 'base64');
    expect(verifyEd25519(signature, data, bot.publicKey)).toBe(true);
    // Nobody else sees the filtered post or the whisper.
    expect(await since(bob, 'lobby', seq)).toEqual([]);
  });

  it('posts a public reply before refusing a non-silent hit with 429', async () => {
    const seq = await sequence('lobby');
    const r = await t
      .client(alice)
      .post('/room/lobby/message', { ...post(sessionMessage('привет')), via: ONION_XCHACHA });
    expect([r.status, r.text]).toEqual([429, 'filtration rejected message (alphabet)']);
    const [reply, ...more] = await since(bob, 'lobby', seq);
    expect(more).toEqual([]);
    expect(reply.session_id).toBe(filterBotKeypair('ABC', t.keys.privateKey).id);
    expect(reply).not.toHaveProperty('whisper');
    expect(readSessionText(Buffer.from(reply.data, 'base64'))?.body).toBe('Latin letters only');
  });

  it('says nothing where no section matches the room and the filter', async () => {
    for (const [token, text] of [
      ['quiet', 'привет'],
      ['lobby', 'مرحبا'],
    ]) {
      const seq = await sequence(token);
      const r = await as(alice).post(`/room/${token}/message`, post(sessionMessage(text)));
      expect(r.status).toBe(429);
      expect(await sequence(token)).toBe(seq);
    }
  });

  it('replies to a silently filtered edit by its author only, leaving the message', async () => {
    const m = await t.givenMessage(alice, lobby, sessionMessage('hello'));
    const seq = await sequence('lobby');
    const edit = (who: SessionIdentity) =>
      as(who).put(`/room/lobby/message/${m.id}`, post(sessionMessage('shit', 'Bo')));
    expect((await edit(bob)).status).toBe(403);
    expect(await sequence('lobby')).toBe(seq);
    const ok = await edit(alice);
    expect([ok.status, ok.json()]).toEqual([200, {}]);
    const [reply, ...more] = await since(alice, 'lobby', seq);
    expect(more).toEqual([]);
    expect(readSessionText(Buffer.from(reply.data, 'base64'))?.body).toBe(
      `Language, @${alice.blindedId(t.keys.publicKey)} (Bo) in The Lobby/lobby!`,
    );
  });
});
