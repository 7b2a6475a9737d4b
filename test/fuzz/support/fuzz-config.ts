/**
 * Run-wide settings of the fuzz suite, from the environment:
 *
 * - `FUZZ_CASES`: total cases over the whole run (default 100 000), shared between the targets
 *   by the weights below, so each target's share scales with it.
 * - `FUZZ_SEED`: the random seed, printed in every summary so a run can be replayed exactly.
 *   Default: derived from the checked-out commit, so CI runs of one commit try the same cases
 *   and a new commit tries new ones (time-based outside a git checkout); `FUZZ_SEED=random`
 *   picks a fresh one.
 * - `FUZZ_CASE_TIMEOUT_MS`: the time bound of one case (default 10 000, desktop's onion timeout).
 */

import { execFileSync } from 'node:child_process';

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
  return n;
}

export const TOTAL_CASES = envInt('FUZZ_CASES', 100_000);

function defaultSeed(): number {
  try {
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: 'pipe' });
    return parseInt(head.slice(0, 7), 16);
  } catch {
    return Date.now() % 2 ** 31;
  }
}

export const SEED =
  process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : envInt('FUZZ_SEED', defaultSeed());
export const CASE_TIMEOUT_MS = envInt('FUZZ_CASE_TIMEOUT_MS', 10_000);

/** Share of TOTAL_CASES per target (sums to 1). */
const WEIGHTS = {
  'onion-envelope': 0.25,
  'onion-inner': 0.15,
  'sogs-headers': 0.15,
  'json-bodies': 0.2,
  batch: 0.08,
  'paths-uploads': 0.15,
  'raw-http': 0.02,
} as const;

export type TargetName = keyof typeof WEIGHTS;

/** This target's number of cases (rounded up, so the run totals at least TOTAL_CASES). */
export function casesFor(target: TargetName): number {
  return Math.ceil(TOTAL_CASES * WEIGHTS[target]);
}

/** A per-target seed, so targets do not replay each other's random streams. */
export function seedFor(target: string): number {
  let h = SEED;
  for (const c of target) h = (Math.imul(h, 31) + c.charCodeAt(0)) | 0;
  return h >>> 1;
}
