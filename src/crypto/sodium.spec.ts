import { sodium, sodiumReady } from './sodium';

it('loads the CommonJS build once, with the sumo-only functions', async () => {
  const first = await sodiumReady();
  expect(await sodiumReady()).toBe(first);
  expect(sodium()).toBe(first);
  expect(typeof first.crypto_core_ed25519_scalar_reduce).toBe('function');
  expect(typeof first.crypto_scalarmult_ed25519_noclamp).toBe('function');
});
