import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadOrCreateKeyFile } from '../../src/config/server-keys';
import { sodiumReady } from '../../src/crypto/sodium';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES } from '../support/sogs-client';
import { runCli } from '../support/server-process';
import { adminQuery, createTestDatabase, urlFor } from '../support/test-database';
import { TestApp } from '../support/test-app';

/** The CLI with `input` on standard input (runCli closes it at once). */
function runCliWithInput(args: string[], env: Record<string, string>, input: string) {
  return new Promise<{ code: number | null; stdout: string }>((resolve) => {
    const child = spawn(process.execPath, [path.join(__dirname, '../../bin/tsogs.js'), ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stdin.end(input);
    child.on('exit', (code) => resolve({ code, stdout }));
  });
}

/** A database with no schema at all, as a new install has. */
async function emptyDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `tsogs_e2e_empty_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  return {
    url: urlFor(name),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

async function sql(url: string, text: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** The operator CLI against an external PostgreSQL, checked through the public API. */
describe('tsogs CLI (PySOGS flags)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let db: { url: string; drop(): Promise<void> };
  let t: TestApp;
  const cli = (...args: string[]) => runCli(args, env);
  const info = async (token: string, as?: SessionIdentity) =>
    (await t.client(as).get(`/room/${token}`, { via: ONION_AES })).json<Record<string, unknown>>();

  beforeAll(async () => {
    await sodiumReady();
    dataDir = mkdtempSync(path.join(tmpdir(), 'tsogs-cli-'));
    db = await createTestDatabase();
    env = { TSOGS_DATA_DIR: dataDir, DATABASE_URL: db.url, TSOGS_BASE_URL: 'https://chat.example' };
    const keys = loadOrCreateKeyFile(path.join(dataDir, 'key_x25519'));
    t = await TestApp.start({ keys, databaseUrl: db.url });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  describe('database upgrades', () => {
    let empty: { url: string; drop(): Promise<void> };
    let freshDir: string;
    const on = (...args: string[]) =>
      runCli(args, { ...env, DATABASE_URL: empty.url, TSOGS_DATA_DIR: freshDir });
    beforeEach(async () => {
      empty = await emptyDatabase();
      freshDir = mkdtempSync(path.join(tmpdir(), 'tsogs-cli-fresh-'));
    });
    afterEach(async () => {
      await empty.drop();
      rmSync(freshDir, { recursive: true, force: true });
    });

    it('--check-upgrades exits 5 while upgrades are pending and changes nothing', async () => {
      for (let i = 0; i < 2; i++) {
        const r = await on('--check-upgrades');
        expect(r.code).toBe(5);
        expect(r.stdout).toMatch(/Database upgrades are required: .*--upgrade flag/s);
      }
      const [row] = await sql(
        empty.url,
        "SELECT to_regclass('migrations') AS m, to_regclass('messages') AS t",
      );
      expect(row).toEqual({ m: null, t: null });
      expect(existsSync(path.join(freshDir, 'key_x25519'))).toBe(false);
    });

    it('-U migrates, then --check-upgrades exits 0', async () => {
      expect(await on('-U')).toMatchObject({
        code: 0,
        stdout: 'Database successfully upgraded.\n',
      });
      expect(await on('--upgrade')).toMatchObject({ stdout: 'No database upgrades required.\n' });
      expect(await on('--check-upgrades')).toMatchObject({
        code: 0,
        stdout: 'No database upgrades required.\n',
      });
    });

    it('--initialize creates a schema only in an empty database', async () => {
      expect(await on('--initialize')).toMatchObject({
        code: 0,
        stdout: 'Database schema created.\n',
      });
      expect(existsSync(path.join(freshDir, 'key_x25519'))).toBe(true);
      const again = await on('--initialize');
      expect(again.code).toBe(1);
      expect(again.stderr).toMatch(/tables already exist/);
    });

    it('other commands exit 5 while an existing schema needs upgrades', async () => {
      expect((await on('-L')).stdout).toBe('No rooms.\n');
      await sql(empty.url, 'DELETE FROM migrations');
      const r = await on('-L');
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/Database upgrades are required/);
    });
  });

  it('--add-room creates a room with defaults and prints it', async () => {
    const r = await cli('--add-room', 'news', '--name', 'News', '--description', 'a\\nb');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Created room news:\nnews: News\n  Description: a\n    b\n');
    expect(r.stdout).toContain(
      `Join URL: https://chat.example/news?public_key=${t.keys.publicKeyHex}`,
    );
    expect(await info('news')).toMatchObject({ name: 'News', description: 'a\nb', write: true });
    const again = await cli('--add-room', 'NEWS');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('rejects bad command lines: argparse errors exit 2, the rest 1', async () => {
    const id = '15' + 'a'.repeat(64);
    // Parsing is unit-tested (src/cli/cli-args.spec.ts); these check the exit path end to end.
    for (const [code, args] of [
      [2, ['--frobnicate']],
      [2, ['--rooms', 'news', '--add-moderators', id, '--visible', '--hidden']],
      [1, ['--add-room', 'bad token']],
      [1, ['--rooms', 'news', '+', '--add-moderators', id]],
      [1, ['--rooms', 'news', '-L']],
      [1, ['--rooms', 'missing', '--add-perms', 'r']],
      [1, ['--delete-room', 'missing', '--yes']],
      [1, ['--delete-room', 'news']],
    ] as const) {
      const r = await cli(...args);
      expect({ args, code: r.code }).toEqual({ args, code });
      expect(r.stderr).toMatch(/^tsogs: /);
    }
    expect(await info('news')).toMatchObject({ name: 'News' });
  });

  it('combines moderator, permission, name and description changes in one call', async () => {
    const [mod, gone, admin] = [1, 2, 3].map(() => SessionIdentity.random());
    const blinded = (who: SessionIdentity) => who.blindedId(t.keys.publicKey);
    expect((await cli('--rooms', 'news', '--add-moderators', blinded(gone))).code).toBe(0);
    const r = await cli(
      '--rooms',
      'news',
      '--add-moderators',
      blinded(mod),
      '--delete-moderators',
      blinded(gone),
      '--add-perms',
      'w',
      '--remove-perms',
      'u',
      '--name',
      'Daily News',
      '--description',
      '',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Disabled default upload permission in news');
    const room = await info('news');
    expect(room).toMatchObject({
      name: 'Daily News',
      moderators: [blinded(mod)],
      write: true,
      upload: false,
    });
    expect(room).not.toHaveProperty('description');
    // Global roles are hidden unless --visible; -M lists them the way PySOGS does.
    expect((await cli('--rooms', '+', '--add-moderators', blinded(admin), '--admin')).code).toBe(0);
    expect(await info('news', admin)).toMatchObject({
      global_admin: true,
      hidden_admins: [blinded(admin)],
    });
    const mods = await cli('-M');
    expect(mods.stdout).toBe(
      `1 global admins (1 hidden), 0 moderators (0 hidden):\n- ${blinded(admin)} (hidden admin)\n`,
    );
    expect((await cli('--rooms', '+', '--delete-moderators', blinded(admin))).code).toBe(0);
  });

  it('applies a role given by 05 Session ID when the person first signs in blinded', async () => {
    const person = SessionIdentity.random();
    const r = await cli('--rooms', 'news', '--add-moderators', person.sessionId, '--admin');
    expect(r.code).toBe(0);
    // Until then the 05 ID is listed (PySOGS does the same).
    expect((await info('news')).admins).toEqual([person.sessionId]);
    expect(await info('news', person)).toMatchObject({ admin: true, moderator: true });
    expect((await info('news')).admins).toEqual([person.blindedId(t.keys.publicKey)]);
  });

  it('sets and clears per-user permission overrides', async () => {
    const muted = SessionIdentity.random();
    const id = muted.blindedId(t.keys.publicKey);
    const poll = async () =>
      (await t.client(muted).get('/room/news/pollInfo/0', { via: ONION_AES })).status;
    expect((await cli('--rooms', 'news', '--users', id, '--remove-perms', 'r')).code).toBe(0);
    expect(await poll()).toBe(403);
    expect((await cli('--rooms', '*', '--users', id, '--clear-perms', 'r')).code).toBe(0);
    expect(await poll()).toBe(200);
  });

  it('records role and permission changes in the moderation log, by the system user', async () => {
    const who = SessionIdentity.random().blindedId(t.keys.publicKey);
    expect((await cli('--rooms', 'news', '--add-moderators', who)).code).toBe(0);
    expect((await cli('--rooms', 'news', '--users', who, '--remove-perms', 'u')).code).toBe(0);
    expect((await cli('--rooms', 'news', '--delete-moderators', who)).code).toBe(0);
    const rows = await t.db.query<{ action: string; actor: string; details: unknown }>(
      `SELECT l.action, a.session_id AS actor, l.details FROM moderation_log l
         JOIN users a ON a.id = l.actor_id JOIN users u ON u.id = l.target_user_id
        WHERE u.session_id = $1 ORDER BY l.id`,
      [who],
    );
    expect(rows.map((r) => [r.action, r.actor])).toEqual([
      ['room_role', t.keys.systemSessionId],
      ['permissions', t.keys.systemSessionId],
      ['room_role', t.keys.systemSessionId],
    ]);
    expect(rows[0].details).toMatchObject({ moderator: true, admin: false });
  });

  it('-L shows counts, sizes, reactions, activity, defaults and moderators', async () => {
    const room = await t.givenRoom('stats', { defaults: { upload: false } });
    const [alice, bob, hidden] = [1, 2, 3].map(() => SessionIdentity.random());
    const m = await t.givenMessage(alice, room, Buffer.alloc(1500));
    await t.givenMessage(bob, room, 'x');
    for (const who of [alice, bob]) {
      await t.client(who).put(`/room/stats/reaction/${m.id}/👍`, { via: ONION_AES });
    }
    await t.client(alice).put(`/room/stats/reaction/${m.id}/🎉`, { via: ONION_AES });
    await t.givenUpload(alice, room);
    await t.givenModerator(hidden, room, { admin: true, visible: false });
    await t.givenModerator(bob, room);
    // Alice is active now (an authenticated poll); Bob was 10 days ago.
    await t.client(alice).get('/room/stats/pollInfo/0', { via: ONION_AES });
    await t.db.query('INSERT INTO room_users (room_id, user_id, last_active) VALUES ($1, $2, $3)', [
      room.id,
      (await t.userOf(bob)).id,
      t.clock.now() - 10 * 86400,
    ]);
    const list = await cli('-L', '-v');
    expect(list.code).toBe(0);
    const block = list.stdout.slice(list.stdout.indexOf('stats: stats'));
    expect(block).toContain(
      [
        'stats: stats',
        '  Description: (none)',
        `  Join URL: https://chat.example/stats?public_key=${t.keys.publicKeyHex}`,
        '  Messages: 2 (0.0 MB)',
        '  Attachments: 1 (0.0 MB)',
        '  Reactions: 3; top 5: 👍 (2), 🎉 (1)',
        '  Active users: 1 (1d), 1 (7d), 2 (14d), 2 (30d)',
        '  Default permissions: +read, +write, -upload, +accessible',
        '  Moderators: 1 admins (1 hidden), 1 moderators (0 hidden)',
        `    - ${hidden.blindedId(t.keys.publicKey)} (hidden admin)`,
        `    - ${bob.blindedId(t.keys.publicKey)} (moderator)`,
      ].join('\n'),
    );
    expect((await cli('-L')).stdout).not.toContain('(hidden admin)');
  });

  it('--delete-room asks first: declining exits 2, y deletes', async () => {
    const no = await runCliWithInput(['--delete-room', 'news'], env, 'n\n');
    expect(no.code).toBe(2);
    expect(no.stdout).toMatch(/Are you sure you want to delete this room\? \[yN\] Aborted\.\n$/);
    expect((await t.client().get('/room/news', { via: ONION_AES })).status).toBe(200);
    const yes = await runCliWithInput(['--delete-room', 'news'], env, 'y\n');
    expect(yes.code).toBe(0);
    expect(yes.stdout).toMatch(/Room deleted\.\n$/);
    expect((await t.client().get('/room/news', { via: ONION_AES })).status).toBe(404);
    expect((await cli('--delete-room', 'stats', '--yes')).code).toBe(0);
  });
});
