import { RequestMemo, type RoomForCaller } from './request-memo';
import type { Room } from '../rooms/room';

const found = (token: string): RoomForCaller => ({ room: { token } as Room, override: null });

describe('RequestMemo.prefetchRooms', () => {
  it('answers later lookups from one load, case-insensitively, null for unknown rooms', async () => {
    const memo = new RequestMemo();
    const loadAll = jest.fn(async (tokens: string[]) => {
      expect(tokens).toEqual(['lobby', 'dev', 'nope']);
      return new Map([
        ['lobby', found('Lobby')],
        ['dev', found('dev')],
      ]);
    });
    memo.prefetchRooms(['Lobby', 'dev', 'LOBBY', 'nope'], loadAll);
    const single = jest.fn(async () => found('x'));
    expect(await memo.room('lobby', single)).toEqual(found('Lobby'));
    expect(await memo.room('DEV', single)).toEqual(found('dev'));
    expect(await memo.room('nope', single)).toBeNull();
    expect(loadAll).toHaveBeenCalledTimes(1);
    expect(single).not.toHaveBeenCalled();
  });

  it('leaves tokens already looked up alone, and loads nothing when all are known', async () => {
    const memo = new RequestMemo();
    await memo.room('lobby', async () => found('first'));
    const loadAll = jest.fn(async () => new Map<string, RoomForCaller>());
    memo.prefetchRooms(['lobby'], loadAll);
    expect(loadAll).not.toHaveBeenCalled();
    expect(await memo.room('lobby', async () => found('second'))).toEqual(found('first'));
  });

  it('hands a failed load to the lookups that await it, and to no one else', async () => {
    const memo = new RequestMemo();
    memo.prefetchRooms(['a', 'b'], () => Promise.reject(new Error('database down')));
    await expect(memo.room('a', async () => found('a'))).rejects.toThrow('database down');
    memo.clear(); // 'b' is never awaited: no unhandled rejection may escape
    await new Promise((done) => setImmediate(done));
    expect(await memo.room('b', async () => found('b'))).toEqual(found('b'));
  });
});
