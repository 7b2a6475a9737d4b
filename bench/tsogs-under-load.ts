/** tsogs started on a fresh bench database, with history, joined clients and a generator. */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { BlindedClient, type PollState } from './client';
import { Generator } from './generate';
import type { BenchOptions } from './options';
import { Child } from './procs';
import { addRooms, populate, resetDatabase } from './setup';

const ROOT = path.resolve(__dirname, '../..');
export const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

export interface TsogsUnderLoad {
  /** The environment tsogs runs with (the floor server reuses it). */
  env: NodeJS.ProcessEnv;
  tsogs: Child;
  gen: Generator;
  states: PollState[];
  /** A connection to the bench database, for pg_stat_database. */
  stats: Client;
  /** Stops the generator and the stats connection and removes the data directory. */
  close(): Promise<void>;
}

/** `nodeArgs` go before the entry point (profiling); `extraEnv` is added to tsogs's env. */
export async function startTsogsUnderLoad(
  o: BenchOptions,
  nodeArgs: string[] = [],
  extraEnv: (dataDir: string) => NodeJS.ProcessEnv = () => ({}),
): Promise<TsogsUnderLoad> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'tsogs-bench-'));
  const dbUrl = `${o.pgUrl}/${o.database}`;
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: dbUrl,
    TSOGS_DATA_DIR: dataDir,
    HOST: '127.0.0.1',
    PORT: String(o.port),
    TSOGS_WORKERS: String(o.workers),
  };
  const tokens = Array.from({ length: o.rooms }, (_, i) => `bench${i + 1}`);
  log(`fresh database ${o.database}, ${o.rooms} rooms, data dir ${dataDir}`);
  await resetDatabase(o.pgUrl, o.database);
  await addRooms(tokens, env);
  const stats = new Client({ connectionString: dbUrl });
  await stats.connect();
  const entry = path.join(ROOT, 'dist/src/main.js');
  const ready = /public key: ([0-9a-f]{64})/;
  const tsogs = await Child.start([...nodeArgs, entry], { ...env, ...extraEnv(dataDir) }, ready);
  const pub = Buffer.from(ready.exec(tsogs.output)![1], 'hex');
  const seeds = randomBytes(32 * o.clients);
  const gen = await Generator.start(o.genThreads, { seeds, serverPubkey: pub, rooms: tokens });
  log(`${o.history} messages of history per room, then ${o.clients} clients join`);
  const first = new BlindedClient(seeds.subarray(0, 32), pub);
  const states = await populate(gen, o.port, o, first, pub, tokens);
  return {
    env,
    tsogs,
    gen,
    states,
    stats,
    close: async () => {
      await gen.close();
      await stats.end();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
