import { SessionIdentity, sogsHeaders } from '../support/client-crypto';
import { ONION_AES } from '../support/sogs-client';
import { ROUTES } from '../support/spec-routes';
import { TestApp } from '../support/test-app';
import { Dispatcher, type SubRequest, type SubResponse } from '../../src/onion/dispatcher';
import { InProcessLane } from '../../src/onion/in-process-lane';
import { RequestMemo } from '../../src/common/request-memo';
import type { User } from '../../src/users/user';

/**
 * A /batch GET runs straight through its route's Nest handler (in-process-lane.ts) instead of
 * Fastify's lifecycle. Every GET route of the spec, with good and bad parameters, and paths that
 * match no route, must answer the same status, headers and body both ways, for every kind of
 * caller.
 */
describe('the in-process lane answers exactly as the full pipeline', () => {
  let t: TestApp;
  let alice: SessionIdentity;
  let mod: SessionIdentity;
  const values: Record<string, string[]> = {};

  beforeAll(async () => {
    t = await TestApp.start();
    [alice, mod] = [SessionIdentity.random(), SessionIdentity.random()];
    const lobby = await t.givenRoom('lobby', { description: 'the <lobby>' });
    await t.givenRoom('closed', { defaults: { read: false, accessible: true } });
    await t.givenRoom('hidden', { defaults: { read: false, accessible: false } });
    await t.givenModerator(mod, lobby, { admin: true });
    const m = await t.givenMessage(alice, lobby, 'hello');
    await t.givenMessage(mod, lobby, 'whisper', { whisper_to: alice.blindedId(t.keys.publicKey) });
    const a = t.client(alice).with({ via: ONION_AES });
    expect((await a.put(`/room/lobby/reaction/${m.id}/${encodeURIComponent('👍')}`)).status).toBe(
      200,
    );
    const up = await a.post('/room/lobby/file', {
      body: Buffer.from('file bytes'),
      headers: { 'Content-Disposition': 'attachment; filename="a b.txt"' },
    });
    expect(up.status).toBe(201);
    const modId = mod.blindedId(t.keys.publicKey);
    const dm = await a.post(`/inbox/${modId}`, { json: { message: 'aGk=' } });
    expect(dm.status).toBe(201);
    const fileId = String(up.json<{ id: number }>().id);
    values[':token'] = ['lobby', 'LOBBY', 'closed', 'hidden', 'nope', '%F0%9F%91%8D', 'a;b'];
    values[':room'] = ['lobby', 'hidden', 'nope', 'x%2Fy'];
    values[':id'] = [String(m.id), fileId, '0', 'x', '99999999999999999999', '-1'];
    values[':info'] = ['0', '1', 'x'];
    values[':seqno'] = ['0', '1', '1000', 'x'];
    values[':sid'] = [modId, `05${modId.slice(2)}`, 'junk'];
    values[':filename'] = ['a.txt', '%20x'];
    values['*'] = [encodeURIComponent('👍'), 'a/b', ''];
  });
  afterAll(() => t.close());

  /** Each GET template of the spec with each value of each parameter (the rest fixed). */
  function targets(): string[] {
    const out = new Set<string>();
    for (const route of ROUTES.filter((r) => r.method === 'GET')) {
      const segments = route.path.split('/');
      const params = segments.filter((s) => values[s]);
      const fill = (varied: string | null, value: string) =>
        segments.map((s) => (s === varied ? value : (values[s]?.[0] ?? s))).join('/');
      out.add(fill(null, ''));
      for (const p of params) for (const v of values[p]) out.add(fill(p, v));
    }
    const extras = [
      '/capabilities?required=sogs',
      '/capabilities?required=sogs,nope&required=x',
      '/room/lobby/messages/recent?limit=1',
      '/room/lobby/messages/recent?limit=abc',
      '/room/lobby/messages/since/0?t=r&reactors=5',
      '/room/lobby/messages/since/0?t=r&reactors=x',
      '/room/lobby/messages/since/0?t=r+r&t=x',
      '/inbox?limit=0',
      '/outbox?limit=300',
      '/room/lobby/',
      '/room//pollInfo/0',
      '//rooms',
      '/ROOMS',
      '/nope',
      '/room/lobby/pollInfo',
      '/batch',
      '/room/lobby/message',
      '/r/lobby/',
      '/static/nope.css',
    ];
    return [...out, ...extras];
  }

  type Origin = Parameters<Dispatcher['dispatch']>[1];
  type Made = { sub: SubRequest; origin: Origin };

  /** The same request run twice, made afresh each time (a signature's nonce is single-use). */
  async function both(make: () => Made): Promise<[Shown, Shown, boolean]> {
    const dispatcher = t.app.get(Dispatcher);
    const run = jest.spyOn(t.app.get(InProcessLane), 'run');
    const first = make();
    const inProcess = await dispatcher.dispatch(first.sub, first.origin);
    const laneTook = (await run.mock.results[0].value) !== null;
    run.mockResolvedValue(null);
    const second = make();
    const replayed = await dispatcher.dispatch(second.sub, second.origin);
    run.mockRestore();
    return [show(inProcess), show(replayed), laneTook];
  }

  type Shown = { code: number; headers: Record<string, string>; body: string };
  const show = (r: SubResponse): Shown => ({
    code: r.code,
    headers: r.headers,
    body: r.body.toString('base64'),
  });

  const request = (
    method: string,
    target: string,
    headers: Record<string, string> = {},
    body = Buffer.alloc(0),
  ): SubRequest => ({ method, target, headers, body, defaultContentType: 'application/json' });

  const inherited = (user: User | null): Origin => ({
    transport: 'onion',
    inherited: { user, memo: new RequestMemo(), depth: 1 },
  });

  /** Headers signed by `who` for this request (fresh nonce), or signed over another path. */
  const signed = (
    who: SessionIdentity,
    method: string,
    target: string,
    body?: Buffer,
    signedPath?: string,
  ) =>
    sogsHeaders({
      identity: who,
      serverPubkey: t.keys.publicKey,
      method,
      path: target,
      body,
      mode: 'blinded',
      timestamp: Math.floor(t.clock.now()),
      signedPath,
    });

  function expectSame(label: string, [a, b]: [Shown, Shown, boolean]) {
    expect({ label, ...a }).toEqual({ label, ...b });
  }

  it('for every GET route, parameter and caller of a /batch', async () => {
    const callers: [string, User | null][] = [
      ['anonymous', null],
      ['alice', await t.userOf(alice)],
      ['room admin', await t.userOf(mod)],
    ];
    let taken = 0;
    for (const target of targets()) {
      for (const [who, user] of callers) {
        const result = await both(() => ({ sub: request('GET', target), origin: inherited(user) }));
        if (result[2]) taken++;
        expectSame(`${who} ${target}`, result);
      }
    }
    // The lane really ran most of them (not everything fell back to the full pipeline).
    expect(taken).toBeGreaterThan(200);
  });

  it('for every GET route as an onion request: signed, anonymous, forged or malformed', async () => {
    const onion: Origin = { transport: 'onion' };
    let taken = 0;
    for (const target of targets()) {
      const cases: [string, () => Record<string, string>][] = [
        ['signed', () => signed(alice, 'GET', target)],
        ['anonymous', () => ({})],
        ['forged', () => signed(alice, 'GET', target, undefined, '/elsewhere')],
        ['malformed', () => ({ ...signed(alice, 'GET', target), 'X-SOGS-Pubkey': 'zz' })],
      ];
      for (const [label, headers] of cases) {
        const result = await both(() => ({
          sub: request('GET', target, headers()),
          origin: onion,
        }));
        if (result[2]) taken++;
        expectSame(`${label} ${target}`, result);
      }
    }
    expect(taken).toBeGreaterThan(250);
  });

  it('for /batch and /sequence as onion requests and inside each other', async () => {
    const poll = JSON.stringify([
      { method: 'GET', path: '/capabilities' },
      { method: 'GET', path: '/room/lobby/pollInfo/0' },
      { method: 'GET', path: '/room/lobby/messages/since/0?t=r&reactors=5' },
      { method: 'GET', path: '/room/closed/messages/since/0?t=r&reactors=5' },
      { method: 'GET', path: '/inbox/since/0' },
      { method: 'GET', path: '/outbox/since/0' },
      { method: 'POST', path: '/batch', json: [{ method: 'GET', path: '/room/nope' }] },
    ]);
    const bodies = [poll, '[]', 'not json', '{"a":1}', '[{"method":"GET"}]'];
    const onion: Origin = { transport: 'onion' };
    for (const target of ['/batch', '/sequence']) {
      for (const text of bodies) {
        const body = Buffer.from(text);
        const cases: [string, () => Made][] = [
          [
            'signed',
            () => ({
              sub: request('POST', target, signed(mod, 'POST', target, body), body),
              origin: onion,
            }),
          ],
          ['anonymous', () => ({ sub: request('POST', target, {}, body), origin: onion })],
          [
            'forged',
            () => ({
              sub: request('POST', target, signed(mod, 'POST', target, Buffer.from('x')), body),
              origin: onion,
            }),
          ],
          [
            'inside a batch',
            () => ({ sub: request('POST', target, {}, body), origin: inherited(null) }),
          ],
        ];
        for (const [label, make] of cases)
          expectSame(`${label} ${target} ${text}`, await both(make));
      }
    }
  });
});
