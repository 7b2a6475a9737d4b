import os from 'node:os';
import { MigrationExecutor, type DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { Database } from '../db/database';
import { createDataSource, migrate, poolOf } from '../db/data-source';
import { startEmbeddedPostgres } from '../db/embedded-postgres';
import type { CliCommand } from './cli-args';
import { CliUsageError } from './cli-usage.error';

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGHUP', 'SIGINT', 'SIGTERM'];

/** The CLI's connection: the pool the services use, and the data source for migrations. */
export interface CliDatabase {
  dataSource: DataSource;
  database: Database;
  close(): Promise<void>;
}

/**
 * Connects like the server (`openDatabase`) but does not migrate: `--check-upgrades` must change
 * nothing, and other commands follow `settleSchema`.
 */
export async function openCliDatabase(config: AppConfig): Promise<CliDatabase> {
  const embedded = config.db.url
    ? undefined
    : await startEmbeddedPostgres(config.dataDir, () => undefined);
  const dataSource = createDataSource(config.db.url ?? embedded!.url, config.db.poolSize);
  try {
    await dataSource.initialize();
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  const database = new Database(poolOf(dataSource));
  // Interrupted (Ctrl-C at a prompt, a kill), a command still stops the PostgreSQL it started,
  // then exits as the signal would have (128 + its number); a running server's is left alone.
  const interrupted = (signal: NodeJS.Signals) =>
    void embedded!.stop().finally(() => process.exit(128 + os.constants.signals[signal]));
  if (embedded) for (const signal of STOP_SIGNALS) process.once(signal, interrupted);
  return {
    dataSource,
    database,
    async close() {
      for (const signal of STOP_SIGNALS) process.off(signal, interrupted);
      await database.close();
      await dataSource.destroy();
      await embedded?.stop();
    },
  };
}

/** Names of the migrations not yet applied; read-only, unlike TypeORM's `showMigrations`. */
export async function pendingMigrations(ds: DataSource): Promise<string[]> {
  return (await new MigrationExecutor(ds).getPendingMigrations()).map((m) => m.name);
}

/** PySOGS's message when database upgrades are pending (exit status 5). */
export function upgradeRequired(pending: string[]): string {
  return (
    `Database upgrades are required: ${pending.join(', ')}\n\n` +
    'You can attempt the upgrade using the --upgrade flag; see --help for details.'
  );
}

/**
 * PySOGS's database rules before a command runs; returns what to print. `--initialize` creates
 * the schema of an empty database and refuses an existing one; `--upgrade` migrates; other
 * commands exit 5 while an existing schema is outdated. Unlike PySOGS, which wants `--initialize`
 * first, they create the schema of an empty database, so rooms can be set up before the server
 * first runs.
 */
export async function settleSchema(ds: DataSource, kind: CliCommand['kind']): Promise<string[]> {
  const pending = await pendingMigrations(ds);
  const runner = ds.createQueryRunner();
  const exists = await runner.hasTable('messages').finally(() => runner.release());
  switch (kind) {
    case 'initialize':
      if (exists) throw new CliUsageError('Unable to initialize database: tables already exist');
      await migrate(ds);
      return ['Database schema created.'];
    case 'upgrade':
      if (!pending.length) return ['No database upgrades required.'];
      await migrate(ds);
      return ['Database successfully upgraded.'];
    default:
      if (!exists) await migrate(ds);
      else if (pending.length) throw new CliUsageError(upgradeRequired(pending), 5);
      return [];
  }
}
