import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { Client, types } from 'pg';

/** Rows are read and written in batches of this many, so a large server never sits in memory. */
export const BATCH = 1000;

/** One selected column: `column` from the table under the name `alias`, or NULL when absent. */
export interface Selected {
  alias: string;
  column: string | null;
}

/**
 * Read access to a PySOGS database, SQLite or PostgreSQL, as plain rows. Values come back as the
 * driver gives them (SQLite booleans are 0/1, PostgreSQL ones are booleans); pysogs-tables.ts
 * turns them into typed rows.
 */
export interface PysogsSource {
  readonly kind: 'sqlite' | 'postgres';
  /** What the operator named, for messages. */
  readonly description: string;
  /** Where relative `files.path` values resolve when no `--uploads` is given. */
  readonly defaultBaseDir: string;
  /** Lower-case table name → its lower-case column names. */
  schema(): Promise<Map<string, Set<string>>>;
  count(table: string): Promise<number>;
  batches(
    table: string,
    select: Selected[],
    orderBy: string[],
  ): AsyncGenerator<Record<string, unknown>[]>;
  close(): Promise<void>;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

function selectSql(table: string, select: Selected[], orderBy: string[]): string {
  const cols = select.map(
    (s) => `${s.column === null ? 'NULL' : quote(s.column)} AS ${quote(s.alias)}`,
  );
  const order = orderBy.length ? ` ORDER BY ${orderBy.map(quote).join(', ')}` : '';
  return `SELECT ${cols.join(', ')} FROM ${quote(table)}${order}`;
}

/** `postgres://…` / `postgresql://…` is a PostgreSQL URL; anything else is an SQLite file. */
export async function openPysogsSource(from: string): Promise<PysogsSource> {
  if (/^postgres(ql)?:\/\//i.test(from)) return PostgresSource.open(from);
  return SqliteSource.open(from);
}

/**
 * PySOGS leaves its SQLite database in WAL mode, which cannot be read without write access next
 * to it (and committed rows may still sit in `-wal`). So the database and its WAL are copied to a
 * private temporary directory and read there; the original is never touched.
 */
class SqliteSource implements PysogsSource {
  readonly kind = 'sqlite';
  private constructor(
    private readonly db: Sqlite.Database,
    private readonly tempDir: string,
    readonly description: string,
    readonly defaultBaseDir: string,
  ) {}

  static open(file: string): SqliteSource {
    const resolved = path.resolve(file);
    if (!existsSync(resolved)) throw new Error(`${file}: no such file`);
    const tempDir = mkdtempSync(path.join(tmpdir(), 'tsogs-import-'));
    try {
      const copy = path.join(tempDir, 'sogs.db');
      copyFileSync(resolved, copy);
      if (existsSync(`${resolved}-wal`)) copyFileSync(`${resolved}-wal`, `${copy}-wal`);
      const db = new Sqlite(copy, { fileMustExist: true });
      db.prepare('SELECT count(*) FROM sqlite_master').get(); // fails early on a non-database
      return new SqliteSource(db, tempDir, resolved, path.dirname(resolved));
    } catch (err) {
      rmSync(tempDir, { recursive: true, force: true });
      throw new Error(`${file}: not a readable SQLite database (${(err as Error).message})`, {
        cause: err,
      });
    }
  }

  async schema(): Promise<Map<string, Set<string>>> {
    const out = new Map<string, Set<string>>();
    const tables = this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as {
      name: string;
    }[];
    for (const { name } of tables) {
      const cols = this.db.prepare(`PRAGMA table_info(${quote(name)})`).all() as { name: string }[];
      out.set(name.toLowerCase(), new Set(cols.map((c) => c.name.toLowerCase())));
    }
    return out;
  }

  async count(table: string): Promise<number> {
    const row = this.db.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get() as { n: number };
    return row.n;
  }

  async *batches(table: string, select: Selected[], orderBy: string[]) {
    let batch: Record<string, unknown>[] = [];
    for (const row of this.db.prepare(selectSql(table, select, orderBy)).iterate()) {
      batch.push(row as Record<string, unknown>);
      if (batch.length === BATCH) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length) yield batch;
  }

  async close(): Promise<void> {
    this.db.close();
    rmSync(this.tempDir, { recursive: true, force: true });
  }
}

/**
 * A PySOGS PostgreSQL database, read in one REPEATABLE READ transaction so every table comes from
 * the same snapshot, through cursors so no table has to fit in memory.
 */
class PostgresSource implements PysogsSource {
  readonly kind = 'postgres';
  readonly defaultBaseDir = process.cwd();
  private cursors = 0;

  private constructor(
    private readonly client: Client,
    readonly description: string,
  ) {}

  static async open(url: string): Promise<PostgresSource> {
    const client = new Client({
      connectionString: url,
      // bigint ids and seqnos as numbers, for this connection only.
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === types.builtins.INT8
            ? Number
            : types.getTypeParser(oid, format ?? 'text')) as typeof types.getTypeParser,
      },
    });
    try {
      await client.connect();
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    } catch (err) {
      await client.end().catch(() => undefined);
      throw new Error(`cannot read the PySOGS database: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const safe = new URL(url);
    safe.password = '';
    return new PostgresSource(client, safe.toString());
  }

  async schema(): Promise<Map<string, Set<string>>> {
    const { rows } = await this.client.query<{ table_name: string; column_name: string }>(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables t USING (table_schema, table_name)
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'`,
    );
    const out = new Map<string, Set<string>>();
    for (const r of rows) {
      const table = r.table_name.toLowerCase();
      if (!out.has(table)) out.set(table, new Set());
      out.get(table)!.add(r.column_name.toLowerCase());
    }
    return out;
  }

  async count(table: string): Promise<number> {
    const { rows } = await this.client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${quote(table)}`,
    );
    return rows[0].n;
  }

  async *batches(table: string, select: Selected[], orderBy: string[]) {
    const cursor = `import_${++this.cursors}`;
    await this.client.query(
      `DECLARE ${cursor} NO SCROLL CURSOR FOR ${selectSql(table, select, orderBy)}`,
    );
    try {
      for (;;) {
        const { rows } = await this.client.query(`FETCH ${BATCH} FROM ${cursor}`);
        if (!rows.length) break;
        yield rows as Record<string, unknown>[];
      }
    } finally {
      await this.client.query(`CLOSE ${cursor}`);
    }
  }

  async close(): Promise<void> {
    await this.client.query('ROLLBACK').catch(() => undefined);
    await this.client.end();
  }
}
