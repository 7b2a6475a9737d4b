/**
 * 15-blinding (auth.md §2, §9): blinded IDs are `"15" ‖ hex(k·A)` with
 * k = reduce(BLAKE2b-64(B)) for the server's X25519 public key B.
 */
import { asBuffer } from './encoding';
import { sodium } from './sodium';

const P = 2n ** 255n - 19n;
const SESSION_ID_RE = /^05[0-9a-fA-F]{64}$/;
const BLINDED_ID_RE = /^15[0-9a-fA-F]{64}$/;

/** k = reduce(BLAKE2b-64(B)); identical for every user of the server, so compute it once. */
export function blindingFactor(serverPubkey: Uint8Array): Uint8Array {
  const s = sodium();
  return s.crypto_core_ed25519_scalar_reduce(s.crypto_generichash(64, serverPubkey, null));
}

/** Client-side blinded ID of the account with Ed25519 seed `seed` (tests, filter bot). */
export function blindedIdFromSeed(seed: Uint8Array, serverPubkey: Uint8Array): string {
  const s = sodium();
  const { publicKey } = s.crypto_sign_seed_keypair(seed);
  const kA = s.crypto_scalarmult_ed25519_noclamp(blindingFactor(serverPubkey), publicKey);
  return '15' + s.to_hex(kA);
}

function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  for (let e = exp; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
  }
  return result;
}

/**
 * The "XEd25519 positive key" A+ of a `05` Session ID: Edwards y = (u − 1)/(u + 1) mod p with the
 * x-sign bit clear. The real Ed25519 key is A+ or −A+ (X25519 dropped the sign).
 * Throws on a malformed Session ID; callers validate IDs first.
 */
export function sessionIdToEd25519Positive(sessionIdHex: string): Uint8Array {
  if (!SESSION_ID_RE.test(sessionIdHex)) throw new RangeError('not a 05 Session ID');
  const le = Buffer.from(sessionIdHex.slice(2), 'hex');
  le[31] &= 0x7f;
  const u = BigInt('0x' + le.reverse().toString('hex'));
  const y = (((u - 1n + P) % P) * modPow(u + 1n, P - 2n, P)) % P;
  return Buffer.from(y.toString(16).padStart(64, '0'), 'hex').reverse();
}

/**
 * Both possible blinded IDs of a Session ID on this server (`k` from `blindingFactor`): `abs` has
 * the sign bit of the last byte clear, `neg` set. Null when the Session ID is not the X25519 form
 * of a usable Ed25519 point (possible for arbitrary path input), so lookups simply find nobody.
 */
export function blindedCandidates(
  sessionId: string,
  k: Uint8Array,
): { abs: string; neg: string } | null {
  const s = sodium();
  let kA: Buffer;
  try {
    kA = asBuffer(s.crypto_scalarmult_ed25519_noclamp(k, sessionIdToEd25519Positive(sessionId)));
  } catch {
    return null;
  }
  kA[31] &= 0x7f;
  const abs = '15' + kA.toString('hex');
  kA[31] |= 0x80;
  return { abs, neg: '15' + kA.toString('hex') };
}

/** The `abs` form of a 15 ID (lowercase, 0x80 bit of the last byte cleared), used as lookup key. */
export function toAbsBlindedId(id15: string): string {
  if (!BLINDED_ID_RE.test(id15)) throw new RangeError('not a 15 blinded ID');
  const lower = id15.toLowerCase();
  const nibble = (parseInt(lower[64], 16) & 0x7).toString(16);
  return lower.slice(0, 64) + nibble + lower.slice(65);
}

/** `05` Session ID of an Ed25519 key (unblinded `00` auth), or null if it has no X25519 form. */
export function ed25519PubkeyToSessionId(pk: Uint8Array): string | null {
  if (pk.length !== 32) return null;
  try {
    return '05' + sodium().to_hex(sodium().crypto_sign_ed25519_pk_to_curve25519(pk));
  } catch {
    return null;
  }
}
