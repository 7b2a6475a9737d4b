import { StatementGroup } from './statement-group';

/** A run whose calls are recorded and finish only when released. */
function heldRun() {
  const calls: number[][] = [];
  const releases: (() => void)[] = [];
  const run = async (items: number[]) => {
    calls.push(items);
    await new Promise<void>((done) => releases.push(done));
    if (items.includes(-1)) throw new Error('bad item');
    if (items.includes(-2)) throw Object.assign(new Error('down'), { code: 'ECONNREFUSED' });
    return items.map((n) => n * 10);
  };
  const releaseAll = async () => {
    while (releases.length) {
      releases.shift()!();
      await new Promise((done) => setImmediate(done));
    }
  };
  return { calls, run, releaseAll };
}

describe('StatementGroup', () => {
  it('runs an item at once when nothing is in flight', async () => {
    const g = new StatementGroup(async (items: number[]) => items.map((n) => n + 1), 10, 1);
    expect(await g.add(1)).toBe(2);
  });

  it('groups the items that arrive while statements are in flight, at most maxGroup a group', async () => {
    const { calls, run, releaseAll } = heldRun();
    const g = new StatementGroup(run, 3, 2);
    const answers = Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => g.add(n)));
    await releaseAll();
    expect(await answers).toEqual([10, 20, 30, 40, 50, 60, 70]);
    // Two run at once; the five that arrived meanwhile go three, then two.
    expect(calls).toEqual([[1], [2], [3, 4, 5], [6, 7]]);
  });

  it('runs the items of a failed group alone, so only the bad one fails', async () => {
    const { calls, run, releaseAll } = heldRun();
    const g = new StatementGroup(run, 10, 1);
    const first = g.add(1);
    const rest = [2, -1, 3].map((n) => g.add(n).catch((err: Error) => err.message));
    await releaseAll();
    expect([await first, ...(await Promise.all(rest))]).toEqual([10, 20, 'bad item', 30]);
    expect(calls).toEqual([[1], [2, -1, 3], [2], [-1], [3]]);
  });

  it('fails a whole group at once when the database is unreachable', async () => {
    const { calls, run, releaseAll } = heldRun();
    const g = new StatementGroup(run, 10, 1);
    const first = g.add(1);
    const rest = [2, -2, 3].map((n) => g.add(n).catch((err: Error) => err.message));
    await releaseAll();
    expect([await first, ...(await Promise.all(rest))]).toEqual([10, 'down', 'down', 'down']);
    expect(calls).toEqual([[1], [2, -2, 3]]);
  });
});
