/**
 * Diagnostic preload for the tsogs process (`--query-census 1`): counts the SQL statements it
 * sends, by text, and writes the counts to $QUERY_CENSUS_OUT.<pid> on SIGUSR2 and at exit (the
 * primary and each worker, which inherit the preload, write their own). It wraps
 * pg's Client.query, which TypeORM's pool uses; tsogs itself is not changed.
 */
import { writeFileSync } from 'node:fs';
import { Client } from 'pg';

const counts: Record<string, number> = {};
const query = Client.prototype.query as (...args: unknown[]) => unknown;

(Client.prototype as unknown as { query: typeof query }).query = function (
  this: Client,
  ...args: unknown[]
) {
  const sql = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
  if (sql) {
    const key = sql.replace(/\s+/g, ' ').trim().slice(0, 140);
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return query.apply(this, args);
};

const dump = () =>
  writeFileSync(`${process.env.QUERY_CENSUS_OUT!}.${process.pid}`, JSON.stringify(counts));
process.on('SIGUSR2', dump);
process.on('exit', dump);
