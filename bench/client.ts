/**
 * What a Session client does per request, as in test/support/client-crypto.ts (auth.md §2–4,
 * onion.md §2–5), but with the blinded keys derived once per client: only the per-request work
 * (ephemeral X25519, AES-GCM, one blinded Ed25519 signature) is left for the generator.
 */
import { randomBytes } from 'node:crypto';
import { decodeOnionList, encodeList } from '../src/crypto/bencode';
import { blindingFactor } from '../src/crypto/blinding';
import { asBuffer } from '../src/crypto/encoding';
import { onionDecrypt, onionEncrypt, onionKeyFromShared, x25519 } from '../src/crypto/onion-cipher';
import { buildSignedMessage } from '../src/crypto/request-signature';
import { sodium } from '../src/crypto/sodium';

/** What a polling client remembers between polls, per room in room order. */
export interface PollState {
  seqnos: number[];
  infoUpdates: number[];
  inbox: number;
  outbox: number;
}

/** A sealed onion request and the key that opens its reply. */
export interface Sealed {
  frame: Uint8Array;
  key: Uint8Array;
}

/** A client's 15-blinded signing key for one server (ka, kA) and its nonce secret. */
export class BlindedClient {
  private readonly ka: Uint8Array;
  private readonly kA: Buffer;
  private readonly nonceSecret: Uint8Array;
  readonly id: string;

  constructor(seed: Uint8Array, serverPubkey: Uint8Array) {
    const s = sodium();
    const kp = s.crypto_sign_seed_keypair(seed);
    const a = s.crypto_sign_ed25519_sk_to_curve25519(kp.privateKey);
    this.ka = s.crypto_core_ed25519_scalar_mul(blindingFactor(serverPubkey), a);
    this.kA = asBuffer(s.crypto_scalarmult_ed25519_base_noclamp(this.ka));
    this.nonceSecret = s.crypto_hash_sha512(seed).slice(32);
    this.id = '15' + this.kA.toString('hex');
  }

  /** Ed25519 signature by kA with a deterministic r, as Session clients compute it. */
  sign(message: Uint8Array): Buffer {
    const s = sodium();
    const h = (...parts: Uint8Array[]) =>
      s.crypto_core_ed25519_scalar_reduce(s.crypto_hash_sha512(Buffer.concat(parts)));
    const r = h(this.nonceSecret, this.kA, message);
    const R = s.crypto_scalarmult_ed25519_base_noclamp(r);
    const S = s.crypto_core_ed25519_scalar_add(
      r,
      s.crypto_core_ed25519_scalar_mul(h(R, this.kA, message), this.ka),
    );
    return Buffer.concat([R, S]);
  }

  /** X-SOGS-* headers for a request; a fresh nonce each time, since nonces are single-use. */
  headers(serverPubkey: Uint8Array, method: string, path: string, body: Buffer) {
    const nonce = randomBytes(16);
    const timestamp = String(Math.floor(Date.now() / 1000));
    const message = buildSignedMessage({
      serverPubkey,
      nonce,
      timestamp,
      method,
      path,
      query: '',
      body,
    });
    return {
      'X-SOGS-Pubkey': this.id,
      'X-SOGS-Nonce': nonce.toString('base64'),
      'X-SOGS-Timestamp': timestamp,
      'X-SOGS-Signature': this.sign(message).toString('base64'),
    };
  }
}

/** A v4 onion request (AES-GCM, no enc_type, like desktop and Android). */
export function sealV4(
  serverPubkey: Uint8Array,
  meta: { method: string; endpoint: string; headers: Record<string, string> },
  body: Buffer,
): Sealed {
  const a = randomBytes(32);
  const A = sodium().crypto_scalarmult_base(a);
  const key = onionKeyFromShared('aes-gcm', x25519(a, serverPubkey), A, serverPubkey);
  const ciphertext = onionEncrypt(
    'aes-gcm',
    key,
    encodeList([Buffer.from(JSON.stringify(meta)), body]),
  );
  const length = Buffer.alloc(4);
  length.writeUInt32LE(ciphertext.length);
  const json = Buffer.from(JSON.stringify({ ephemeral_key: Buffer.from(A).toString('hex') }));
  return { frame: Buffer.concat([length, ciphertext, json]), key };
}

/** Opens a v4 reply: the inner status code and body. Throws when it does not decrypt. */
export function openV4(key: Uint8Array, reply: Buffer): { code: number; body: Buffer } {
  const plain = onionDecrypt('aes-gcm', key, reply);
  const list = plain && decodeOnionList(plain);
  if (!list || list.length !== 2) throw new Error('onion reply did not decrypt');
  return { code: (JSON.parse(list[0].toString('utf8')) as { code: number }).code, body: list[1] };
}

/** The sub-requests of one poll, as desktop and Android batch them (README "Request flow" 4). */
export function pollBatch(rooms: string[], st: PollState): object[] {
  return [
    { method: 'GET', path: '/capabilities' },
    ...rooms.flatMap((t, i) => [
      { method: 'GET', path: `/room/${t}/pollInfo/${st.infoUpdates[i]}` },
      { method: 'GET', path: `/room/${t}/messages/since/${st.seqnos[i]}?t=r&reactors=5` },
    ]),
    { method: 'GET', path: `/inbox/since/${st.inbox}` },
    { method: 'GET', path: `/outbox/since/${st.outbox}` },
  ];
}

/** A signed request in an onion envelope; `json` becomes the body when given. */
export function signedRequest(
  client: BlindedClient,
  pub: Uint8Array,
  method: string,
  path: string,
  json?: unknown,
): Sealed {
  const body = json === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(json));
  const headers: Record<string, string> = client.headers(pub, method, path, body);
  if (json !== undefined) headers['Content-Type'] = 'application/json';
  return sealV4(pub, { method, endpoint: path, headers }, body);
}

export function pollRequest(
  client: BlindedClient,
  pub: Uint8Array,
  rooms: string[],
  st: PollState,
) {
  return signedRequest(client, pub, 'POST', '/batch', pollBatch(rooms, st));
}

/** A post of a typical size: ~200 bytes of padded protobuf and its 64-byte signature. */
export function postRequest(client: BlindedClient, pub: Uint8Array, token: string) {
  const data = randomBytes(200).toString('base64');
  const signature = randomBytes(64).toString('base64');
  return signedRequest(client, pub, 'POST', `/room/${token}/message`, { data, signature });
}
