import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOrCreateKeyFile } from '../../src/config/server-keys';
import { sodiumReady } from '../../src/crypto/sodium';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES } from '../support/sogs-client';
import { runCli } from '../support/server-process';
import { createTestDatabase } from '../support/test-database';
import { TestApp } from '../support/test-app';

/** The operator CLI against an external PostgreSQL, checked through the public API. */
describe('tsogs CLI (PySOGS flags)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let db: { url: string; drop(): Promise<void> };
  let t: TestApp;
  const cli = (...args: string[]) => runCli(args, env);

  beforeAll(async () => {
    await sodiumReady();
    dataDir = mkdtempSync(path.join(tmpdir(), 'tsogs-cli-'));
    db = await createTestDatabase();
    env = { TSOGS_DATA_DIR: dataDir, DATABASE_URL: db.url, TSOGS_BASE_URL: 'https://chat.example' };
    expect((await cli('--initialize')).code).toBe(0);
    const keys = loadOrCreateKeyFile(path.join(dataDir, 'key_x25519'));
    t = await TestApp.start({ keys, databaseUrl: db.url });
  }, 60_000);
  afterAll(async () => {
    await t.close();
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('--add-room creates a room with defaults and prints its join URL', async () => {
    const r = await cli(
      '--add-room',
      'news',
      '--name',
      'News',
      '--description',
      'a\\nb',
      '--remove-perms',
      'w',
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      `Join URL: https://chat.example/news?public_key=${t.keys.publicKeyHex}`,
    );
    const info = await t.client().get('/room/news', { via: ONION_AES });
    expect(info.json()).toMatchObject({
      name: 'News',
      description: 'a\nb',
      read: true,
      write: false,
    });
    const again = await cli('--add-room', 'NEWS');
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already exists/);
  });

  it('rejects bad arguments with a message and exit 1', async () => {
    for (const args of [
      ['--add-room', 'bad token'],
      ['--rooms', 'news', '--add-perms', 'x'],
      ['--rooms', 'news', '--add-perms', 'r', '--remove-perms', 'r'],
      ['--add-moderators', '15' + 'a'.repeat(64)],
      ['--rooms', 'news', '--add-moderators', 'not-an-id'],
      ['--rooms', 'news', '+', '--add-moderators', '15' + 'a'.repeat(64)],
      ['--add-room', 'x', '--delete-room', 'y'],
      ['--delete-room', 'news'],
      ['--frobnicate'],
      ['--rooms', 'missing', '--add-perms', 'r'],
    ]) {
      const r = await cli(...args);
      expect({ args, code: r.code }).toEqual({ args, code: 1 });
      expect(r.stderr).toMatch(/^tsogs: /);
    }
  });

  it('adds visible room moderators and hidden global admins', async () => {
    const mod = SessionIdentity.random();
    const admin = SessionIdentity.random();
    expect(
      (await cli('--rooms', 'news', '--add-moderators', mod.blindedId(t.keys.publicKey))).code,
    ).toBe(0);
    expect(
      (await cli('--rooms', '+', '--add-moderators', admin.blindedId(t.keys.publicKey), '--admin'))
        .code,
    ).toBe(0);
    const info = (await t.client().get('/room/news', { via: ONION_AES })).json<
      Record<string, string[]>
    >();
    expect(info.moderators).toEqual([mod.blindedId(t.keys.publicKey)]);
    expect(info.admins).toEqual([]);
    const asAdmin = (await t.client(admin).get('/room/news', { via: ONION_AES })).json<
      Record<string, unknown>
    >();
    expect(asAdmin).toMatchObject({
      global_admin: true,
      hidden_admins: [admin.blindedId(t.keys.publicKey)],
    });
    const mods = await cli('-M');
    expect(mods.stdout).toContain(`${admin.blindedId(t.keys.publicKey)} admin (hidden)`);
    expect(
      (await cli('--rooms', 'news', '--delete-moderators', mod.blindedId(t.keys.publicKey))).code,
    ).toBe(0);
    const after = (await t.client().get('/room/news', { via: ONION_AES })).json<
      Record<string, string[]>
    >();
    expect(after.moderators).toEqual([]);
  });

  it('applies a role given by 05 Session ID when the person first signs in blinded', async () => {
    const person = SessionIdentity.random();
    const r = await cli('--rooms', 'news', '--add-moderators', person.sessionId, '--admin');
    expect(r.code).toBe(0);
    // Until then the 05 ID is listed (PySOGS does the same).
    const before = (await t.client().get('/room/news', { via: ONION_AES })).json<
      Record<string, string[]>
    >();
    expect(before.admins).toEqual([person.sessionId]);
    const own = (await t.client(person).get('/room/news', { via: ONION_AES })).json<
      Record<string, unknown>
    >();
    expect(own).toMatchObject({ admin: true, moderator: true });
    const after = (await t.client().get('/room/news', { via: ONION_AES })).json<
      Record<string, string[]>
    >();
    expect(after.admins).toEqual([person.blindedId(t.keys.publicKey)]);
  });

  it('sets per-user permission overrides and room defaults', async () => {
    const muted = SessionIdentity.random();
    expect(
      (
        await cli(
          '--rooms',
          'news',
          '--users',
          muted.blindedId(t.keys.publicKey),
          '--remove-perms',
          'r',
        )
      ).code,
    ).toBe(0);
    expect((await t.client(muted).get('/room/news/pollInfo/0', { via: ONION_AES })).status).toBe(
      403,
    );
    expect(
      (
        await cli(
          '--rooms',
          '*',
          '--users',
          muted.blindedId(t.keys.publicKey),
          '--clear-perms',
          'r',
        )
      ).code,
    ).toBe(0);
    expect((await t.client(muted).get('/room/news/pollInfo/0', { via: ONION_AES })).status).toBe(
      200,
    );
    expect((await cli('--rooms', 'news', '--add-perms', 'w')).code).toBe(0);
    expect((await t.client().get('/room/news', { via: ONION_AES })).json()).toMatchObject({
      write: true,
    });
  });

  it('renames, lists and deletes rooms', async () => {
    expect((await cli('--rooms', 'news', '--name', 'Daily News', '--description', '')).code).toBe(
      0,
    );
    const info = (await t.client().get('/room/news', { via: ONION_AES })).json<
      Record<string, unknown>
    >();
    expect(info.name).toBe('Daily News');
    expect(info).not.toHaveProperty('description');
    const list = await cli('-L', '-v');
    expect(list.stdout).toContain('news: Daily News');
    expect(list.stdout).toContain(`https://chat.example/news?public_key=${t.keys.publicKeyHex}`);
    expect((await cli('--delete-room', 'news', '--yes')).code).toBe(0);
    expect((await t.client().get('/room/news', { via: ONION_AES })).status).toBe(404);
  });
});
