import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { Client } from 'pg';
import { ServerKeys } from '../../src/config/server-keys';
import { sodiumReady } from '../../src/crypto/sodium';
import { SessionIdentity } from '../support/client-crypto';
import { runImportCaptured, type Json } from '../support/pysogs-fixture';
import { ONION_AES } from '../support/sogs-client';
import { TestApp } from '../support/test-app';
import { createTestDatabase } from '../support/test-database';

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../..');

/**
 * A PySOGS database as an early 0.3 server left it: `updates`/`updated` instead of
 * `message_sequence`/`seqno`, no whisper, filter, reaction, DM or blinding tables and columns,
 * the first `pinned_messages` layout, ban futures still in user_permission_futures, the 2021
 * import tables, and the same moderator stored twice, once with an upper-case ID from a URL.
 */
function writeOldPysogs(file: string, keys: ServerKeys, mod: string, member: string): void {
  const db = new Sqlite(file);
  const t = Date.now() / 1000 - 60;
  db.exec(`
    CREATE TABLE rooms (id INTEGER PRIMARY KEY, token TEXT NOT NULL UNIQUE COLLATE NOCASE,
      name TEXT NOT NULL, description TEXT, image INTEGER, created FLOAT NOT NULL,
      updates INTEGER NOT NULL DEFAULT 0, info_updates INTEGER NOT NULL DEFAULT 0,
      read BOOLEAN NOT NULL DEFAULT TRUE, write BOOLEAN NOT NULL DEFAULT TRUE,
      upload BOOLEAN NOT NULL DEFAULT TRUE);
    CREATE TABLE users (id INTEGER PRIMARY KEY, session_id TEXT NOT NULL UNIQUE,
      created FLOAT NOT NULL, last_active FLOAT NOT NULL, banned BOOLEAN NOT NULL DEFAULT FALSE,
      moderator BOOLEAN NOT NULL DEFAULT FALSE, admin BOOLEAN NOT NULL DEFAULT FALSE);
    CREATE TABLE messages (id INTEGER PRIMARY KEY, room INTEGER NOT NULL, user INTEGER NOT NULL,
      posted FLOAT NOT NULL, edited FLOAT, updated INTEGER NOT NULL DEFAULT 0, data BLOB,
      data_size INTEGER, signature BLOB);
    CREATE TABLE message_history (message INTEGER NOT NULL, replaced FLOAT NOT NULL,
      data TEXT NOT NULL, signature BLOB NOT NULL);
    CREATE TABLE pinned_messages (room INTEGER NOT NULL, message INTEGER NOT NULL,
      updated INTEGER NOT NULL DEFAULT 0, PRIMARY KEY(room, message));
    CREATE TABLE files (id INTEGER PRIMARY KEY, room INTEGER, uploader INTEGER,
      size INTEGER NOT NULL, uploaded FLOAT NOT NULL, expiry FLOAT, filename TEXT,
      path TEXT NOT NULL);
    CREATE TABLE room_users (room INTEGER NOT NULL, user INTEGER NOT NULL,
      last_active FLOAT NOT NULL, PRIMARY KEY(room, user));
    CREATE TABLE user_permission_overrides (room INTEGER NOT NULL, user INTEGER NOT NULL,
      banned BOOLEAN NOT NULL DEFAULT FALSE, read BOOLEAN, write BOOLEAN, upload BOOLEAN,
      moderator BOOLEAN NOT NULL DEFAULT FALSE, admin BOOLEAN NOT NULL DEFAULT FALSE,
      PRIMARY KEY(room, user));
    CREATE TABLE user_permission_futures (room INTEGER NOT NULL, user INTEGER NOT NULL,
      at FLOAT NOT NULL, read BOOLEAN, write BOOLEAN, upload BOOLEAN, banned BOOLEAN);
    CREATE TABLE room_import_hacks (room INTEGER PRIMARY KEY, old_message_id_max INTEGER,
      message_id_offset INTEGER);
    CREATE TABLE file_id_hacks (room INTEGER NOT NULL, old_file_id INTEGER NOT NULL,
      file INTEGER NOT NULL);
  `);
  const run = (sql: string, ...rows: unknown[][]) => {
    const stmt = db.prepare(sql);
    for (const row of rows) stmt.run(...row);
  };
  run(
    'INSERT INTO users VALUES (?, ?, ?, ?, ?, ?, ?)',
    [0, keys.systemSessionId, t, t, 0, 1, 1],
    [1, mod, t, t, 0, 0, 0],
    [2, mod.toUpperCase(), t - 10, t - 5, 0, 0, 0],
    [3, member, t, t, 0, 0, 0],
  );
  // message_sequence (then `updates`) 7, info_updates 3, image: file 1.
  run(`INSERT INTO rooms VALUES (1, 'lobby', 'Lobby', 'old times', 1, ?, 7, 3, 1, 1, 1)`, [t]);
  run(
    'INSERT INTO messages VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [1, 1, 1, t, null, 1, Buffer.from('hello'), 10, Buffer.alloc(64, 1)],
    [2, 1, 3, t + 1, t + 2, 4, null, null, null],
    [3, 1, 3, t + 3, null, 5, Buffer.from('unpadded'), 8, Buffer.alloc(64, 3)],
  );
  run('INSERT INTO message_history VALUES (?, ?, ?, ?)', [2, t + 2, 'bye', Buffer.alloc(64)]);
  run('INSERT INTO pinned_messages VALUES (?, ?, ?)', [1, 1, 6]);
  run(
    'INSERT INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [1, 1, 1, 5, t, null, 'logo.png', 'uploads/lobby/1_logo.png'],
    [2, 1, 3, 4, t, t + 86400, 'gone.txt', 'uploads/lobby/2_gone.txt'],
  );
  run('INSERT INTO room_users VALUES (?, ?, ?)', [1, 1, t], [1, 2, t + 1], [1, 3, t]);
  run(
    'INSERT INTO user_permission_overrides VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    [1, 2, 0, null, null, null, 1, 0],
    [1, 3, 0, null, 0, null, 0, 0],
  );
  run(
    'INSERT INTO user_permission_futures VALUES (?, ?, ?, ?, ?, ?, ?)',
    [1, 3, t + 86400, null, 1, null, null],
    [1, 3, t + 2 * 86400, null, null, null, 0],
  );
  db.close();
}

describe('tsogs import: refusal, --force, older layouts, atomicity', () => {
  let dir: string;
  let keys: ServerKeys;
  let mod: SessionIdentity;
  let member: SessionIdentity;
  let target: { url: string; drop(): Promise<void> };
  let dataDir: string;
  const args = () => [
    'import',
    '--from-pysogs',
    path.join(dir, 'sogs.db'),
    '--uploads',
    path.join(dir, 'moved-uploads'),
    '--key',
    path.join(dir, 'key'),
  ];
  const env = () => ({ TSOGS_DATA_DIR: dataDir, DATABASE_URL: target.url });
  const storedFiles = () => {
    const uploads = path.join(dataDir, 'uploads');
    if (!existsSync(uploads)) return [];
    return readdirSync(uploads, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => e.name);
  };
  async function count(table: string, url = target.url): Promise<number> {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n;
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    await sodiumReady();
    dir = mkdtempSync(path.join(tmpdir(), 'pysogs-old-'));
    const key = randomBytes(32);
    writeFileSync(path.join(dir, 'key'), key);
    keys = ServerKeys.fromPrivate(key);
    [mod, member] = [SessionIdentity.random(), SessionIdentity.random()];
    writeOldPysogs(
      path.join(dir, 'sogs.db'),
      keys,
      mod.blindedId(keys.publicKey),
      member.blindedId(keys.publicKey),
    );
    // The uploads directory was renamed since PySOGS recorded `uploads/lobby/…`.
    mkdirSync(path.join(dir, 'moved-uploads', 'lobby'), { recursive: true });
    writeFileSync(path.join(dir, 'moved-uploads', 'lobby', '1_logo.png'), 'logo!');
    target = await createTestDatabase();
    dataDir = mkdtempSync(path.join(tmpdir(), 'tsogs-import-cli-'));
  });

  afterAll(async () => {
    await target?.drop();
    rmSync(dir, { recursive: true, force: true });
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('rolls everything back, file bytes included, when the last step fails', async () => {
    writeFileSync(path.join(dataDir, 'not-a-dir'), '');
    const badEnv = { ...env(), TSOGS_KEY_FILE: path.join(dataDir, 'not-a-dir', 'key') };
    const { code, output } = await runImportCaptured(args(), badEnv);
    expect(code).toBe(1);
    expect(output).toMatch(/EEXIST|ENOTDIR/);
    for (const table of ['users', 'rooms', 'messages', 'files']) expect(await count(table)).toBe(0);
    expect(storedFiles()).toEqual([]);
  });

  it('leaves the target empty when killed -9 mid-import, and a rerun completes', async () => {
    // A source big enough that the import is still copying messages when it is killed.
    const big = path.join(dir, 'big.db');
    copyFileSync(path.join(dir, 'sogs.db'), big);
    const src = new Sqlite(big);
    const insert = src.prepare('INSERT INTO messages VALUES (?, 1, 3, ?, NULL, ?, ?, 100, ?)');
    src.transaction(() => {
      for (let id = 4; id < 60_004; id++) {
        insert.run(id, 1000 + id, 7, randomBytes(100), randomBytes(64));
      }
    })();
    src.close();
    const crashTarget = await createTestDatabase();
    const crashDir = mkdtempSync(path.join(tmpdir(), 'tsogs-import-crash-'));
    const crashEnv = { TSOGS_DATA_DIR: crashDir, DATABASE_URL: crashTarget.url };
    const bigArgs = args().map((a) => (a === path.join(dir, 'sogs.db') ? big : a));
    try {
      const child = spawn(process.execPath, [path.join(ROOT, 'bin/tsogs.js'), ...bigArgs], {
        env: { PATH: process.env.PATH ?? '', ...crashEnv },
      });
      let output = '';
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise<void>((resolve) => {
        const watch = (d: Buffer) => {
          output += d.toString();
          if (/^messages: \d+ rows to read$/m.test(output)) resolve();
        };
        child.stdout.on('data', watch);
        child.stderr.on('data', watch);
        child.once('exit', () => resolve());
      });
      await new Promise((r) => setTimeout(r, 200));
      expect(child.exitCode).toBeNull(); // still importing: the kill lands mid-way
      child.kill('SIGKILL');
      await exited;
      for (const table of ['users', 'rooms', 'messages', 'files']) {
        expect({ table, rows: await count(table, crashTarget.url) }).toEqual({ table, rows: 0 });
      }
      const rerun = await runImportCaptured(bigArgs, crashEnv);
      expect(rerun.code).toBe(0);
      expect(await count('messages', crashTarget.url)).toBe(60_003);
    } finally {
      await crashTarget.drop();
      rmSync(crashDir, { recursive: true, force: true });
    }
  });

  it('imports an older PySOGS layout and says what it skipped', async () => {
    const { code, stdout } = await runImportCaptured(args(), env());
    expect(code).toBe(0);
    expect(stdout).toMatch(/files: 1 whose bytes are missing \(2 uploads\/lobby\/2_gone\.txt\)/);
    expect(stdout).toContain(`users: merged ${mod.blindedId(keys.publicKey).toUpperCase()} → `);
    expect(stdout).toMatch(/pinned_messages +\(older layout without pinned_by, pinned_at/);
    expect(stdout).toMatch(/reactions +\(not in this PySOGS database\)/);
    expect(stdout).toMatch(/room_import_hacks: legacy/);
    expect(stdout).toMatch(/file_id_hacks: legacy/);
    expect(storedFiles()).toHaveLength(1);
  });

  it('serves the imported community', async () => {
    const app = await TestApp.start({
      keys,
      databaseUrl: target.url,
      env: { TSOGS_UPLOADS_DIR: path.join(dataDir, 'uploads') },
    });
    try {
      const asMod = app.client(mod).with({ via: ONION_AES });
      const info = (await asMod.get('/room/lobby')).json<Json>();
      // The role stored under the upper-case spelling belongs to the lower-case user now.
      expect(info).toMatchObject({ message_sequence: 7, info_updates: 3, moderator: true });
      expect(info.image_id).toBe(1);
      const since = (await asMod.get('/room/lobby/messages/since/0')).json<Json[]>();
      // Without seqno_creation (0 after PySOGS's own upgrade) a deletion shows even from 0.
      expect(since.map((m) => [m.id, m.seqno, m.deleted ?? false])).toEqual([
        [1, 1, false],
        [2, 4, true],
        [3, 5, false],
      ]);
      // Session padding rebuilt: 'hello' + 0x80 + four zeros, as the client posted it.
      expect(Buffer.from(since[0].data, 'base64')).toEqual(
        Buffer.concat([Buffer.from('hello'), Buffer.from([0x80, 0, 0, 0, 0])]),
      );
      expect(since[0].whisper).toBeUndefined();
      const file = await asMod.get('/room/lobby/file/1');
      expect(file.body.toString()).toBe('logo!');
      const futures = (await asMod.get('/room/lobby/futurePermissions')).json<Json[]>();
      expect(futures.map(({ at: _at, ...f }) => f)).toEqual([
        { session_id: member.blindedId(keys.publicKey), write: true },
        { session_id: member.blindedId(keys.publicKey), banned: false },
      ]);
      const posted = await asMod.post('/room/lobby/message', {
        json: { data: 'aGk=', signature: randomBytes(64).toString('base64') },
      });
      expect(posted.json<Json>()).toMatchObject({ id: 4, seqno: 8 });
    } finally {
      await app.close();
    }
  });

  it('refuses a database that already has a community, and replaces it with --force', async () => {
    const refused = await runImportCaptured(args(), env());
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/already holds 1 rooms, 4 messages and 2 users; pass --force/);
    const before = storedFiles();
    const forced = await runImportCaptured([...args(), '--force'], env());
    expect(forced.code).toBe(0);
    expect(forced.stdout).toMatch(/--force: replaced 1 rooms, 4 messages, 2 users/);
    expect(await count('messages')).toBe(3);
    // The replaced community's bytes are gone; only the new copy remains.
    const after = storedFiles();
    expect(after).toHaveLength(1);
    expect(after).not.toEqual(before);
  });

  it("refuses a key file that is not the PySOGS server's", async () => {
    const other = path.join(dir, 'other-key');
    writeFileSync(other, randomBytes(32));
    const argv = [...args().slice(0, -1), other, '--force'];
    const { code, output } = await runImportCaptured(argv, env());
    expect(code).toBe(1);
    expect(output).toMatch(/the key given is not this PySOGS server's/);
    expect(await count('messages')).toBe(3);
  });

  it('explains bad arguments', async () => {
    const { code, output } = await runImportCaptured(['import', '--uploads', dir], env());
    expect(code).toBe(1);
    expect(output).toMatch(/--from-pysogs is required/);
  });
});
