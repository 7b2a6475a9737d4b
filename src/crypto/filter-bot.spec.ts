import { filterBotKeypair } from './filter-bot';
import { verifyEd25519 } from './request-signature';
import { sodium, sodiumReady } from './sodium';

beforeAll(() => sodiumReady());

it('derives the SOGS filter bot seed and ID (vectors.md §10.6)', () => {
  const priv = Buffer.from(
    '2f4d1c0d28e137777ec0a316e9f4f763e3e66662a6c51994c6315c9ef34b6deb',
    'hex',
  );
  const bot = filterBotKeypair('SOGS', priv);
  expect(Buffer.from(bot.seed).toString('hex')).toBe(
    '89c300af20edff78635392e30ee09e8d1f3c1e0d94faa939f1ef2bf136c42c78',
  );
  expect(bot.id).toBe('1576d3661d830fc33ff80f26c3fb9605c4bc8ed782fad3866fdd26390dc3f34759');
  const sig = sodium().crypto_sign_detached(Buffer.from('msg'), bot.secretKey);
  expect(verifyEd25519(sig, Buffer.from('msg'), bot.publicKey)).toBe(true);
  expect(filterBotKeypair('Other', priv).id).not.toBe(bot.id);
});
