import { createDataSource, migrate } from '../../src/db/data-source';
import { adminQuery, TEMPLATE_DB, urlFor } from './test-database';

/** Migrates a template database once; each test file clones it. */
export default async function globalSetup(): Promise<void> {
  await adminQuery(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await adminQuery(`CREATE DATABASE ${TEMPLATE_DB}`);
  const ds = createDataSource(urlFor(TEMPLATE_DB), 2);
  await ds.initialize();
  try {
    await migrate(ds);
  } finally {
    await ds.destroy();
  }
}
