/*
 * libsodium loader. We import the package's CommonJS entry as a default import (esModuleInterop
 * wraps it as `{ default: module }`). A namespace import (`import * as`) would be wrong here: the
 * wrapper adds its crypto functions to the module object only after `ready` resolves, and
 * `__importStar` snapshots the properties present at import time. The ESM entry is never used
 * because the app and ts-jest both run as CommonJS.
 */
import sodiumModule from 'libsodium-wrappers-sumo';

export type Sodium = typeof sodiumModule;

let loaded: Sodium | null = null;

/** Waits (once) for the WebAssembly module; call at start-up and in test `beforeAll`. */
export async function sodiumReady(): Promise<Sodium> {
  if (!loaded) {
    await sodiumModule.ready;
    loaded = sodiumModule;
  }
  return loaded;
}

/** The ready module, for synchronous crypto code. Throws if `sodiumReady()` was not awaited. */
export function sodium(): Sodium {
  if (!loaded) throw new Error('libsodium is not initialised: await sodiumReady() first');
  return loaded;
}
