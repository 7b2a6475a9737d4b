import type { Queryable } from '../db/database';

/** A target column and its PostgreSQL type, for `unnest($n::type[])`. */
export type Col = [name: string, type: 'int8' | 'float8' | 'bool' | 'text' | 'bytea'];

export interface InsertOptions {
  /** Indices of the columns of a unique key that merged users can make collide. */
  key?: number[];
  /** `ON CONFLICT …` clause applied when a key collides. */
  onConflict?: string;
}

/**
 * Inserts rows with one statement per batch: every column travels as one array parameter and
 * `unnest` turns them back into rows, so batches of any size stay within PostgreSQL's parameter
 * limit. Numbers go as their shortest exact decimal form, so float times round-trip exactly.
 *
 * `ON CONFLICT DO UPDATE` refuses to touch a row twice in one statement, so rows whose key repeats
 * within the batch are held back and inserted by a following statement, where the clause merges
 * them into the row already written.
 */
export async function insertRows(
  tx: Queryable,
  table: string,
  cols: Col[],
  rows: unknown[][],
  opts: InsertOptions = {},
): Promise<void> {
  const arrays = cols.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ');
  const sql =
    `INSERT INTO ${table} (${cols.map(([name]) => name).join(', ')}) ` +
    `SELECT * FROM unnest(${arrays}) ${opts.onConflict ?? ''}`;
  let pending = rows;
  while (pending.length) {
    const now: unknown[][] = [];
    const later: unknown[][] = [];
    const seen = new Set<string>();
    for (const row of pending) {
      const key = opts.key?.map((i) => String(row[i])).join(':');
      if (key !== undefined && seen.has(key)) later.push(row);
      else {
        if (key !== undefined) seen.add(key);
        now.push(row);
      }
    }
    await tx.query(
      sql,
      cols.map((_, i) => now.map((r) => r[i])),
    );
    pending = later;
  }
}

/** After explicit ids were written, the next generated id must come after the largest. */
export async function advanceSequence(tx: Queryable, table: string): Promise<void> {
  await tx.query(
    `SELECT setval(pg_get_serial_sequence('${table}', 'id'), GREATEST(max(id), 1),
                   COALESCE(max(id) >= 1, false))
       FROM ${table}`,
  );
}

/** Session's padding (`0x80` then zeros) that PySOGS strips before storing (model.md §16). */
export function withPadding(data: Buffer | null, size: number | null): Buffer | null {
  if (data === null || size === null || size <= data.length) return data;
  const out = Buffer.alloc(size);
  data.copy(out);
  out[data.length] = 0x80;
  return out;
}
