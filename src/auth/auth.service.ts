import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { ServerKeys } from '../config/server-keys';
import { Clock } from '../common/clock';
import { decodeHexOrBase64 } from '../crypto/encoding';
import { ed25519PubkeyToSessionId } from '../crypto/blinding';
import {
  buildSignedMessage,
  isValidEd25519Point,
  verifyEd25519,
} from '../crypto/request-signature';
import type { User } from '../users/user';
import { UsersService } from '../users/users.service';
import { AuthErrors } from './auth-errors';
import { NonceRepository } from './nonce.repository';

/** The parts of a request that its signature covers (auth.md §4). */
export interface SignedRequest {
  headers: Record<string, string | string[] | undefined>;
  method: string;
  /** Percent-decoded path, starting with `/`. */
  path: string;
  /** Raw query string without `?`; empty when there is none. */
  query: string;
  body: Buffer;
}

const HEADERS = ['x-sogs-pubkey', 'x-sogs-nonce', 'x-sogs-timestamp', 'x-sogs-signature'] as const;
const WINDOW = 86400;
/** Nonces are kept for the whole ±24 h timestamp window (auth.md §11). */
const NONCE_RETENTION = 2 * WINDOW;
/** last_active is written at most this often per user: it is not worth a write per request. */
const TOUCH_INTERVAL = 60;
const MAX_CACHED_KEYS = 100_000;

/** A header's raw value (the last one when repeated); '' when absent. */
function header(h: SignedRequest['headers'], name: string): string {
  const v = h[name];
  return (Array.isArray(v) ? v[v.length - 1] : v) ?? '';
}

/** X-SOGS-* request authentication, in the order and with the texts of auth.md §5. */
@Injectable()
export class AuthService {
  constructor(
    private readonly keys: ServerKeys,
    private readonly users: UsersService,
    private readonly nonces: NonceRepository,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Keys already found valid: clients sign every poll with the same key. */
  private readonly validKeys = new Set<string>();

  private isValidKey(key: Buffer): boolean {
    const hex = key.toString('hex');
    if (this.validKeys.has(hex)) return true;
    if (!isValidEd25519Point(key)) return false;
    if (this.validKeys.size >= MAX_CACHED_KEYS) this.validKeys.clear();
    this.validKeys.add(hex);
    return true;
  }

  /** The caller, or null for an anonymous request; throws SogsError on any failure. */
  async authenticate(req: SignedRequest): Promise<User | null> {
    const [pubkeyText, nonceText, rawTimestamp, signatureText] = HEADERS.map((n) =>
      header(req.headers, n).trim(),
    );
    // The signature covers the timestamp text exactly as received; only parsing trims it.
    const timestampText = header(req.headers, 'x-sogs-timestamp');
    const missing = [pubkeyText, nonceText, rawTimestamp, signatureText].filter((v) => !v).length;
    if (missing === 4) return null;
    if (missing > 0) throw AuthErrors.missingHeaders(missing);

    const pubkey = decodeHexOrBase64(pubkeyText, 33);
    if (!pubkey) throw AuthErrors.badPubkey();
    if (pubkey[0] !== 0x00 && pubkey[0] !== 0x15) throw AuthErrors.badPrefix();
    const edKey = pubkey.subarray(1);
    if (!this.isValidKey(edKey)) throw AuthErrors.invalidKey();
    const blinded = pubkey[0] === 0x15;
    if (!blinded && this.config.users.requireBlindKeys) throw AuthErrors.blindingRequired();
    const sessionId = blinded ? `15${edKey.toString('hex')}` : ed25519PubkeyToSessionId(edKey);
    if (!sessionId) throw AuthErrors.invalidKey();

    const nonce = decodeHexOrBase64(nonceText, 16);
    if (!nonce) throw AuthErrors.badNonce();
    const signature = decodeHexOrBase64(signatureText, 64);
    if (!signature) throw AuthErrors.badSignature();
    if (!/^[+-]?[0-9]+$/.test(rawTimestamp)) throw AuthErrors.badTimestamp();
    const now = this.clock.now();
    const timestamp = Number(rawTimestamp);
    if (!(timestamp >= now - WINDOW && timestamp <= now + WINDOW))
      throw AuthErrors.staleTimestamp();

    const message = buildSignedMessage({
      serverPubkey: this.keys.publicKey,
      nonce,
      timestamp: timestampText,
      method: req.method.toUpperCase(),
      path: req.path,
      query: req.query,
      body: req.body,
    });
    const valid = verifyEd25519(signature, message, edKey);

    // Failures are reported in the reference's order (ban, nonce, signature), but a forged
    // request creates no user and burns no nonce.
    if (!valid) {
      if ((await this.users.find(sessionId))?.banned) throw AuthErrors.banned();
      if (await this.nonces.seen(nonce)) throw AuthErrors.nonceReused();
      throw AuthErrors.verificationFailed();
    }
    // One round trip for the usual case: record the nonce and read the user together.
    const recorded = await this.nonces.recordFor(sessionId, nonce, now + NONCE_RETENTION);
    const user = recorded.user ?? (await this.users.getOrCreate(sessionId));
    if (user.banned) throw AuthErrors.banned();
    if (!recorded.fresh) throw AuthErrors.nonceReused();
    if (now - user.lastActive >= TOUCH_INTERVAL) {
      await this.users.touch(user, now);
      user.lastActive = now;
    }
    return user;
  }
}
