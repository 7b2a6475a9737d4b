import { isTransientDatabaseError } from './db-errors';

interface Waiting<In, Out> {
  item: In;
  resolve(out: Out): void;
  reject(err: unknown): void;
}

/**
 * Runs the items of many requests as few statements: while `concurrency` statements are in
 * flight, items arriving meanwhile wait and go together (at most `maxGroup`) in the next one.
 * Under load many requests share one round trip; an idle server runs each item at once.
 * `run` answers for each item of a group, in order. When a group fails, each of its items is
 * run alone, so that one item's failure is its own; unless the database is unreachable, when
 * every item fails at once rather than waiting for it again one after the other.
 */
export class StatementGroup<In, Out> {
  private queue: Waiting<In, Out>[] = [];
  private running = 0;

  constructor(
    private readonly run: (items: In[]) => Promise<Out[]>,
    private readonly maxGroup: number,
    private readonly concurrency: number,
  ) {}

  add(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.running < this.concurrency) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running++;
    while (this.queue.length) {
      const group = this.queue.splice(0, this.maxGroup);
      try {
        await this.settle(group);
      } catch (err) {
        if (group.length === 1 || isTransientDatabaseError(err)) {
          for (const w of group) w.reject(err);
        } else {
          for (const w of group) await this.settle([w]).catch((e: unknown) => w.reject(e));
        }
      }
    }
    this.running--;
  }

  private async settle(group: Waiting<In, Out>[]): Promise<void> {
    const results = await this.run(group.map((w) => w.item));
    group.forEach((w, i) => w.resolve(results[i]));
  }
}
