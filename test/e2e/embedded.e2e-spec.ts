import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sodiumReady } from '../../src/crypto/sodium';
import { serverKeysFromPrivate } from '../../src/crypto/server-key';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA, SogsClient } from '../support/sogs-client';
import { runCli, ServerProcess } from '../support/server-process';

const ROOT = path.resolve(__dirname, '../..');

/**
 * The host's path: no DATABASE_URL, so the server runs its own PostgreSQL in the data directory
 * on a free port, and the CLI reaches the same database whether or not the server runs.
 */
describe('embedded default (no DATABASE_URL)', () => {
  let dataDir: string;
  let env: Record<string, string>;
  const port = 20000 + (process.pid % 20000);

  beforeAll(async () => {
    await sodiumReady();
    dataDir = mkdtempSync(path.join(tmpdir(), 'tsogs-embedded-'));
    env = {
      TSOGS_WORKERS: '2',
      TSOGS_DATA_DIR: dataDir,
      PORT: String(port),
      HOST: '127.0.0.1',
      TSOGS_BASE_URL: 'http://sogs.test',
    };
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates a room with the CLI before the server ever ran, printing its join URL', async () => {
    const r = await runCli(
      ['--add-room', 'lobby', '--name', 'Lobby', '--description', 'Hello\\nworld'],
      env,
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Join URL: http:\/\/sogs\.test\/lobby\?public_key=[0-9a-f]{64}/);
    // key file: 32 raw bytes, read-only for the owner
    const keyFile = path.join(dataDir, 'key_x25519');
    expect(readFileSync(keyFile)).toHaveLength(32);
    expect(statSync(keyFile).mode & 0o777).toBe(0o400);
  }, 90_000);

  it('stops the PostgreSQL it started when interrupted at a prompt, and changes nothing', async () => {
    const cli = spawn(
      process.execPath,
      [path.join(ROOT, 'bin/tsogs.js'), '--delete-room', 'lobby'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
      },
    );
    let stdout = '';
    await new Promise<void>((prompted) =>
      cli.stdout.on('data', (d: Buffer) => (stdout += d.toString()).includes('[yN]') && prompted()),
    );
    const postgres = Number(
      readFileSync(path.join(dataDir, 'postgres/postmaster.pid'), 'utf8').split('\n')[0],
    );
    const exited = new Promise<number | null>((done) => cli.on('exit', (code) => done(code)));
    cli.kill('SIGINT'); // the CLI alone, not its process group as a terminal's Ctrl-C would
    expect(await exited).toBe(130);
    const alive = () => {
      try {
        process.kill(postgres, 0);
        return true;
      } catch {
        return false;
      }
    };
    for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(alive()).toBe(false);
    expect((await runCli(['-L'], env)).stdout).toContain('lobby: Lobby');
  }, 90_000);

  it('starts, prints its key and room URLs, and serves the room through onion requests', async () => {
    const server = await ServerProcess.start(env);
    try {
      const key = /public key: ([0-9a-f]{64})/.exec(server.output)![1];
      expect(server.output).toContain(`http://sogs.test/lobby?public_key=${key}`);
      const alice = new SogsClient(
        `http://127.0.0.1:${port}`,
        Buffer.from(key, 'hex'),
        SessionIdentity.random(),
      );
      for (const via of [ONION_AES, ONION_XCHACHA]) {
        expect((await alice.get('/capabilities', { via })).status).toBe(200);
        const info = await alice.get('/room/lobby', { via });
        expect(info.status).toBe(200);
        expect(info.json()).toMatchObject({ name: 'Lobby', description: 'Hello\nworld' });
      }
      // The CLI attaches to the running server's database; the change is visible at once.
      const mod = SessionIdentity.random();
      const cli = await runCli(
        ['--rooms', 'lobby', '--add-moderators', mod.blindedId(Buffer.from(key, 'hex'))],
        env,
      );
      expect(cli.code).toBe(0);
      const room = (await alice.get('/room/lobby', { via: ONION_AES })).json<{
        moderators: string[];
      }>();
      expect(room.moderators).toEqual([mod.blindedId(Buffer.from(key, 'hex'))]);
      // Two worker processes share the port; a nonce spent on either is refused by both.
      expect(server.output).toContain('2 worker processes');
      const headers = alice.signHeaders('GET', '/room/lobby', undefined);
      const statuses = [];
      for (let i = 0; i < 6; i++)
        statuses.push((await alice.get('/room/lobby', { headers, via: ONION_AES })).status);
      expect(statuses).toEqual([200, 425, 425, 425, 425, 425]);
      const list = await runCli(['-L'], env);
      expect(list.stdout).toContain(`lobby: Lobby`);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 90_000);

  it('keeps its key and data across restarts', async () => {
    const first = readFileSync(path.join(dataDir, 'key_x25519'));
    const server = await ServerProcess.start(env);
    try {
      const publicKey = Buffer.from(serverKeysFromPrivate(first).publicKey).toString('hex');
      expect(server.output).toContain(`public key: ${publicKey}`);
      expect(server.output).toContain('lobby');
    } finally {
      await server.stop();
    }
  }, 90_000);
});
