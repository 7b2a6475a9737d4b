import { randomBytes } from 'node:crypto';
import { MaintenanceService } from '../../src/maintenance/maintenance.service';
import type { Room } from '../../src/rooms/room';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES } from '../support/sogs-client';
import { TestApp } from '../support/test-app';

const DAY = 86400;

describe('periodic job (model.md §12)', () => {
  let t: TestApp;
  let alice: SessionIdentity;
  let lobby: Room;
  const runJob = () => t.app.get(MaintenanceService).runOnce();
  const historyOf = async (id: number) =>
    (
      await t.db.query<{ data: Buffer }>('SELECT data FROM message_history WHERE message_id = $1', [
        id,
      ])
    ).map((h) => h.data.toString());
  const edited = async (from: string, to: string) => {
    const m = await t.givenMessage(alice, lobby, from);
    const r = await t.client(alice).put(`/room/lobby/message/${m.id}`, {
      json: {
        data: Buffer.from(to).toString('base64'),
        signature: randomBytes(64).toString('base64'),
      },
      via: ONION_AES,
    });
    expect(r.status).toBe(200);
    return m.id;
  };

  beforeAll(async () => {
    t = await TestApp.start({ env: { TSOGS_HISTORY_PRUNE_THRESHOLD_DAYS: '2' } });
    alice = SessionIdentity.random();
    lobby = await t.givenRoom('lobby');
  });
  afterAll(() => t.close());

  it('deletes edit history older than history_prune_threshold, keeping newer', async () => {
    const old = await edited('old v1', 'old v2');
    t.clock.advance(3 * DAY);
    const recent = await edited('new v1', 'new v2');
    expect(await historyOf(old)).toEqual(['old v1']);
    await runJob();
    expect(await historyOf(old)).toEqual([]);
    expect(await historyOf(recent)).toEqual(['new v1']);
  });

  it('runs each step on its own: one failing leaves the later ones done', async () => {
    const expired = randomBytes(16);
    await t.db.query('INSERT INTO request_nonces (nonce, expiry) VALUES ($1, $2)', [
      expired,
      t.clock.now() - 1,
    ]);
    // The history step fails while its table is away; the nonce step comes after it.
    await t.db.query('ALTER TABLE message_history RENAME TO message_history_away');
    try {
      await runJob();
    } finally {
      await t.db.query('ALTER TABLE message_history_away RENAME TO message_history');
    }
    const left = await t.db.query('SELECT 1 FROM request_nonces WHERE nonce = $1', [expired]);
    expect(left).toHaveLength(0);
  });
});
