import 'reflect-metadata';
import cluster from 'node:cluster';
import { Logger } from '@nestjs/common';
import { loadConfig, ConfigError } from './config/env.schema';
import type { AppConfig } from './config/app-config';
import { loadOrCreateKeyFile } from './config/server-keys';
import { sodiumReady } from './crypto/sodium';
import { openDatabase } from './db/open-database';
import { RoomsRepository } from './rooms/rooms.repository';
import { banner } from './server/banner';
import { listen, onShutdown } from './server/worker';
import { JsonLogger } from './common/json-logger';
import { startAdminServer } from './admin/admin-server';

/** `--workers N` on the command line overrides TSOGS_WORKERS. */
function withArgs(argv: string[]): Record<string, string | undefined> {
  const i = argv.indexOf('--workers');
  return i >= 0 ? { ...process.env, TSOGS_WORKERS: argv[i + 1] } : process.env;
}

/**
 * Each worker's V8 heap limit, unless the operator set one. V8 sizes a heap's growth from its
 * limit: with the default (a quarter of the machine's memory) a worker holding ~50 MB let its
 * heap grow to ~110 MB between collections; with this limit its RSS stays near 150 MB, at the
 * same speed (README, Deployment at scale).
 */
const WORKER_HEAP_MB = 1024;

function workerExecArgv(): string[] {
  const flag = /--max-old-space-size\b/;
  const set =
    process.execArgv.some((a) => flag.test(a)) || flag.test(process.env.NODE_OPTIONS ?? '');
  return set ? process.execArgv : [...process.execArgv, `--max-old-space-size=${WORKER_HEAP_MB}`];
}

/**
 * The primary process opens the database (starting the embedded server if needed), applies
 * migrations once and serves the admin API; it then forks the workers, each a full server on the
 * shared port with its own connection pool, and replaces any that dies. All shared state lives
 * in PostgreSQL.
 */
async function primary(config: AppConfig, logger: JsonLogger): Promise<void> {
  await sodiumReady();
  const keys = loadOrCreateKeyFile(config.keyFile);
  const db = await openDatabase(config, (line) => logger.debug(line, 'postgres'));
  const rooms = await new RoomsRepository(db.database).list();
  // The admin API lives in the primary only, on its own socket/loopback port.
  const admin = await startAdminServer({ config, keys, database: db.database }, logger);
  let stopping = false;
  cluster.setupPrimary({ execArgv: workerExecArgv() });
  const fork = () => cluster.fork({ TSOGS_WORKER_DATABASE_URL: db.url });
  await Promise.all(
    Array.from(
      { length: config.http.workers },
      () => new Promise((ok) => fork().once('listening', ok)),
    ),
  );
  process.stdout.write(banner(config, keys, rooms, db.embedded));
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    logger.error(
      `worker ${worker.process.pid} exited (${signal ?? code}); starting another`,
      'cluster',
    );
    fork();
  });
  onShutdown(async () => {
    stopping = true;
    const workers = Object.values(cluster.workers ?? {});
    await Promise.all(
      workers.map(
        (w) =>
          new Promise((done) =>
            w!.isDead() ? done(null) : (w!.once('exit', done), w!.kill('SIGTERM')),
          ),
      ),
    );
    await admin.close();
    await db.close();
  });
}

async function worker(config: AppConfig, logger: JsonLogger): Promise<void> {
  await sodiumReady();
  const keys = loadOrCreateKeyFile(config.keyFile);
  // The primary started (or found) the database and migrated it; workers only connect.
  const db = await openDatabase(
    { ...config, db: { ...config.db, url: process.env.TSOGS_WORKER_DATABASE_URL } },
    () => undefined,
  );
  const app = await listen(config, keys, db.database, logger);
  onShutdown(async () => {
    await app.close();
    await db.close();
  });
}

async function main(): Promise<void> {
  const config = loadConfig(withArgs(process.argv));
  const json = new JsonLogger(config.log.level);
  Logger.overrideLogger(json);
  await (cluster.isPrimary ? primary(config, json) : worker(config, json));
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err)}\n`,
  );
  process.exit(1);
});
