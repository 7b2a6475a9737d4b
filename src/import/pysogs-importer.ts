import type { ServerKeys } from '../config/server-keys';
import type { Database, Queryable } from '../db/database';
import type { FileStorage } from '../files/file-storage';
import { contentMappings } from './content-mappings';
import { ImportReport, type TableStat } from './import-report';
import { cols, ImportState, type Mapping } from './import-state';
import { membershipMappings } from './membership-mappings';
import type { Progress } from './progress';
import type { PysogsSource } from './pysogs-source';
import {
  layoutOf,
  LEGACY_TABLES,
  readRows,
  TABLES,
  type RowOf,
  type TableLayout,
  type TableName,
} from './pysogs-tables';
import { advanceSequence, insertRows } from './target-writer';
import { UploadLocator } from './upload-locator';
import { ImportError, UserMap } from './user-map';

export interface ImportOptions {
  /** Replace whatever the target database holds. */
  force: boolean;
  uploadsDir: string | null;
  keys: ServerKeys;
  /** The key came from PySOGS: its system user must be `ff` + that key. */
  requireSameKey: boolean;
  now: number;
  /** DM lifetime, for PySOGS inbox rows without an expiry. */
  dmExpiry: number;
  /** The last step inside the transaction (installing the key file): failing it rolls back. */
  beforeCommit(): Promise<void>;
}

/** Every target table, emptied in one TRUNCATE; moderation_log only refers to replaced rows. */
const TARGET_TABLES = [
  'users',
  'rooms',
  'messages',
  'message_history',
  'pinned_messages',
  'files',
  'reactions',
  'user_reactions',
  'room_users',
  'user_permission_overrides',
  'user_permission_futures',
  'user_ban_futures',
  'request_nonces',
  'inbox',
  'needs_blinding',
  'moderation_log',
];

/** Tables whose PySOGS ids are kept, so their sequences must continue after the largest. */
const KEPT_IDS = ['users', 'rooms', 'messages', 'files', 'reactions', 'inbox'];

/**
 * Copies a PySOGS database into the tsogs database in ONE transaction: ids, seqnos and counters
 * are kept, so clients' saved rooms, seqnos and inbox positions stay valid. Upload bytes are
 * copied into the file storage before the rows that point at them; if anything fails they are
 * removed again and the transaction rolls back, leaving the target as it was.
 */
export class PysogsImporter {
  private readonly report = new ImportReport();
  private readonly layouts = new Map<TableName, TableLayout>();

  constructor(
    private readonly source: PysogsSource,
    private readonly db: Database,
    private readonly storage: FileStorage,
    private readonly progress: Progress,
    private readonly opts: ImportOptions,
  ) {}

  async run(): Promise<ImportReport> {
    await this.inspect();
    const userStat = this.report.table('users');
    const users = new UserMap(await this.readUsers(userStat), this.opts.keys.systemSessionId);
    if (this.opts.requireSameKey && users.foreignSystemId) {
      throw new ImportError(
        `the key given is not this PySOGS server's: its public key is ` +
          `${this.opts.keys.publicKeyHex}, PySOGS's system user is ${users.foreignSystemId}`,
      );
    }
    const s = new ImportState(users, this.opts.now, this.opts.dmExpiry);
    const locator = new UploadLocator(this.opts.uploadsDir, this.source.defaultBaseDir);
    const c = contentMappings(s, locator, this.storage);
    const m = membershipMappings(s);
    let replacedKeys: string[] = [];
    try {
      await this.db.transaction(async (tx) => {
        replacedKeys = await this.clearTarget(tx);
        await this.writeUsers(tx, users, userStat);
        await this.copy(tx, 'rooms', c.rooms);
        await this.copy(tx, 'messages', c.messages);
        await this.copy(tx, 'message_history', c.history);
        await this.copy(tx, 'files', c.files);
        await this.setRoomImages(tx, s);
        await this.copy(tx, 'pinned_messages', c.pins);
        await this.copy(tx, 'reactions', c.reactions);
        await this.copy(tx, 'user_reactions', c.userReactions);
        await this.copy(tx, 'room_users', m.roomUsers);
        await this.copy(tx, 'user_permission_overrides', m.overrides);
        await this.copy(tx, 'user_permission_futures', m.permissionFutures);
        await this.copy(tx, 'user_ban_futures', m.banFutures);
        await insertRows(tx, 'user_ban_futures', m.banFutures.cols, s.legacyBanFutures);
        await this.copy(tx, 'user_request_nonces', m.nonces);
        await this.copy(tx, 'inbox', m.inbox);
        await this.copy(tx, 'needs_blinding', m.needsBlinding);
        for (const table of KEPT_IDS) await advanceSequence(tx, table);
        await this.opts.beforeCommit();
      });
    } catch (err) {
      await this.removeStored(s.stored);
      throw err;
    }
    await this.removeStored(replacedKeys);
    this.addNotes(s);
    return this.report;
  }

  /** Which tables and columns this PySOGS database has; refuses anything that is not one. */
  private async inspect(): Promise<void> {
    const schema = await this.source.schema();
    for (const table of Object.keys(TABLES) as TableName[]) {
      this.layouts.set(table, layoutOf(TABLES[table], schema.get(table)));
    }
    for (const core of ['users', 'rooms', 'messages'] as const) {
      const layout = this.layouts.get(core)!;
      if (!layout.present || layout.missingRequired.length) {
        throw new ImportError(
          `${this.source.description} is not a PySOGS database: table ${core} ` +
            (layout.present ? `lacks ${layout.missingRequired.join(', ')}` : 'is missing'),
        );
      }
    }
    for (const legacy of LEGACY_TABLES.filter((t) => schema.has(t))) {
      this.report.notes.push(`${legacy}: legacy (2021 SOGS) id mapping, not imported`);
    }
  }

  /** Users are read whole before the transaction: case merges need to see every row. */
  private async readUsers(stat: TableStat): Promise<RowOf<'users'>[]> {
    const layout = this.layouts.get('users') as Extract<TableLayout, { present: true }>;
    const out: RowOf<'users'>[] = [];
    this.progress.start('users (reading)', await this.source.count('users'));
    for await (const rows of readRows(this.source, 'users', layout, ['id'])) {
      out.push(...rows);
      this.progress.advance(rows.length);
    }
    stat.read = out.length;
    this.progress.finish(`${out.length} read`);
    return out;
  }

  /** Refuses a target that already has a community unless --force; then empties it. */
  private async clearTarget(tx: Queryable): Promise<string[]> {
    await tx.query('LOCK TABLE users, rooms, messages IN EXCLUSIVE MODE');
    const [held] = await tx.query<{ rooms: number; messages: number; users: number }>(
      `SELECT (SELECT count(*) FROM rooms)::int AS rooms,
              (SELECT count(*) FROM messages)::int AS messages,
              (SELECT count(*) FROM users WHERE session_id NOT LIKE 'ff%')::int AS users`,
    );
    const holds = held.rooms + held.messages + held.users > 0;
    if (holds && !this.opts.force) {
      throw new ImportError(
        `the target database already holds ${held.rooms} rooms, ${held.messages} messages and ` +
          `${held.users} users; pass --force to delete them and import anyway`,
      );
    }
    const files = await tx.query<{ storage_key: string }>('SELECT storage_key FROM files');
    // Also drops the system user a previous start created: PySOGS's own takes its place.
    await tx.query(`TRUNCATE ${TARGET_TABLES.join(', ')} RESTART IDENTITY CASCADE`);
    if (holds) {
      this.report.notes.push(
        `--force: replaced ${held.rooms} rooms, ${held.messages} messages, ${held.users} users`,
      );
    }
    return files.map((f) => f.storage_key);
  }

  private async writeUsers(tx: Queryable, users: UserMap, stat: TableStat): Promise<void> {
    for (const m of users.merged) {
      this.report.notes.push(`users: merged ${m} (same ID in lower case)`);
    }
    for (const u of users.banDropped) {
      this.report.notes.push(`users: ${u} was both banned and moderator; kept as moderator`);
    }
    const rows = users.users.map((u) => [
      u.id,
      u.sessionId,
      u.created,
      u.lastActive,
      u.banned,
      u.moderator,
      u.admin,
      u.visibleMod,
    ]);
    await insertRows(
      tx,
      'users',
      cols(
        'id:int8 session_id:text created:float8 last_active:float8 banned:bool moderator:bool ' +
          'admin:bool visible_mod:bool',
      ),
      rows,
    );
    stat.imported = rows.length;
  }

  /** Reads a table batch by batch and inserts what `mapping.row` makes of each row. */
  private async copy<T extends TableName>(tx: Queryable, table: T, mapping: Mapping<T>) {
    const stat = this.report.table(table);
    const layout = this.layouts.get(table)!;
    if (!layout.present) {
      stat.note = 'not in this PySOGS database';
      return;
    }
    if (layout.missingRequired.length) {
      stat.note = `older layout without ${layout.missingRequired.join(', ')}: not imported`;
      return;
    }
    if (layout.missingOptional.length) {
      this.report.notes.push(`${table}: no ${layout.missingOptional.join(', ')} (older PySOGS)`);
    }
    this.progress.start(table, await this.source.count(table));
    for await (const batch of readRows(this.source, table, layout, mapping.orderBy)) {
      const rows: unknown[][] = [];
      for (const r of batch) {
        const row = await mapping.row(r, stat);
        if (row) rows.push(row);
      }
      await insertRows(tx, mapping.into, mapping.cols, rows, mapping.insert);
      stat.read += batch.length;
      stat.imported += rows.length;
      this.progress.advance(batch.length);
    }
    const skipped = stat.skippedCount ? `, ${stat.skippedCount} skipped` : '';
    this.progress.finish(`${stat.imported} imported${skipped}`);
  }

  private async setRoomImages(tx: Queryable, s: ImportState): Promise<void> {
    for (const [room, image] of s.roomImages) {
      if (image === null) continue;
      if (s.fileIds.has(image)) {
        await tx.query('UPDATE rooms SET image_id = $1 WHERE id = $2', [image, room]);
      } else {
        this.report.notes.push(`rooms: room ${room} loses its image: file ${image} not imported`);
      }
    }
  }

  private addNotes(s: ImportState): void {
    if (s.users.foreignSystemId) {
      this.report.notes.push(
        `server key changed: PySOGS's system user was ${s.users.foreignSystemId}; clients ` +
          `must join the rooms again with the new URLs (give --key to keep PySOGS's key)`,
      );
    }
    if (s.sizeMismatches.length) {
      this.report.notes.push(
        `files: ${s.sizeMismatches.join(', ')}: bytes on disk differ in size from the ` +
          `recorded size; imported with the size of the bytes`,
      );
    }
    if (s.seqnoMismatches) {
      this.report.notes.push(
        `messages: ${s.seqnoMismatches} had a seqno other than max(seqno_data, ` +
          `seqno_reactions); tsogs uses the maximum`,
      );
    }
  }

  /** Best effort: bytes nobody points at are harmless, only wasted space. */
  private async removeStored(keys: string[]): Promise<void> {
    for (const key of keys) await this.storage.delete(key).catch(() => undefined);
  }
}
