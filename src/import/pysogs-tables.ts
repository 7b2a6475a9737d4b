import type { PysogsSource, Selected } from './pysogs-source';

type ColumnType = 'int' | 'float' | 'bool' | 'text' | 'bytes';
type ValueOf<T extends ColumnType> = T extends 'int' | 'float'
  ? number
  : T extends 'bool'
    ? boolean
    : T extends 'text'
      ? string
      : Buffer;

/**
 * One column as the importer wants it: its type, the names it has had in PySOGS's history (the
 * first that exists is read), and whether an older database may lack it (then it reads as null).
 */
interface Column<T extends ColumnType = ColumnType> {
  type: T;
  names?: string[];
  optional?: true;
  /** Only older layouts have it: its absence is the normal case, not worth a note. */
  legacy?: true;
}

type TableSpec = Record<string, Column>;
export type Row<S extends TableSpec> = { [K in keyof S]: ValueOf<S[K]['type']> | null };

const req = <T extends ColumnType>(type: T, ...names: string[]): Column<T> => ({ type, names });
const opt = <T extends ColumnType>(type: T, ...names: string[]): Column<T> => ({
  type,
  names,
  optional: true,
});

/**
 * The reference schema (spec model.md §16) and what older PySOGS versions lacked: the whisper,
 * filter and reaction columns, `seqno` (once `updated`), `message_sequence` (once `updates`),
 * `accessible`, `files.message`. Tables are listed in import order.
 */
export const TABLES = {
  users: {
    id: req('int'),
    session_id: req('text'),
    created: req('float'),
    last_active: req('float'),
    banned: req('bool'),
    moderator: req('bool'),
    admin: req('bool'),
    visible_mod: opt('bool'),
  },
  rooms: {
    id: req('int'),
    token: req('text'),
    name: req('text'),
    description: opt('text'),
    image: opt('int'),
    created: req('float'),
    message_sequence: req('int', 'message_sequence', 'updates'),
    info_updates: opt('int'),
    active_users: opt('int'),
    read: req('bool'),
    accessible: opt('bool'),
    write: req('bool'),
    upload: req('bool'),
  },
  messages: {
    id: req('int'),
    room: req('int'),
    user: req('int'),
    posted: req('float'),
    edited: opt('float'),
    seqno: req('int', 'seqno', 'updated'),
    seqno_data: opt('int'),
    seqno_reactions: opt('int'),
    seqno_creation: opt('int'),
    data: req('bytes'),
    data_size: opt('int'),
    signature: req('bytes'),
    filtered: opt('bool'),
    whisper: opt('int'),
    whisper_mods: opt('bool'),
  },
  message_history: {
    message: req('int'),
    replaced: req('float'),
    data: req('bytes'),
    signature: req('bytes'),
  },
  files: {
    id: req('int'),
    room: req('int'),
    uploader: req('int'),
    message: opt('int'),
    size: req('int'),
    uploaded: req('float'),
    expiry: req('float'),
    filename: opt('text'),
    path: req('text'),
  },
  pinned_messages: {
    room: req('int'),
    message: req('int'),
    pinned_by: req('int'),
    pinned_at: req('float'),
  },
  reactions: { id: req('int'), message: req('int'), reaction: req('text') },
  user_reactions: { reaction: req('int'), user: req('int'), at: req('float') },
  room_users: { room: req('int'), user: req('int'), last_active: req('float') },
  user_permission_overrides: {
    room: req('int'),
    user: req('int'),
    banned: req('bool'),
    read: req('bool'),
    accessible: opt('bool'),
    write: req('bool'),
    upload: req('bool'),
    moderator: req('bool'),
    admin: req('bool'),
    visible_mod: opt('bool'),
  },
  user_permission_futures: {
    room: req('int'),
    user: req('int'),
    at: req('float'),
    read: opt('bool'),
    write: opt('bool'),
    upload: opt('bool'),
    // Before user_ban_futures existed, scheduled bans lived here.
    banned: { type: 'bool', optional: true, legacy: true },
  },
  user_ban_futures: { room: req('int'), user: req('int'), at: req('float'), banned: req('bool') },
  user_request_nonces: { nonce: req('bytes'), expiry: req('float') },
  inbox: {
    id: req('int'),
    recipient: req('int'),
    sender: req('int'),
    body: req('bytes'),
    posted_at: opt('float'),
    expiry: opt('float'),
  },
  needs_blinding: { blinded_abs: req('text'), user: req('int') },
} satisfies Record<string, TableSpec>;

export type TableName = keyof typeof TABLES;
export type RowOf<T extends TableName> = Row<(typeof TABLES)[T]>;

/** Tables of servers upgraded from the 2021 SOGS, only used by legacy clients; not imported. */
export const LEGACY_TABLES = ['room_import_hacks', 'file_id_hacks'];

/** Which of a table's columns exist; a table is unreadable when it lacks a required one. */
export type TableLayout =
  | { present: false }
  | { present: true; select: Selected[]; missingRequired: string[]; missingOptional: string[] };

export function layoutOf(spec: TableSpec, columns: Set<string> | undefined): TableLayout {
  if (!columns) return { present: false };
  const select: Selected[] = [];
  const missingRequired: string[] = [];
  const missingOptional: string[] = [];
  for (const [alias, col] of Object.entries(spec)) {
    const found = (col.names?.length ? col.names : [alias]).find((n) => columns.has(n));
    if (!found && !col.legacy) (col.optional ? missingOptional : missingRequired).push(alias);
    select.push({ alias, column: found ?? null });
  }
  return { present: true, select, missingRequired, missingOptional };
}

/** Driver values to the declared types (SQLite booleans are 0/1, bigints may be strings). */
function convert(type: ColumnType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  switch (type) {
    case 'int':
    case 'float':
      return typeof v === 'number' ? v : Number(v);
    case 'bool':
      return typeof v === 'boolean' ? v : typeof v === 'string' ? /^(t|true|1)$/i.test(v) : !!v;
    case 'text':
      return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
    case 'bytes':
      if (Buffer.isBuffer(v)) return v;
      if (v instanceof Uint8Array) return Buffer.from(v);
      // PySOGS's PostgreSQL history trigger copies bytea into a text column, which PostgreSQL
      // renders as `\x<hex>`.
      if (typeof v === 'string' && /^\\x([0-9a-f]{2})*$/i.test(v)) {
        return Buffer.from(v.slice(2), 'hex');
      }
      return Buffer.from(String(v), 'utf8');
  }
}

/** A table's rows in batches, typed; `orderBy` names aliases (all of which must exist). */
export async function* readRows<T extends TableName>(
  source: PysogsSource,
  table: T,
  layout: Extract<TableLayout, { present: true }>,
  orderBy: readonly string[],
): AsyncGenerator<RowOf<T>[]> {
  const spec: TableSpec = TABLES[table];
  const order = orderBy.map((a) => layout.select.find((s) => s.alias === a)!.column!);
  for await (const batch of source.batches(table, layout.select, order)) {
    yield batch.map((raw) => {
      const row: Record<string, unknown> = {};
      for (const [alias, col] of Object.entries(spec)) row[alias] = convert(col.type, raw[alias]);
      return row as RowOf<T>;
    });
  }
}
