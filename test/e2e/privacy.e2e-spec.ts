import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOrCreateKeyFile } from '../../src/config/server-keys';
import { sodiumReady } from '../../src/crypto/sodium';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA, SogsClient } from '../support/sogs-client';
import { ServerProcess, runCli } from '../support/server-process';
import { sessionMessage } from '../support/session-message';
import { ROUTES } from '../support/spec-routes';
import { createTestDatabase } from '../support/test-database';

const UA = 'PrivacyProbe-UserAgent/7f3a9c';
const IP = '203.0.113.77';
const IP6 = '2001:db8::7f3a';
const CONTENT = 'PrivacyProbe-MessageText-d41c';
const b64 = (b: Buffer) => b.toString('base64');

/**
 * The server must never write a client's address or user agent to its logs or database: send
 * recognisable values every way a request can arrive, successful and failing, with debug
 * logging on, then search the whole output and a dump of the database.
 */
describe('privacy: no IP address or user agent in logs or database', () => {
  let dataDir: string;
  let db: { url: string; drop(): Promise<void> };

  beforeAll(async () => {
    await sodiumReady();
    dataDir = mkdtempSync(path.join(tmpdir(), 'tsogs-privacy-'));
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('leaves no trace of them', async () => {
    const port = 21000 + (process.pid % 20000);
    const env = {
      TSOGS_DATA_DIR: dataDir,
      DATABASE_URL: db.url,
      PORT: String(port),
      HOST: '127.0.0.1',
      TSOGS_DIRECT: '1',
      TSOGS_LOG_LEVEL: 'debug',
    };
    expect((await runCli(['--add-room', 'lobby'], env)).code).toBe(0);
    const keys = loadOrCreateKeyFile(path.join(dataDir, 'key_x25519'));
    const adminId = SessionIdentity.random();
    const admin = ['--rooms', 'lobby', '--add-moderators', adminId.sessionId, '--admin'];
    expect((await runCli(admin, env)).code).toBe(0);
    const server = await ServerProcess.start(env);
    try {
      const probe = {
        'User-Agent': UA,
        'X-Forwarded-For': `${IP}, ${IP6}`,
        'X-Real-IP': IP,
        Forwarded: `for=${IP}`,
      };
      const alice = new SogsClient(
        `http://127.0.0.1:${port}`,
        keys.publicKey,
        SessionIdentity.random(),
      );
      const anon = new SogsClient(`http://127.0.0.1:${port}`, keys.publicKey, null);
      for (const via of ['direct', ONION_AES, ONION_XCHACHA] as const) {
        for (const c of [alice, anon]) {
          await c.get('/room/lobby/pollInfo/0', { via, headers: probe });
          await c.get('/room/missing', { via, headers: probe });
          await c.post('/batch', {
            via,
            headers: probe,
            json: [{ method: 'GET', path: '/rooms', headers: probe }],
          });
        }
        await alice.get('/room/lobby', { via, headers: probe, timestamp: 1 }); // 425
        await alice.get('/room/lobby', { via, headers: { ...probe, 'X-SOGS-Pubkey': 'bad' } }); // 400
      }
      // Every route of the spec, as an admin and anonymously, directly and through onion
      // requests, with a message whose text must never reach the logs.
      const root = new SogsClient(`http://127.0.0.1:${port}`, keys.publicKey, adminId);
      const posted = await root.post('/room/lobby/message', {
        json: { data: b64(sessionMessage(CONTENT)), signature: b64(randomBytes(64)) },
        headers: probe,
      });
      expect(posted.status).toBe(201);
      const fill = (template: string) =>
        template
          .replace(':token', 'lobby')
          .replace(':room', 'lobby')
          .replace(/:(id|info|seqno)\b/, String(posted.json<{ id: number }>().id))
          .replace(':sid', SessionIdentity.random().sessionId)
          .replace(':filename', 'x.txt')
          .replace('*', encodeURIComponent('👍'));
      for (const route of ROUTES) {
        for (const via of ['direct', ONION_AES] as const) {
          for (const c of [root, anon]) {
            const body =
              route.body === 'json'
                ? JSON.stringify({ data: b64(sessionMessage(CONTENT)), signature: CONTENT })
                : route.body === 'raw'
                  ? Buffer.from(CONTENT)
                  : undefined;
            const r = await c.request(route.method, fill(route.path), {
              via,
              headers: probe,
              body,
            });
            expect({ route: route.path, status: r.status < 500 }).toEqual({
              route: route.path,
              status: true,
            });
          }
        }
      }
      await fetch(`http://127.0.0.1:${port}/oxen/v4/lsrpc`, {
        method: 'POST',
        headers: probe,
        body: 'garbage',
      });
      await fetch(`http://127.0.0.1:${port}/nowhere`, { headers: probe });
    } finally {
      await server.stop();
    }
    const dumpFile = path.join(dataDir, 'dump.sql');
    const dump = execFileSync('pg_dump', [db.url], { maxBuffer: 1 << 26 }).toString();
    writeFileSync(dumpFile, dump);
    expect(dump).toContain('lobby'); // the dump is real
    // The clients' real address is loopback; the only line allowed to name it is the bind address.
    const logs = server.output.replace(/^tsogs listening on 127\.0\.0\.1:\d+.*$/m, '');
    for (const needle of [CONTENT, b64(Buffer.from(CONTENT)), b64(sessionMessage(CONTENT))]) {
      expect({ needle, inLogs: logs.includes(needle) }).toEqual({ needle, inLogs: false });
    }
    for (const needle of [UA, IP, IP6, '127.0.0.1']) {
      expect({
        needle,
        inLogs: logs.includes(needle),
        inDb: dump.includes(needle),
      }).toEqual({
        needle,
        inLogs: false,
        inDb: false,
      });
    }
  }, 90_000);
});
