import type { DataSource } from 'typeorm';
import type { AppConfig } from '../config/app-config';
import { Database } from './database';
import { createDataSource, migrate, poolOf } from './data-source';
import { startEmbeddedPostgres } from './embedded-postgres';

export interface OpenDatabase {
  dataSource: DataSource;
  database: Database;
  /** The connection URL (the embedded server's, when embedded). */
  url: string;
  /** True when the embedded server in the data directory is in use. */
  embedded: boolean;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts/attaches to the embedded PostgreSQL in the data directory,
 * and applies pending migrations.
 */
export async function openDatabase(
  config: AppConfig,
  log: (line: string) => void,
): Promise<OpenDatabase> {
  const embedded = config.db.url ? undefined : await startEmbeddedPostgres(config.dataDir, log);
  const url = config.db.url ?? embedded!.url;
  const dataSource = createDataSource(url, config.db.poolSize);
  try {
    await dataSource.initialize();
    await migrate(dataSource);
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }
  const database = new Database(poolOf(dataSource));
  return {
    dataSource,
    database,
    url,
    embedded: embedded !== undefined,
    async close() {
      await database.close();
      await dataSource.destroy();
      await embedded?.stop();
    },
  };
}
