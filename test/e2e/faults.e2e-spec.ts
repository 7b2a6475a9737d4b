import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { loadOrCreateKeyFile } from '../../src/config/server-keys';
import { sodiumReady } from '../../src/crypto/sodium';
import { SessionIdentity } from '../support/client-crypto';
import { ScratchPostgres } from '../support/scratch-postgres';
import { ServerProcess, runCli } from '../support/server-process';
import { sessionMessage } from '../support/session-message';
import { ONION_AES, SogsClient } from '../support/sogs-client';
import { createTestDatabase } from '../support/test-database';

jest.setTimeout(120_000);

const b64 = (b: Buffer) => b.toString('base64');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const UA = 'FaultProbe-UserAgent/51c2e7';

async function until(what: string, check: () => boolean | Promise<boolean>, ms = 30_000) {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await sleep(50);
  }
}

/** Worker processes of a cluster-mode server (children of its primary). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return []; // pgrep exits 1 when there are none
  }
}

/** A server on its own data directory and port, over the given database. */
async function serverEnv(databaseUrl: string, workers: number) {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tsogs-faults-'));
  const port = 20000 + ((process.pid * 7 + workers) % 20000);
  const env = {
    TSOGS_DATA_DIR: dataDir,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    TSOGS_WORKERS: String(workers),
  };
  expect((await runCli(['--add-room', 'lobby'], env)).code).toBe(0);
  const keys = loadOrCreateKeyFile(path.join(dataDir, 'key_x25519'));
  return {
    env,
    dataDir,
    clientAs: (identity: SessionIdentity | null) =>
      new SogsClient(`http://127.0.0.1:${port}`, keys.publicKey, identity, {
        via: ONION_AES,
        headers: { 'User-Agent': UA },
      }),
    readyz: () => fetch(`http://127.0.0.1:${port}/readyz`).then((r) => r.status),
  };
}

describe('faults: crashed processes and a restarted database (issue 8)', () => {
  beforeAll(() => sodiumReady());

  it('a single worker runs under the heap limit and is replaced when it dies', async () => {
    const db = await createTestDatabase();
    const s = await serverEnv(db.url, 1);
    const argv = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    try {
      const server = await ServerProcess.start(s.env);
      const [worker] = childrenOf(server.pid);
      expect(argv(worker)).toContain('--max-old-space-size=1024');
      process.kill(worker, 'SIGKILL');
      await until('another worker serves', async () => {
        const now = childrenOf(server.pid);
        return now.length === 1 && now[0] !== worker && (await s.readyz().catch(() => 0)) === 200;
      });
      expect(await server.stop()).toBe(0);
      // An operator's own limit (NODE_OPTIONS or node's command line) is left as it is.
      const own = await ServerProcess.start({ ...s.env, NODE_OPTIONS: '--max-old-space-size=300' });
      expect(argv(childrenOf(own.pid)[0]).join(' ')).not.toContain('max-old-space-size');
      await own.stop();
    } finally {
      await db.drop();
    }
  });

  it('kill -9 of a worker, then of the whole server, mid-burst: no acknowledged post lost, none duplicated', async () => {
    const db = await createTestDatabase();
    const s = await serverEnv(db.url, 2);
    let server = await ServerProcess.start(s.env);
    const acked = new Map<number, string>(); // message id → the data the client sent
    let attempts = 0;
    let refused = 0;
    let stop = false;
    // Fresh identities: the per-user post rate limit must not be what refuses posts here.
    const writer = async () => {
      while (!stop) {
        const data = b64(sessionMessage(`burst ${randomBytes(8).toString('hex')}`));
        attempts++;
        try {
          const r = await s.clientAs(SessionIdentity.random()).post('/room/lobby/message', {
            json: { data, signature: b64(randomBytes(64)) },
          });
          if (r.status === 201) acked.set(r.json<{ id: number }>().id, data);
          else refused++;
        } catch {
          refused++; // connection reset or refused: not acknowledged
          await sleep(20);
        }
      }
    };
    const writers = Array.from({ length: 6 }, writer);
    try {
      await until('30 posts are acknowledged', () => acked.size >= 30);
      const [worker] = childrenOf(server.pid);
      process.kill(worker, 'SIGKILL');
      await until('60 posts are acknowledged', () => acked.size >= 60);
      await server.kill(); // the primary: its workers exit with it
      await until('every worker is gone', () => childrenOf(server.pid).length === 0);
      await sleep(300);
      stop = true;
      await Promise.all(writers);
      server = await ServerProcess.start(s.env);
    } finally {
      stop = true;
      await server.stop();
    }
    const c = new Client({ connectionString: db.url });
    await c.connect();
    try {
      const { rows } = await c.query<{ id: number; data: Buffer; seqno: number }>(
        'SELECT id::int, data, seqno::int FROM messages',
      );
      const stored = new Map(rows.map((r) => [r.id, b64(r.data)]));
      const lost = [...acked].filter(([id, data]) => stored.get(id) !== data).length;
      const duplicated = rows.length - new Set(rows.map((r) => b64(r.data))).size;
      const seqnoClashes = rows.length - new Set(rows.map((r) => r.seqno)).size;
      process.stdout.write(
        `faults kill -9: ${attempts} posts tried, ${acked.size} acknowledged, ${refused} refused ` +
          `or cut, ${rows.length} stored, ${lost} lost, ${duplicated} duplicated\n`,
      );
      expect({ lost, duplicated, seqnoClashes }).toEqual({
        lost: 0,
        duplicated: 0,
        seqnoClashes: 0,
      });
      // Unacknowledged posts may or may not have landed; nothing else is stored.
      expect(rows.length).toBeLessThanOrEqual(attempts);
    } finally {
      await c.end();
      await db.drop();
      rmSync(s.dataDir, { recursive: true, force: true });
    }
  });

  it('answers 503 while PostgreSQL restarts, then serves again without being restarted', async () => {
    const pg = ScratchPostgres.create(40000 + (process.pid % 20000));
    const s = await serverEnv(pg.url, 1);
    const server = await ServerProcess.start(s.env);
    const seen: number[] = [];
    let stop = false;
    const poll = async (who: SessionIdentity | null) => {
      while (!stop) {
        const c = s.clientAs(who);
        try {
          seen.push((await c.get('/room/lobby/messages/recent')).status);
        } catch {
          seen.push(0); // the server itself did not answer: never acceptable here
        }
        await sleep(25);
      }
    };
    const alice = SessionIdentity.random();
    const pollers = [poll(alice), poll(null)];
    try {
      await until('polls succeed', () => seen.includes(200));
      pg.stop();
      const outageFrom = seen.length;
      await until('polls get 503', () => seen.slice(outageFrom).includes(503));
      expect(await s.readyz()).toBe(503);
      await sleep(1000);
      pg.start();
      const recoveryFrom = seen.length;
      await until('polls succeed again', () => seen.slice(recoveryFrom).includes(200), 20_000);
      await until('every poll succeeds', async () => {
        const from = seen.length;
        await sleep(500);
        return seen.length > from && seen.slice(from).every((code) => code === 200);
      });
      expect(await s.readyz()).toBe(200);
      expect(server.running).toBe(true);
    } finally {
      stop = true;
      await Promise.all(pollers);
      await server.stop();
      pg.destroy();
      rmSync(s.dataDir, { recursive: true, force: true });
    }
    const statuses = [...new Set(seen)].sort();
    process.stdout.write(
      `faults PostgreSQL restart: ${seen.length} polls, statuses ${statuses.join(', ')}, ` +
        `${seen.filter((c) => c === 503).length} × 503\n`,
    );
    expect(statuses).toEqual([200, 503]);
    expect(server.output).not.toContain(UA);
  });
});
