import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES } from '../support/sogs-client';
import { ROUTES } from '../support/spec-routes';
import { TestApp } from '../support/test-app';
import { Dispatcher, type SubResponse } from '../../src/onion/dispatcher';
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

  async function both(target: string, user: User | null): Promise<[SubResponse, SubResponse]> {
    const dispatcher = t.app.get(Dispatcher);
    const lane = t.app.get(InProcessLane);
    const sub = {
      method: 'GET',
      target,
      headers: {},
      body: Buffer.alloc(0),
      defaultContentType: 'application/json',
    };
    const origin = () => ({
      transport: 'onion' as const,
      inherited: { user, memo: new RequestMemo(), depth: 1 },
    });
    const run = jest.spyOn(lane, 'run');
    const inProcess = await dispatcher.dispatch(sub, origin());
    const laneTook = (await run.mock.results[0].value) !== null;
    run.mockResolvedValue(null);
    const replayed = await dispatcher.dispatch(sub, origin());
    run.mockRestore();
    return [{ ...inProcess, laneTook } as SubResponse, { ...replayed, laneTook } as SubResponse];
  }

  it('for every GET route, parameter and caller', async () => {
    const callers: [string, User | null][] = [
      ['anonymous', null],
      ['alice', await t.userOf(alice)],
      ['room admin', await t.userOf(mod)],
    ];
    let taken = 0;
    for (const target of targets()) {
      for (const [who, user] of callers) {
        const [inProcess, replayed] = await both(target, user);
        if ((inProcess as SubResponse & { laneTook: boolean }).laneTook) taken++;
        const show = (r: SubResponse) => ({
          who,
          target,
          code: r.code,
          headers: r.headers,
          body: r.body.toString('base64'),
        });
        expect(show(inProcess)).toEqual(show(replayed));
      }
    }
    // The lane really ran most of them (not everything fell back to the full pipeline).
    expect(taken).toBeGreaterThan(200);
  });
});
