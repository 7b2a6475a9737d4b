/**
 * Request generator in worker threads, so client-side crypto never runs on the load loop: the
 * closed loop gets a pool made before it starts, the open loop gets each request made ahead of
 * its send time from the client's latest state. Workers time their own work (busy ms).
 */
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { sodiumReady } from '../src/crypto/sodium';
import { BlindedClient, pollRequest, postRequest, type PollState, type Sealed } from './client';

export type GenJob =
  | { kind: 'poll'; client: number; state: PollState }
  | { kind: 'post'; client: number; room: number };

interface Init {
  /** 32-byte Ed25519 seeds, one per client, concatenated. */
  seeds: Uint8Array;
  serverPubkey: Uint8Array;
  rooms: string[];
}

interface Reply {
  id: number;
  out: Sealed[];
  busyMs: number;
}

async function serve(init: Init): Promise<void> {
  await sodiumReady();
  const pub = init.serverPubkey;
  // Deriving the blinded keys is a once-per-client cost, so it happens before any timing.
  const clients = Array.from(
    { length: init.seeds.length / 32 },
    (_, i) => new BlindedClient(init.seeds.subarray(i * 32, i * 32 + 32), pub),
  );
  parentPort!.on('message', ({ id, jobs }: { id: number; jobs: GenJob[] }) => {
    const t0 = performance.now();
    const out = jobs.map((j) =>
      j.kind === 'poll'
        ? pollRequest(clients[j.client], pub, init.rooms, j.state)
        : postRequest(clients[j.client], pub, init.rooms[j.room]),
    );
    parentPort!.postMessage({ id, out, busyMs: performance.now() - t0 } satisfies Reply);
  });
  parentPort!.postMessage('ready');
}

if (!isMainThread && (workerData as { benchGenerator?: Init })?.benchGenerator) {
  void serve((workerData as { benchGenerator: Init }).benchGenerator);
}

/** The main thread's handle on the generator threads. */
export class Generator {
  /** Requests made and the generator threads' busy time making them. */
  made = 0;
  busyMs = 0;
  private readonly pending = new Map<number, (out: Sealed[]) => void>();
  private nextId = 0;
  private turn = 0;

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on('message', (m: Reply) => {
        this.made += m.out.length;
        this.busyMs += m.busyMs;
        this.pending.get(m.id)!(m.out);
        this.pending.delete(m.id);
      });
    }
  }

  static async start(threads: number, init: Init): Promise<Generator> {
    const workers = Array.from(
      { length: threads },
      () => new Worker(__filename, { workerData: { benchGenerator: init } }),
    );
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((ok, fail) => {
            w.once('message', () => ok());
            w.once('error', fail);
          }),
      ),
    );
    return new Generator(workers);
  }

  /** Makes `jobs` on the next thread in turn. */
  run(jobs: GenJob[]): Promise<Sealed[]> {
    const id = this.nextId++;
    const worker = this.workers[this.turn++ % this.workers.length];
    return new Promise((ok) => {
      this.pending.set(id, ok);
      worker.postMessage({ id, jobs });
    });
  }

  /** Makes many jobs on all threads at once, in order. */
  async runAll(jobs: GenJob[], chunk = 500): Promise<Sealed[]> {
    const parts: Promise<Sealed[]>[] = [];
    for (let i = 0; i < jobs.length; i += chunk) parts.push(this.run(jobs.slice(i, i + chunk)));
    return (await Promise.all(parts)).flat();
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
