import { SogsError } from '../common/sogs-error';

/** The byte-exact texts of auth.md §5; clients compare some of them literally. */
/** Each failure keeps its own code: the metrics count refusals by reason. */
const auth400 = (code: string, text: string) => new SogsError(400, code, text);

export const AuthErrors = {
  missingHeaders: (n: number) =>
    auth400(
      'AUTH_MISSING_HEADERS',
      `Invalid authentication headers: missing ${n}/4 required X-SOGS-* headers`,
    ),
  badPubkey: () =>
    auth400(
      'AUTH_BAD_PUBKEY',
      'Invalid authentication: X-SOGS-Pubkey is not a valid 66-hex digit id',
    ),
  badPrefix: () =>
    auth400('AUTH_BAD_PREFIX', 'Invalid authentication: X-SOGS-Pubkey must be 00- or 15- prefixed'),
  invalidKey: () =>
    auth400(
      'AUTH_INVALID_KEY',
      'Invalid authentication: given X-SOGS-Pubkey is not a valid Ed25519 pubkey',
    ),
  blindingRequired: () =>
    auth400(
      'AUTH_BLINDING_REQUIRED',
      'Invalid authentication: this server requires the use of blinded ids',
    ),
  badNonce: () =>
    auth400(
      'AUTH_BAD_NONCE',
      'Invalid authentication: X-SOGS-Nonce must be 16 bytes (encoded as base64 or hex)',
    ),
  badSignature: () =>
    auth400(
      'AUTH_BAD_SIGNATURE_ENCODING',
      'Invalid authentication: X-SOGS-Signature is not base64[88]',
    ),
  badTimestamp: () =>
    auth400(
      'AUTH_BAD_TIMESTAMP',
      'Invalid authentication: X-SOGS-Timestamp is not a valid timestamp',
    ),
  staleTimestamp: () =>
    new SogsError(
      425,
      'AUTH_TIMESTAMP',
      'Invalid authentication: X-SOGS-Timestamp is too far from current time',
    ),
  banned: () => new SogsError(403, 'BANNED', 'Banned'),
  nonceReused: () =>
    new SogsError(
      425,
      'AUTH_NONCE_REUSED',
      'Invalid authentication: X-SOGS-Nonce cannot be reused',
    ),
  verificationFailed: () =>
    new SogsError(
      401,
      'AUTH_SIGNATURE',
      'Invalid authentication: X-SOGS-Signature verification failed',
    ),
  blindedRequired: () => SogsError.unauthorized('This endpoint requires blinded pubkeys be used'),
};
