import { SogsError } from '../common/sogs-error';

/** The byte-exact texts of auth.md §5; clients compare some of them literally. */
export const AuthErrors = {
  missingHeaders: (n: number) =>
    SogsError.badRequest(
      `Invalid authentication headers: missing ${n}/4 required X-SOGS-* headers`,
    ),
  badPubkey: () =>
    SogsError.badRequest('Invalid authentication: X-SOGS-Pubkey is not a valid 66-hex digit id'),
  badPrefix: () =>
    SogsError.badRequest('Invalid authentication: X-SOGS-Pubkey must be 00- or 15- prefixed'),
  invalidKey: () =>
    SogsError.badRequest(
      'Invalid authentication: given X-SOGS-Pubkey is not a valid Ed25519 pubkey',
    ),
  blindingRequired: () =>
    SogsError.badRequest('Invalid authentication: this server requires the use of blinded ids'),
  badNonce: () =>
    SogsError.badRequest(
      'Invalid authentication: X-SOGS-Nonce must be 16 bytes (encoded as base64 or hex)',
    ),
  badSignature: () =>
    SogsError.badRequest('Invalid authentication: X-SOGS-Signature is not base64[88]'),
  badTimestamp: () =>
    SogsError.badRequest('Invalid authentication: X-SOGS-Timestamp is not a valid timestamp'),
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
