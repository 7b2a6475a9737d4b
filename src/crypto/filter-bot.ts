/**
 * Identity of the content-filter reply bot (model.md §8). Seed =
 * BLAKE2b-32(key "sogsfiltering", profile name UTF-8 ‖ server private key); its ID is `15` plus
 * its plain Ed25519 public key (not blinded), matching the reference server.
 */
import { sodium } from './sodium';

export interface FilterBotKeypair {
  seed: Uint8Array;
  publicKey: Uint8Array;
  /** 64-byte libsodium secret key (seed ‖ public key) for `crypto_sign_detached`. */
  secretKey: Uint8Array;
  /** `15` ‖ hex(publicKey). */
  id: string;
}

export function filterBotKeypair(profileName: string, serverPrivkey: Uint8Array): FilterBotKeypair {
  const s = sodium();
  const input = Buffer.concat([Buffer.from(profileName, 'utf8'), serverPrivkey]);
  const seed = s.crypto_generichash(32, input, Buffer.from('sogsfiltering'));
  const { publicKey, privateKey } = s.crypto_sign_seed_keypair(seed);
  return { seed, publicKey, secretKey: privateKey, id: '15' + s.to_hex(publicKey) };
}
