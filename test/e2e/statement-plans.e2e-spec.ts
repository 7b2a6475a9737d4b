import { Pool } from 'pg';
import { Database } from '../../src/db/database';
import { NonceRepository } from '../../src/auth/nonce.repository';
import { MessagesRepository } from '../../src/messages/messages.repository';
import { PollSnapshotRepository } from '../../src/onion/poll-snapshot.repository';
import type { Room } from '../../src/rooms/room';
import { TestApp } from '../support/test-app';

interface Plans {
  generic_plans: number;
  custom_plans: number;
}

/**
 * The statements every poll runs are planned once per connection, not on every run: PostgreSQL
 * keeps re-planning a statement whose parameters change its row estimates (arrays do).
 */
describe('plans of the per-poll statements', () => {
  let t: TestApp;
  let pool: Pool;
  let db: Database;
  let room: Room;

  beforeAll(async () => {
    t = await TestApp.start();
    // One connection per pool: prepared statements and their plans belong to a connection.
    pool = new Pool({ connectionString: t.databaseUrl, max: 1 });
    db = new Database(pool);
    // Tables of a community's size: the estimates, and so the choice of plans, depend on it.
    room = await t.givenRoom('plans');
    await db.query(`INSERT INTO users (session_id, created, last_active)
      SELECT '05' || lpad(to_hex(n), 64, '0'), 0, 0 FROM generate_series(1, 5000) n`);
    await db.query(
      `INSERT INTO messages (room_id, user_id, posted, seqno_data, seqno_creation, data, signature)
       SELECT $1, (SELECT min(id) FROM users), n, n, n, '\\x00', '\\x00'
         FROM generate_series(1, 5000) n`,
      [room.id],
    );
    await db.query('UPDATE rooms SET message_sequence = 5000 WHERE id = $1', [room.id]);
    await db.query(`INSERT INTO request_nonces (nonce, expiry)
      SELECT decode(lpad(to_hex(n), 32, '0'), 'hex'), 1e10 FROM generate_series(1, 50000) n`);
    await db.query('ANALYZE users, messages, request_nonces');
  });
  afterAll(async () => {
    await db.close();
    await pool.end();
    await t.close();
  });

  const plans = (rows: (Plans & { statement: string })[], marker: RegExp) =>
    rows
      .filter((r) => marker.test(r.statement))
      .map(({ generic_plans, custom_plans }) => ({
        generic_plans,
        custom_plans,
      }));
  const SEEN = 'SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements';

  it('messages since: a generic plan after five runs, whatever the number of rooms', async () => {
    const messages = new MessagesRepository(db);
    for (let n = 1; n <= 10; n++) {
      const reads = Array.from({ length: (n % 3) + 1 }, (_, i) => ({
        roomId: room.id,
        moderator: i % 2 === 0,
        after: 4990 + i,
        limit: 100,
        withReactionChanges: true,
      }));
      expect(await messages.since(n % 2 ? null : 1, reads)).toHaveLength(reads.length);
    }
    expect(plans(await db.query(SEEN), /json_to_recordset[\s\S]*LATERAL/)).toEqual([
      { generic_plans: 5, custom_plans: 5 },
    ]);
  });

  it('nonce groups: a generic plan after five runs, whatever the size of the group', async () => {
    const nonces = new NonceRepository(db) as unknown as {
      recordGroup(group: unknown[]): Promise<{ fresh: boolean }[]>;
    };
    // One group after the other, so that they share a connection.
    for (let n = 1; n <= 10; n++) {
      const group = Array.from({ length: n }, (_, i) => ({
        sessionId: `05${'ab'.repeat(32)}`,
        nonce: Buffer.from(`${n}:${i}`),
        expiry: 1e10,
      }));
      const recorded = await nonces.recordGroup(group);
      expect(recorded.map((r) => r.fresh)).toEqual(Array(n).fill(true));
    }
    expect(plans(await db.queryAsyncCommit(SEEN), /INSERT INTO request_nonces/)).toEqual([
      { generic_plans: 5, custom_plans: 5 },
    ]);
  });

  it("a poll's snapshot: a generic plan after five runs, whatever its rooms and reads", async () => {
    const snapshots = new PollSnapshotRepository(db);
    const viewer = { id: 1, moderator: false, admin: false };
    for (let n = 1; n <= 10; n++) {
      const planned = Array.from({ length: n % 3 }, (_, i) => ({
        token: 'plans',
        after: 4990 + i,
        options: { limit: 100, reactors: 5, reactionUpdates: true },
      }));
      const found = await snapshots.load(
        ['plans', `other${n}`],
        n % 2 ? viewer : null,
        true,
        planned,
      );
      expect(found.rooms.size).toBe(1);
      expect(found.news.size).toBe(planned.length);
    }
    expect(plans(await db.query(SEEN), /inbox_high/)).toEqual([
      { generic_plans: 5, custom_plans: 5 },
    ]);
  });
});
