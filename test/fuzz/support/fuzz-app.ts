import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { ServerKeys } from '../../../src/config/server-keys';
import { blindingFactor } from '../../../src/crypto/blinding';
import { buildSignedMessage } from '../../../src/crypto/request-signature';
import { sodium, sodiumReady } from '../../../src/crypto/sodium';
import type { OnionCipher } from '../../../src/crypto/onion-cipher';
import type { Room } from '../../../src/rooms/room';
import { SessionIdentity } from '../../support/client-crypto';
import { ONION_AES } from '../../support/sogs-client';
import { TestApp } from '../../support/test-app';
import { adminQuery, createTestDatabase } from '../../support/test-database';
import { decodeBase64Strict } from '../../../src/crypto/encoding';
import { decodeV4Reply, openReply, seal, v3Status, v4Plaintext } from './onion-frames';
import { buildRawRequest, rawExchange } from './raw-http';

/** The callers the fuzzer signs as (plus anonymous). */
export const IDENTITY_NAMES = [
  'admin',
  'roomAdmin',
  'mod',
  'user',
  'user2',
  'banned',
  'roomBanned',
] as const;
export type IdentityName = (typeof IDENTITY_NAMES)[number];

/** How one request travels. */
export const VIAS = [
  'inject',
  'http',
  'onion-v4-aes',
  'onion-v4-xchacha',
  'onion-v3-aes',
  'onion-v3-xchacha',
] as const;
export type Via = (typeof VIAS)[number];

export const ROOM_TOKENS = ['lobby', 'readonly', 'secret', 'hidden', 'noupload', 'L'.repeat(64)];

/** A request as the fuzzer describes it; transports turn it into bytes. */
export interface FuzzRequest {
  method: string;
  /** Path and query exactly as the client sends them (may be hostile). */
  target: string;
  /** Ordinary headers; a list, so a name may repeat. */
  headers?: [string, string][];
  body?: Buffer;
  /** Sign as this identity; anonymous when absent. */
  as?: IdentityName | null;
  /** Rewrites the signed X-SOGS-* headers (header fuzzing); default: send them as signed. */
  auth?: (signed: Record<string, string>) => [string, string][];
  /**
   * Send the target over a real socket exactly as given. By default it is first normalised the
   * way an HTTP client (and Fastify's inject) puts it on the wire, so the signature matches.
   */
  raw?: boolean;
  /** Override what is signed (timestamps, nonces). */
  sign?: { timestamp?: string; nonce?: Buffer; path?: string; body?: Buffer; method?: string };
}

export interface FuzzReply {
  via: Via;
  /** The inner status for onion requests. */
  status: number;
  /** The outer HTTP status of an onion request. */
  outer?: number;
  headers: Record<string, string>;
  body: Buffer;
  /** Problems with the reply's framing found while decoding it (onion meta, v3 base64…). */
  framing: string[];
  /** The path and query the server routed on (dot segments resolved unless sent raw). */
  effectiveTarget?: string;
  /** Signed as-is with a fresh nonce and the current time: a 425 is then never correct. */
  freshAuth?: boolean;
}

/** Fast blinded signing: the blinded keypair is computed once per identity. */
class Signer {
  private readonly ka: Uint8Array;
  readonly kA: Buffer;
  private readonly hrh: Uint8Array;
  readonly blindedId: string;

  constructor(
    readonly identity: SessionIdentity,
    serverPubkey: Uint8Array,
  ) {
    const s = sodium();
    this.ka = s.crypto_core_ed25519_scalar_mul(blindingFactor(serverPubkey), identity.scalar);
    this.kA = Buffer.from(s.crypto_scalarmult_ed25519_base_noclamp(this.ka));
    this.hrh = s.crypto_hash_sha512(identity.seed).slice(32);
    this.blindedId = `15${this.kA.toString('hex')}`;
  }

  sign(message: Uint8Array): Buffer {
    const s = sodium();
    const r = s.crypto_core_ed25519_scalar_reduce(
      s.crypto_hash_sha512(Buffer.concat([this.hrh, this.kA, message])),
    );
    const R = s.crypto_scalarmult_ed25519_base_noclamp(r);
    const hram = s.crypto_core_ed25519_scalar_reduce(
      s.crypto_hash_sha512(Buffer.concat([R, this.kA, message])),
    );
    const S = s.crypto_core_ed25519_scalar_add(r, s.crypto_core_ed25519_scalar_mul(hram, this.ka));
    return Buffer.concat([R, S]);
  }
}

function splitTarget(target: string): { path: string; query: string } {
  const q = target.indexOf('?');
  return q < 0
    ? { path: target, query: '' }
    : { path: target.slice(0, q), query: target.slice(q + 1) };
}

/** The target as an HTTP client sends it: resolved and percent-encoded by the URL rules. */
export function wireTarget(target: string): string {
  // An HTTP client must escape what cannot stand in a request line (URL parsing would drop
  // tabs and newlines, and a raw one makes an impossible request), a backslash, which URL
  // parsing would turn into a slash, and `#`, which would end the path (clients send none).
  target = target.replace(
    // eslint-disable-next-line no-control-regex -- these are exactly the characters meant
    /[\x00-\x20\x7f\\#]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  try {
    const u = target.startsWith('//')
      ? new URL(`http://localhost${target}`)
      : new URL(target, 'http://localhost');
    return u.pathname + u.search;
  } catch {
    return target;
  }
}

function decodeOr(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

function lowerHeaders(list: [string, string][]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of list) out[k] = v;
  return out;
}

export interface FuzzAppOptions {
  env?: Record<string, string>;
}

/**
 * The real app (TestApp: Nest on Fastify, real PostgreSQL) seeded with rooms, users of every
 * role, messages, reactions, a pin, an upload and a DM, plus transports that send a FuzzRequest
 * in-process (inject), over a real socket, or inside a real onion envelope of either cipher.
 *
 * The database is a fresh clone with `synchronous_commit = off`: the suite tests the server's
 * input handling, not disk durability, and a WAL flush per signed request (nonce insert) would
 * otherwise dominate the run time.
 */
export class FuzzApp {
  readonly signers = {} as Record<IdentityName, Signer>;
  readonly rooms = {} as Record<string, Room>;
  readonly messageIds: number[] = [];
  readonly fileIds: number[] = [];
  readonly userIds = {} as Record<IdentityName, number>;
  private fastify!: FastifyInstance;
  port = 0;

  private constructor(
    readonly t: TestApp,
    private readonly dropDb: () => Promise<void>,
  ) {}

  static async start(opts: FuzzAppOptions = {}): Promise<FuzzApp> {
    await sodiumReady();
    const db = await createTestDatabase();
    const name = new URL(db.url).pathname.slice(1);
    await adminQuery(`ALTER DATABASE "${name}" SET synchronous_commit = off`);
    const t = await TestApp.start({
      databaseUrl: db.url,
      keys: ServerKeys.fromPrivate(randomBytes(32)),
      env: { TSOGS_DIRECT: '1', TSOGS_LOG_LEVEL: 'error', ...opts.env },
    });
    const app = new FuzzApp(t, () => db.drop());
    app.fastify = t.app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
    app.port = Number(new URL(t.baseUrl).port);
    await app.seed();
    return app;
  }

  async close(): Promise<void> {
    await this.t.close();
    await this.dropDb();
  }

  get serverPubkey(): Uint8Array {
    return this.t.keys.publicKey;
  }

  sessionIdOf(name: IdentityName): string {
    return this.signers[name].blindedId;
  }

  private async seed(): Promise<void> {
    const t = this.t;
    for (const n of IDENTITY_NAMES)
      this.signers[n] = new Signer(SessionIdentity.random(), t.keys.publicKey);
    const id = (n: IdentityName) => this.signers[n].identity;
    this.rooms.lobby = await t.givenRoom('lobby', { description: 'the lobby' });
    this.rooms.readonly = await t.givenRoom('readonly', { defaults: { write: false } });
    this.rooms.secret = await t.givenRoom('secret', {
      defaults: { read: false, accessible: false },
    });
    this.rooms.hidden = await t.givenRoom('hidden', {
      defaults: { read: false, accessible: true },
    });
    this.rooms.noupload = await t.givenRoom('noupload', { defaults: { upload: false } });
    this.rooms.long = await t.givenRoom('L'.repeat(64));
    for (const n of IDENTITY_NAMES) this.userIds[n] = (await t.userOf(id(n))).id;
    await t.givenModerator(id('admin'), 'global', { admin: true });
    await t.givenModerator(id('roomAdmin'), this.rooms.lobby, { admin: true });
    await t.givenModerator(id('mod'), this.rooms.lobby);
    const lobby = this.rooms.lobby;
    for (const n of ['user', 'user2', 'admin', 'mod'] as const) {
      this.messageIds.push((await t.givenMessage(id(n), lobby)).id);
    }
    const user = t.client(id('user')).with({ via: ONION_AES });
    const m = this.messageIds[0];
    for (const r of ['👍', 'y/n', '👨🏿‍🦰']) {
      await user.put(`/room/lobby/reaction/${m}/${encodeURIComponent(r)}`);
    }
    await t.client(id('admin')).with({ via: ONION_AES }).post(`/room/lobby/pin/${m}`);
    const up = await user.post('/room/lobby/file', {
      body: randomBytes(100),
      headers: { 'Content-Disposition': "attachment; filename*=UTF-8''caf%C3%A9.txt" },
    });
    if (up.status === 201) this.fileIds.push(up.json<{ id: number }>().id);
    await user.post(`/inbox/${this.sessionIdOf('user2')}`, {
      json: { message: randomBytes(64).toString('base64') },
    });
    await t.givenBan(id('banned'), 'global');
    await t.givenBan(id('roomBanned'), lobby);
  }

  /**
   * Restores roles, bans and room defaults that fuzzed moderation requests (signed by real
   * admins) may have changed, so later cases still reach validation rather than 403.
   */
  async resetState(): Promise<void> {
    const ids = IDENTITY_NAMES.map((n) => this.userIds[n]);
    const u = this.userIds;
    const lobby = this.rooms.lobby.id;
    await this.t.db.query(
      `UPDATE users SET banned = (id = $2), moderator = (id = $3), admin = (id = $3)
       WHERE id = ANY($1)`,
      [ids, u.banned, u.admin],
    );
    await this.t.db.query('DELETE FROM user_permission_overrides WHERE user_id = ANY($1)', [ids]);
    await this.t.db.query(
      `INSERT INTO user_permission_overrides (room_id, user_id, moderator, admin, banned)
       VALUES ($1, $2, true, true, false), ($1, $3, true, false, false), ($1, $4, false, false, true)`,
      [lobby, u.roomAdmin, u.mod, u.roomBanned],
    );
    await this.t.db.query('DELETE FROM user_permission_futures');
    await this.t.db.query('DELETE FROM user_ban_futures');
    await this.t.db.query(
      `UPDATE rooms SET default_read = token NOT IN ('secret', 'hidden'),
         default_accessible = token <> 'secret', default_write = token <> 'readonly',
         default_upload = token <> 'noupload'`,
    );
  }

  /** The four X-SOGS-* headers for a request, signed as `name`. */
  signHeaders(
    name: IdentityName,
    method: string,
    target: string,
    body: Buffer | undefined,
    o: FuzzRequest['sign'] = {},
  ): Record<string, string> {
    const signer = this.signers[name];
    const nonce = o.nonce ?? randomBytes(16);
    const timestamp = o.timestamp ?? String(Math.floor(Date.now() / 1000));
    const { path, query } = splitTarget(o.path ?? target);
    const message = buildSignedMessage({
      serverPubkey: this.serverPubkey,
      nonce,
      timestamp,
      method: o.method ?? method,
      path: decodeOr(path),
      query,
      body: o.body ?? body ?? Buffer.alloc(0),
    });
    return {
      'X-SOGS-Pubkey': signer.blindedId,
      'X-SOGS-Nonce': nonce.toString('base64'),
      'X-SOGS-Timestamp': timestamp,
      'X-SOGS-Signature': signer.sign(message).toString('base64'),
    };
  }

  /** Ordinary plus (possibly rewritten) auth headers of a request whose body is `body`. */
  private headersFor(req: FuzzRequest, body: Buffer | undefined): [string, string][] {
    const out: [string, string][] = [...(req.headers ?? [])];
    if (req.as) {
      const signed = this.signHeaders(req.as, req.method, req.target, body, req.sign);
      out.push(...(req.auth ? req.auth(signed) : Object.entries(signed)));
    } else if (req.auth) {
      out.push(...req.auth({}));
    }
    return out;
  }

  /** Sends a request the given way. Throws only for transport failures (timeouts, resets). */
  async send(req: FuzzRequest, via: Via): Promise<FuzzReply> {
    const reply = await this.sendVia(req, via);
    const legacy = via.startsWith('onion-v3') && !req.target.startsWith('/');
    reply.effectiveTarget =
      legacy || (via === 'http' && req.raw) ? req.target : wireTarget(req.target);
    reply.freshAuth = !!req.as && !req.auth && !req.sign;
    return reply;
  }

  private sendVia(req: FuzzRequest, via: Via): Promise<FuzzReply> {
    switch (via) {
      case 'inject':
        return this.inject(req);
      case 'http':
        return this.http(req);
      case 'onion-v4-aes':
        return this.onion(req, 'v4', 'aes-gcm');
      case 'onion-v4-xchacha':
        return this.onion(req, 'v4', 'xchacha20');
      case 'onion-v3-aes':
        return this.onion(req, 'v3', 'aes-gcm');
      case 'onion-v3-xchacha':
        return this.onion(req, 'v3', 'xchacha20');
    }
  }

  async inject(original: FuzzRequest): Promise<FuzzReply> {
    const req = { ...original, target: wireTarget(original.target) };
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of this.headersFor(req, req.body)) {
      const prev = headers[k];
      headers[k] = prev === undefined ? v : [...(Array.isArray(prev) ? prev : [prev]), v];
    }
    const res = await this.fastify.inject({
      method: req.method as 'GET',
      url: req.target,
      headers,
      payload: req.body,
    });
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = String(v);
    return {
      via: 'inject',
      status: res.statusCode,
      headers: out,
      body: res.rawPayload,
      framing: [],
    };
  }

  async http(original: FuzzRequest, timeoutMs = 30_000): Promise<FuzzReply> {
    const req = original.raw ? original : { ...original, target: wireTarget(original.target) };
    const bytes = buildRawRequest(req.method, req.target, this.headersFor(req, req.body), req.body);
    const res = await rawExchange(this.port, bytes, timeoutMs);
    if (!res)
      return {
        via: 'http',
        status: 0,
        headers: {},
        body: Buffer.alloc(0),
        framing: ['no response'],
      };
    return { via: 'http', status: res.status, headers: res.headers, body: res.body, framing: [] };
  }

  /** Posts a raw frame to an onion endpoint, in-process or over a socket. */
  async postFrame(endpoint: string, frame: Buffer, overHttp = false) {
    if (overHttp) {
      const r = await this.http({ method: 'POST', target: endpoint, body: frame });
      return { status: r.status, body: r.body, headers: r.headers };
    }
    const r = await this.fastify.inject({
      method: 'POST',
      url: endpoint,
      headers: { 'content-type': 'application/octet-stream' },
      payload: frame,
    });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers)) if (v !== undefined) headers[k] = String(v);
    return { status: r.statusCode, body: r.rawPayload, headers };
  }

  /**
   * Wraps the request in a real onion envelope. v3 carries the body as a JSON string (so it is
   * sent and signed as its UTF-8 round trip) and none for GET/DELETE. The outer status must be
   * 200 (or 413 for an oversized frame); the reply must open with the request's key.
   */
  async onion(
    req: FuzzRequest,
    version: 'v4' | 'v3',
    cipher: OnionCipher,
    overHttp = false,
  ): Promise<FuzzReply> {
    const via: Via = `onion-${version}-${cipher === 'aes-gcm' ? 'aes' : 'xchacha'}`;
    const framing: string[] = [];
    let body = req.body;
    let plaintext: Buffer;
    if (version === 'v4') {
      const headers = lowerHeaders(this.headersFor(req, body));
      plaintext = v4Plaintext(req.method, req.target, headers, body);
    } else {
      const bodyless = ['GET', 'DELETE'].includes(req.method.toUpperCase());
      const text = bodyless || !body ? undefined : body.toString('utf8');
      body = text === undefined ? undefined : Buffer.from(text, 'utf8');
      const headers = lowerHeaders(this.headersFor(req, body));
      plaintext = Buffer.from(
        JSON.stringify({ method: req.method, endpoint: req.target, headers, body: text }),
      );
    }
    const sealed = seal(this.serverPubkey, cipher, plaintext);
    const endpoint = version === 'v4' ? '/oxen/v4/lsrpc' : '/loki/v3/lsrpc';
    const outer = await this.postFrame(endpoint, sealed.frame, overHttp);
    if (outer.status !== 200) {
      const reply = { via, status: outer.status, outer: outer.status, headers: outer.headers };
      return { ...reply, body: outer.body, framing };
    }
    const data = version === 'v4' ? outer.body : decodeBase64Strict(outer.body.toString().trim());
    if (!data) framing.push('v3 reply is not base64');
    const plain = data && openReply(sealed, data);
    if (!plain) {
      framing.push('reply does not decrypt with the request key');
      return { via, status: 200, outer: 200, headers: {}, body: outer.body, framing };
    }
    if (version === 'v3') {
      return { via, status: v3Status(plain), outer: 200, headers: {}, body: plain, framing };
    }
    const r = decodeV4Reply(plain, framing);
    if (!r) return { via, status: 200, outer: 200, headers: {}, body: plain, framing };
    return { via, status: r.code, outer: 200, headers: r.headers, body: r.body, framing };
  }

  /** True when the server still answers `GET /capabilities` (in-process). */
  async alive(): Promise<boolean> {
    try {
      const r = await this.fastify.inject({ method: 'GET', url: '/capabilities' });
      return r.statusCode === 200 && r.body.includes('"sogs"');
    } catch {
      return false;
    }
  }

  /** True when the server still answers `GET /capabilities` over a real socket. */
  async aliveOverHttp(): Promise<boolean> {
    try {
      const r = await this.http({ method: 'GET', target: '/capabilities' }, 10_000);
      return r.status === 200 && r.body.toString().includes('"sogs"');
    } catch {
      return false;
    }
  }
}
