import { randomBytes } from 'node:crypto';
import { MaintenanceService } from '../../src/maintenance/maintenance.service';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA, type SogsClient } from '../support/sogs-client';
import { TestApp } from '../support/test-app';

interface Dm {
  id: number;
  posted_at: number;
  expires_at: number;
  sender: string;
  recipient: string;
  message?: string;
}

describe('blinded DMs (api.md §6)', () => {
  let t: TestApp;
  let alice: SessionIdentity;
  let bob: SessionIdentity;
  let a: SogsClient;
  let b: SogsClient;
  const idOf = (s: SessionIdentity) => s.blindedId(t.keys.publicKey);

  beforeAll(async () => {
    t = await TestApp.start({ env: { TSOGS_DM_RATE_LIMIT: '5', TSOGS_DM_RATE_WINDOW: '60' } });
    [alice, bob] = [SessionIdentity.random(), SessionIdentity.random()];
    a = t.client(alice).with({ via: ONION_AES });
    b = t.client(bob).with({ via: ONION_XCHACHA });
    await b.get('/capabilities'); // bob exists once he has made a signed request
    await b.get('/inbox');
  });
  afterAll(() => t.close());

  const send = (c: SogsClient, to: string, message: Buffer | string = randomBytes(40)) =>
    c.post(`/inbox/${to}`, {
      json: { message: Buffer.from(message).toString('base64'), timestamp: 1, public_key: 'x' },
    });

  it('delivers a DM: 201 without the message, then in the inbox and outbox', async () => {
    const body = randomBytes(77);
    const r = await send(a, idOf(bob), body);
    expect(r.status).toBe(201);
    const sent = r.json<Dm>();
    expect(Object.keys(sent).sort()).toEqual([
      'expires_at',
      'id',
      'posted_at',
      'recipient',
      'sender',
    ]);
    expect(sent).toMatchObject({ sender: idOf(alice), recipient: idOf(bob) });
    expect(sent.expires_at - sent.posted_at).toBeCloseTo(15 * 86400, 3);

    const inbox = (await b.get('/inbox')).json<Dm[]>();
    expect(inbox.at(-1)).toEqual({ ...sent, message: body.toString('base64') });
    const outbox = (await a.get('/outbox')).json<Dm[]>();
    expect(outbox.map((d) => d.id)).toContain(sent.id);
  });

  it('answers 304 with no body when nothing is new, also inside a batch', async () => {
    const inbox = (await b.get('/inbox')).json<Dm[]>();
    const last = inbox.at(-1)!.id;
    const r = await b.get(`/inbox/since/${last}`);
    expect(r.status).toBe(304);
    expect(r.body).toHaveLength(0);
    const batch = await b.post('/batch', {
      json: [
        { method: 'GET', path: `/inbox/since/${last}` },
        { method: 'GET', path: '/outbox/since/0' },
      ],
    });
    expect(batch.json()).toEqual([
      { code: 304, headers: {}, body: '' },
      { code: 304, headers: {}, body: '' },
    ]);
    await send(a, idOf(bob));
    const newer = (await b.get(`/inbox/since/${last}`)).json<Dm[]>();
    expect(newer).toHaveLength(1);
    expect(newer[0].id).toBeGreaterThan(last);
  });

  it('needs blinded auth to read and any auth to send', async () => {
    expect((await t.client().get('/inbox', { via: ONION_AES })).status).toBe(401);
    expect((await t.client().get('/outbox/since/0', { via: ONION_AES })).status).toBe(401);
    expect((await t.client().delete('/inbox', { via: ONION_AES })).status).toBe(401);
    const anon = await t
      .client()
      .post(`/inbox/${idOf(bob)}`, { json: { message: 'AA==' }, via: ONION_AES });
    expect(anon.status).toBe(401);
  });

  it('rejects unknown or banned recipients with 404 and bad bodies with 400', async () => {
    expect((await send(a, '15' + 'ab'.repeat(32))).status).toBe(404);
    expect((await send(a, '05' + 'ab'.repeat(32))).status).toBe(404);
    const banned = SessionIdentity.random();
    await t.givenBan(banned, 'global');
    expect((await send(a, idOf(banned))).status).toBe(404);
    // …and a globally banned sender cannot send at all.
    expect((await send(t.client(banned).with({ via: ONION_AES }), idOf(bob))).status).toBe(403);
    expect((await a.post(`/inbox/${idOf(bob)}`, { json: {} })).status).toBe(400);
    expect((await a.post(`/inbox/${idOf(bob)}`, { json: { message: '***' } })).status).toBe(400);
    expect((await a.post(`/inbox/${idOf(bob)}`, { body: 'not json' })).status).toBe(400);
    // the recipient is checked before the body, as PySOGS does
    expect((await a.post(`/inbox/15${'cd'.repeat(32)}`, { body: 'not json' })).status).toBe(404);
    expect((await b.get('/inbox/since/99999999999999999999')).status).toBe(304);
  });

  it('refuses DMs over the size cap with 413', async () => {
    expect((await send(a, idOf(bob), randomBytes(65_537))).status).toBe(413);
  });

  it('rate-limits each sender', async () => {
    const carol = t.client(SessionIdentity.random()).with({ via: ONION_AES });
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await send(carol, idOf(bob))).status);
    expect(codes).toEqual([201, 201, 201, 201, 201, 429]);
  });

  it('deletes the whole inbox and expires old DMs', async () => {
    const mine = t.client(SessionIdentity.random()).with({ via: ONION_AES });
    await mine.get('/inbox');
    const me = idOf(mine.identity!);
    await send(a, me);
    await send(a, me);
    expect((await mine.delete('/inbox')).json()).toEqual({ deleted: 2 });
    expect((await mine.get('/inbox')).json()).toEqual([]);
    await send(a, me);
    t.clock.advance(15 * 86400 + 1);
    try {
      expect((await mine.get('/inbox')).json()).toEqual([]);
      await t.app.get(MaintenanceService).runOnce();
    } finally {
      t.clock.advance(-(15 * 86400 + 1));
    }
    const rows = await t.db.query(
      'SELECT 1 FROM inbox i JOIN users u ON u.id = i.recipient_id WHERE u.session_id = $1',
      [me],
    );
    expect(rows).toHaveLength(0);
  });

  it('refuses unblinded callers on inbox routes', async () => {
    const legacy = await TestApp.start({ env: { TSOGS_REQUIRE_BLIND_KEYS: 'no' } });
    try {
      const r = await legacy
        .client(SessionIdentity.random())
        .get('/inbox', { mode: 'unblinded', via: ONION_AES });
      expect([r.status, r.text]).toEqual([401, 'This endpoint requires blinded pubkeys be used']);
    } finally {
      await legacy.close();
    }
  });
});
