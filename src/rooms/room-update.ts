import { isPlainObject } from '../common/json-body';
import { SogsError } from '../common/sogs-error';

export type DefaultPermission = 'read' | 'accessible' | 'write' | 'upload';

/** A validated `PUT /room/:token` body: only the fields to change. */
export interface RoomUpdate {
  name?: string;
  /** null removes the description. */
  description?: string | null;
  image?: number;
  defaults: Partial<Record<DefaultPermission, boolean>>;
}

const PERMISSIONS: DefaultPermission[] = ['read', 'accessible', 'write', 'upload'];

/** Removes U+0000–U+001F except the characters in `keep`. */
function stripControls(text: string, keep: string): string {
  return [...text].filter((c) => c > '\u001f' || keep.includes(c)).join('');
}

/**
 * Validates a room update (api.md `PUT /room/:token`, vectors.md §10.3): names lose every
 * U+0000–U+001F character, descriptions all but tab and newline (an empty result removes it);
 * wrong types, or no recognised field, are a 400.
 */
export function parseRoomUpdate(body: unknown): RoomUpdate {
  if (!isPlainObject(body)) throw SogsError.badRequest('Expected a JSON object');
  const update: RoomUpdate = { defaults: {} };
  if ('name' in body) {
    if (typeof body.name !== 'string') throw SogsError.badRequest('name must be a string');
    update.name = stripControls(body.name, '');
  }
  if ('description' in body) {
    const d = body.description;
    if (d !== null && typeof d !== 'string')
      throw SogsError.badRequest('description must be a string or null');
    const cleaned = d === null ? '' : stripControls(d, '\t\n');
    update.description = cleaned === '' ? null : cleaned;
  }
  if ('image' in body) {
    if (typeof body.image !== 'number' || !Number.isSafeInteger(body.image)) {
      throw SogsError.badRequest('image must be a file id');
    }
    update.image = body.image;
  }
  for (const p of PERMISSIONS) {
    const v = body[`default_${p}`];
    if (v === undefined || v === null) continue;
    if (typeof v === 'boolean') update.defaults[p] = v;
    else if (typeof v === 'number' && Number.isInteger(v)) update.defaults[p] = v !== 0;
    else throw SogsError.badRequest(`default_${p} must be a boolean`);
  }
  const nothing =
    update.name === undefined &&
    update.description === undefined &&
    update.image === undefined &&
    Object.keys(update.defaults).length === 0;
  if (nothing) throw SogsError.badRequest('Nothing to update');
  return update;
}
