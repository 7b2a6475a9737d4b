import { Pool, types, type PoolClient, type QueryConfig } from 'pg';

// Ids, seqnos and counters are bigint columns; every value fits a JS number exactly.
types.setTypeParser(types.builtins.INT8, (v) => Number(v));

/** Anything that runs a parameterised query: the pool, or a client inside a transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** Distinct statement texts given a name; the rest (none today) run unnamed. */
const MAX_NAMED_STATEMENTS = 500;
const statementNames = new Map<string, string>();

/**
 * A query as a named prepared statement: each connection parses and plans a text once, then
 * only binds and executes it. Parsing and planning were more than half of PostgreSQL's CPU time
 * per client poll. Repositories use a fixed set of texts; the cap keeps a text built from data
 * from filling every connection with statements.
 */
function prepared(sql: string, params: unknown[]): QueryConfig {
  let name = statementNames.get(sql);
  if (name === undefined && statementNames.size < MAX_NAMED_STATEMENTS) {
    name = `tsogs_${statementNames.size}`;
    statementNames.set(sql, name);
  }
  return { name, text: sql, values: params };
}

class ClientQueryable implements Queryable {
  constructor(private readonly client: PoolClient) {}
  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query(prepared(sql, params))).rows as T[];
  }
}

/**
 * Thin access to PostgreSQL for repositories: plain parameterised SQL on the pool TypeORM opened,
 * and explicit transactions that are handed to each step.
 */
export class Database implements Queryable {
  /** Two connections whose commits return before the WAL is flushed: see `queryAsyncCommit`. */
  private readonly asyncCommits: Pool;

  constructor(private readonly pool: Pool) {
    this.asyncCommits = new Pool({
      ...pool.options,
      max: 2,
      options: `${pool.options.options ?? ''} -c synchronous_commit=off`.trim(),
    });
    // An idle connection that breaks (PostgreSQL restarting) is replaced on next use; the
    // event must have a listener, or it would end the process.
    this.asyncCommits.on('error', () => undefined);
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.pool.query(prepared(sql, params))).rows as T[];
  }

  /**
   * A statement committed asynchronously (PostgreSQL's `synchronous_commit = off`): it is seen by
   * everyone at once, as any commit, but acknowledged before it reaches the disk, so a request
   * does not wait for a flush. Only for writes a crash of PostgreSQL may forget without harm —
   * request nonces and activity times: at most the last ~0.6 s of them (3 × wal_writer_delay),
   * and any later ordinary commit (a post, say) makes them durable too.
   */
  async queryAsyncCommit<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.asyncCommits.query(prepared(sql, params))).rows as T[];
  }

  /** Closes the asynchronous-commit connections (the main pool belongs to TypeORM). */
  async close(): Promise<void> {
    await this.asyncCommits.end();
  }

  /** Connections of this process's pool (for metrics). */
  poolStats(): { total: number; idle: number; waiting: number } {
    return {
      total: this.pool.totalCount,
      idle: this.pool.idleCount,
      waiting: this.pool.waitingCount,
    };
  }

  async transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(new ClientQueryable(client));
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }
}
