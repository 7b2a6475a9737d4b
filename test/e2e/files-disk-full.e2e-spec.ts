import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES } from '../support/sogs-client';
import { TestApp } from '../support/test-app';

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/**
 * A full disk during uploads: the uploads directory is a 256 KiB tmpfs (the tests run as root,
 * as CI does). The client gets a clear 507, and neither a half-written file nor a row remains.
 */
describe('uploads when the disk is full', () => {
  let t: TestApp;
  let mount: string;

  beforeAll(async () => {
    mount = mkdtempSync(path.join(tmpdir(), 'tsogs-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mount]);
    t = await TestApp.start({ env: { TSOGS_UPLOADS_DIR: mount } });
    await t.givenRoom('lobby');
  });
  afterAll(async () => {
    await t.close();
    execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  it('answers 507 and leaves no partial file and no row', async () => {
    const c = t.client(SessionIdentity.random()).with({ via: ONION_AES });
    const small = await c.post('/room/lobby/file', { body: randomBytes(100_000) });
    expect(small.status).toBe(201);
    const big = await c.post('/room/lobby/file', { body: randomBytes(400_000) });
    expect([big.status, big.text]).toEqual([507, 'The server could not store the file']);
    const rows = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM files');
    expect(rows[0].n).toBe(1);
    expect(filesUnder(mount)).toHaveLength(1);
    // The server keeps working, and takes uploads again once there is room.
    const again = await c.post('/room/lobby/file', { body: randomBytes(50_000) });
    expect(again.status).toBe(201);
  });

  it('keeps the 507 and its text as a /batch item (Android uploads in a batch)', async () => {
    const c = t.client(SessionIdentity.random()).with({ via: ONION_AES });
    const b64 = randomBytes(400_000).toString('base64');
    const r = await c.post('/batch', { json: [{ method: 'POST', path: '/room/lobby/file', b64 }] });
    expect(r.json()).toEqual([
      {
        code: 507,
        headers: { 'content-type': 'text/plain; charset=utf-8' },
        body: Buffer.from('The server could not store the file').toString('base64'),
      },
    ]);
  });
});
