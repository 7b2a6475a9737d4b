/**
 * The "floor": the least work any server must do for one poll, in a bare Fastify handler with
 * the crypto tsogs uses (src/crypto): X25519 + AES-GCM open, Ed25519 verify of the blinded
 * signature over the inner /batch, one indexed read (the caller's user row, needed for bans),
 * AES-GCM seal of a reply shaped like tsogs's. Nonces are not stored, so polls may be replayed.
 *
 * Env: PORT, HOST, DATABASE_URL, TSOGS_DATA_DIR (for tsogs's key file), FLOOR_WORKERS.
 */
import cluster from 'node:cluster';
import path from 'node:path';
import Fastify from 'fastify';
import { Pool } from 'pg';
import { decodeOnionList, encodeList } from '../src/crypto/bencode';
import { decodeHexOrBase64 } from '../src/crypto/encoding';
import { buildSignedMessage, verifyEd25519 } from '../src/crypto/request-signature';
import { sodiumReady } from '../src/crypto/sodium';
import { loadOrCreateKeyFile, type ServerKeys } from '../src/config/server-keys';
import { openEnvelope } from '../src/onion/onion-envelope';

const WINDOW = 86400;
const JSON_TYPE = { 'content-type': 'application/json' };

/** The inner reply: bencoded [meta, body], as tsogs's onion service builds it. */
function inner(code: number, body: unknown): Buffer {
  const meta = Buffer.from(JSON.stringify({ code, headers: JSON_TYPE }));
  return encodeList([meta, Buffer.from(JSON.stringify(body))]);
}

async function handle(body: Buffer, keys: ServerKeys, db: Pool): Promise<Buffer | null> {
  const envelope = openEnvelope(body, keys);
  const parts = envelope && decodeOnionList(envelope.plaintext);
  if (!envelope || !parts) return null;
  const meta = JSON.parse(parts[0].toString('utf8')) as {
    method: string;
    endpoint: string;
    headers: Record<string, string>;
  };
  const reqBody = parts[1] ?? Buffer.alloc(0);
  const h = meta.headers;
  const pubkey = decodeHexOrBase64(h['X-SOGS-Pubkey'] ?? '', 33);
  const nonce = decodeHexOrBase64(h['X-SOGS-Nonce'] ?? '', 16);
  const signature = decodeHexOrBase64(h['X-SOGS-Signature'] ?? '', 64);
  const timestamp = h['X-SOGS-Timestamp'] ?? '';
  const age = Math.abs(Date.now() / 1000 - Number(timestamp));
  if (!pubkey || pubkey[0] !== 0x15 || !nonce || !signature || !(age <= WINDOW)) {
    return envelope.seal(inner(401, {}));
  }
  const [endpoint, query = ''] = meta.endpoint.split('?');
  const message = buildSignedMessage({
    serverPubkey: keys.publicKey,
    nonce,
    timestamp,
    method: meta.method,
    path: endpoint,
    query,
    body: reqBody,
  });
  if (!verifyEd25519(signature, message, pubkey.subarray(1))) return envelope.seal(inner(401, {}));
  const subs = JSON.parse(reqBody.toString('utf8')) as unknown[];
  const { rows } = await db.query('SELECT id, banned FROM users WHERE session_id = $1', [
    pubkey.toString('hex'),
  ]);
  if ((rows[0] as { banned?: boolean } | undefined)?.banned) return envelope.seal(inner(403, {}));
  const items = subs.map(() => ({ code: 200, headers: JSON_TYPE, body: [] }));
  return envelope.seal(inner(200, items));
}

async function serve(): Promise<void> {
  await sodiumReady();
  const keys = loadOrCreateKeyFile(path.join(process.env.TSOGS_DATA_DIR ?? './data', 'key_x25519'));
  // The same pool size as tsogs's default (TSOGS_DB_POOL).
  const db = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
  const app = Fastify({ logger: false });
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  app.post('/oxen/v4/lsrpc', async (req, reply) => {
    const out = await handle(req.body as Buffer, keys, db);
    if (!out) return reply.code(400).send('Invalid onion request');
    return reply.header('content-type', 'application/octet-stream').send(out);
  });
  await app.listen({
    port: Number(process.env.PORT ?? 18281),
    host: process.env.HOST ?? '127.0.0.1',
  });
  const stop = () =>
    void app
      .close()
      .then(() => db.end())
      .then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function main(): Promise<void> {
  const workers = Number(process.env.FLOOR_WORKERS ?? 1);
  if (workers <= 1 || !cluster.isPrimary) {
    await serve();
    if (workers <= 1) process.stdout.write(`floor listening on ${process.env.PORT}\n`);
    return;
  }
  const forks = Array.from({ length: workers }, () => cluster.fork());
  await Promise.all(forks.map((w) => new Promise((ok) => w.once('listening', ok))));
  process.stdout.write(`floor listening on ${process.env.PORT} (${workers} workers)\n`);
  process.on('SIGTERM', () => forks.forEach((w) => w.kill('SIGTERM')));
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
