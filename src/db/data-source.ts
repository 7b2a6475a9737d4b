import { DataSource } from 'typeorm';
import type { Pool } from 'pg';
import { InitialSchema1764403200000 } from '../../migrations/1764403200000-InitialSchema';
import { AdminTokens1795941086184 } from '../../migrations/1795941086184-AdminTokens';

/** Every migration, in order. `npm run migration:create` appends here. */
export const MIGRATIONS = [InitialSchema1764403200000, AdminTokens1795941086184];

/** Connection options of every pool (startup parameters, set before the first statement). */
const NO_JIT = '-c jit=off';

// Any constant works; it serialises migrations when several processes start at once.
const MIGRATION_LOCK = 7_305_514_311;

export function createDataSource(url: string, poolSize: number): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    // A request waits at most this long for a connection (PostgreSQL down: 503, not a hang).
    // No JIT: every statement here is short, and the fixed row estimate of a JSON set can price
    // a grouped one high enough to be compiled on every run, which costs more than running it.
    extra: {
      max: poolSize,
      application_name: 'tsogs',
      connectionTimeoutMillis: 5000,
      options: NO_JIT,
    },
  });
}

/** Applies pending migrations under an advisory lock so concurrent starts do not race. */
export async function migrate(ds: DataSource): Promise<void> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}

/** True when every known migration has been applied. */
export async function migrationsApplied(ds: DataSource): Promise<boolean> {
  return !(await ds.showMigrations());
}

/** The pg pool behind TypeORM's connection, shared by the repositories. */
export function poolOf(ds: DataSource): Pool {
  return (ds.driver as unknown as { master: Pool }).master;
}
