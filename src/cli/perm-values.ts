import type { PermissionName } from '../moderation/overrides.repository';
import type { Perm, PermChanges } from './cli-args';

const NAMES: Record<Perm, PermissionName> = { r: 'read', w: 'write', u: 'upload', a: 'accessible' };

/** Per-user override values: true added, false removed, null cleared (back to the default). */
export function overrideValues(c: PermChanges): Partial<Record<PermissionName, boolean | null>> {
  const out: Partial<Record<PermissionName, boolean | null>> = {};
  for (const p of c.add) out[NAMES[p]] = true;
  for (const p of c.remove) out[NAMES[p]] = false;
  for (const p of c.clear) out[NAMES[p]] = null;
  return out;
}

/** Room default values; the parser refuses `--clear-perms` for defaults, which cannot be null. */
export function defaultValues(c: PermChanges): Partial<Record<PermissionName, boolean>> {
  return overrideValues({ ...c, clear: [] }) as Partial<Record<PermissionName, boolean>>;
}
