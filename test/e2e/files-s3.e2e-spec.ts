import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { MaintenanceService } from '../../src/maintenance/maintenance.service';
import { SessionIdentity } from '../support/client-crypto';
import { ONION_AES, ONION_XCHACHA } from '../support/sogs-client';
import { TestApp } from '../support/test-app';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Uploads in an S3-compatible bucket (a local S3 emulator; the request signer itself is checked
 * against AWS's published example in aws-sigv4.spec.ts), shared by two servers over one
 * database, as on two hosts.
 */
describe('files in an S3-compatible store', () => {
  let s3: S3rver;
  let dir: string;
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'tsogs-s3-'));
    s3 = new S3rver({
      port: 0,
      address: '127.0.0.1',
      silent: true,
      directory: dir,
      configureBuckets: [{ name: 'tsogs', configs: [] }],
    });
    const address = await s3.run();
    const env = {
      TSOGS_S3_ENDPOINT: `http://127.0.0.1:${address.port}`,
      TSOGS_S3_BUCKET: 'tsogs',
      TSOGS_S3_ACCESS_KEY: 'S3RVER',
      TSOGS_S3_SECRET_KEY: 'S3RVER',
    };
    a = await TestApp.start({ env });
    b = await TestApp.start({ env, keys: a.keys, databaseUrl: a.databaseUrl });
    await a.givenRoom('lobby');
  });
  afterAll(async () => {
    await b.close();
    await a.close();
    await s3.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores through one server and serves through the other', async () => {
    const data = randomBytes(300_000);
    const up = await a.client(SessionIdentity.random()).post('/room/lobby/file', {
      body: data,
      headers: { 'Content-Disposition': 'attachment; filename="shared.bin"' },
      via: ONION_AES,
    });
    expect(up.status).toBe(201);
    const down = await b
      .client()
      .get(`/room/lobby/file/${up.json<{ id: number }>().id}`, { via: ONION_XCHACHA });
    expect(down.status).toBe(200);
    expect(sha(down.body)).toBe(sha(data));
  });

  it('removes expired objects from the bucket', async () => {
    const up = await a
      .client(SessionIdentity.random())
      .post('/room/lobby/file', { body: randomBytes(10), via: ONION_AES });
    const id = up.json<{ id: number }>().id;
    a.clock.advance(3601);
    try {
      await a.app.get(MaintenanceService).runOnce();
    } finally {
      a.clock.advance(-3601);
    }
    expect(await a.db.query('SELECT 1 FROM files WHERE id = $1', [id])).toHaveLength(0);
  });

  it('reports a store that refuses with 507 and writes no row', async () => {
    const bad = await TestApp.start({
      env: {
        TSOGS_S3_ENDPOINT: a.config.files.s3!.endpoint,
        TSOGS_S3_BUCKET: 'no-such-bucket',
        TSOGS_S3_ACCESS_KEY: 'S3RVER',
        TSOGS_S3_SECRET_KEY: 'S3RVER',
      },
    });
    try {
      await bad.givenRoom('r');
      const r = await bad
        .client(SessionIdentity.random())
        .post('/room/r/file', { body: randomBytes(10), via: ONION_AES });
      expect(r.status).toBe(507);
      expect(await bad.db.query('SELECT 1 FROM files')).toHaveLength(0);
    } finally {
      await bad.close();
    }
  });
});
