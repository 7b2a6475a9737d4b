import { RequestMemo, type PollSnapshot, type RoomForCaller } from './request-memo';
import type { Room } from '../rooms/room';
import type { MessageRow } from '../messages/message';
import type { SinceResult } from '../messages/message-reads.service';

const found = (token: string): RoomForCaller => ({ room: { token } as Room, override: null });
const snapshot = (rooms: [string, RoomForCaller][], dms: PollSnapshot['dms'] = null) => ({
  rooms: new Map(rooms),
  dms,
  news: new Map(),
});

describe('RequestMemo.prefetch', () => {
  it('answers later lookups from one load, case-insensitively, null for unknown rooms', async () => {
    const memo = new RequestMemo();
    const load = jest.fn(async (tokens: string[], withDms: boolean) => {
      expect([tokens, withDms]).toEqual([['lobby', 'dev', 'nope'], true]);
      return snapshot(
        [
          ['lobby', found('Lobby')],
          ['dev', found('dev')],
        ],
        { inbox: 7, outbox: 0 },
      );
    });
    memo.prefetch(['Lobby', 'dev', 'LOBBY', 'nope'], true, load);
    const single = jest.fn(async () => found('x'));
    expect(await memo.room('lobby', single)).toEqual(found('Lobby'));
    expect(await memo.room('DEV', single)).toEqual(found('dev'));
    expect(await memo.room('nope', single)).toBeNull();
    expect(await memo.dmHighs()).toEqual({ inbox: 7, outbox: 0 });
    expect(load).toHaveBeenCalledTimes(1);
    expect(single).not.toHaveBeenCalled();
  });

  it('has no DM highs unless asked for them, and forgets them when cleared', async () => {
    const memo = new RequestMemo();
    memo.prefetch(['a', 'b'], false, async () => snapshot([]));
    expect(memo.dmHighs()).toBeUndefined();
    memo.prefetch([], true, async () => snapshot([], { inbox: 1, outbox: 2 }));
    expect(await memo.dmHighs()).toEqual({ inbox: 1, outbox: 2 });
    memo.clear();
    expect(memo.dmHighs()).toBeUndefined();
  });

  it('leaves what is already known alone, and loads nothing when all is known', async () => {
    const memo = new RequestMemo();
    await memo.room('lobby', async () => found('first'));
    memo.prefetch([], true, async () => snapshot([], { inbox: 1, outbox: 1 }));
    const load = jest.fn(async () => snapshot([]));
    memo.prefetch(['lobby'], true, load);
    expect(load).not.toHaveBeenCalled();
    expect(await memo.room('lobby', async () => found('second'))).toEqual(found('first'));
  });

  it('hands a failed load to the lookups that await it, and to no one else', async () => {
    const memo = new RequestMemo();
    memo.prefetch(['a', 'b'], true, () => Promise.reject(new Error('database down')));
    await expect(memo.room('a', async () => found('a'))).rejects.toThrow('database down');
    memo.clear(); // 'b' and the DM highs are never awaited: no unhandled rejection may escape
    await new Promise((done) => setImmediate(done));
    expect(await memo.room('b', async () => found('b'))).toEqual(found('b'));
  });
});

describe('RequestMemo.readSinceWith', () => {
  const rows: SinceResult = { rows: [{ id: 7 }] as unknown as MessageRow[], reactions: new Map() };

  it('loads when first asked, once, and forgets the rows and the loader when cleared', async () => {
    const memo = new RequestMemo();
    expect(memo.sinceResults()).toBeUndefined();
    const load = jest.fn(async () => new Map([['1:false:0:100:true', rows]]));
    memo.readSinceWith(load);
    expect(load).not.toHaveBeenCalled();
    expect((await memo.sinceResults())?.get('1:false:0:100:true')).toBe(rows);
    await memo.sinceResults();
    expect(load).toHaveBeenCalledTimes(1);
    memo.clear();
    expect(memo.sinceResults()).toBeUndefined();
  });

  it('turns a failed read into no rows, so that every read queries for itself', async () => {
    const memo = new RequestMemo();
    memo.readSinceWith(() => Promise.reject(new Error('database down')));
    expect((await memo.sinceResults())?.size).toBe(0);
  });
});

describe('RequestMemo.known', () => {
  it('peeks at a room looked up already, case-insensitively, and never starts a lookup', async () => {
    const memo = new RequestMemo();
    expect(memo.known('lobby')).toBeUndefined();
    memo.prefetch(['Lobby'], false, async () => snapshot([['lobby', found('lobby')]]));
    expect(await memo.known('LOBBY')).toEqual(found('lobby'));
    expect(memo.known('other')).toBeUndefined();
    expect(await memo.room('other', async () => found('other'))).toEqual(found('other'));
  });
});
