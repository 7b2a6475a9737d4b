/** Validation of message, poll and reaction input, with the statuses api.md §0 and §3 name. */
import { isPlainObject } from '../common/json-body';
import { SogsError } from '../common/sogs-error';
import { clamp, queryInteger } from '../common/request-params';
import { decodeBase64Strict } from '../crypto/encoding';

/** A post or an edit, decoded. */
export interface MessageContent {
  data: Buffer;
  signature: Buffer;
  /** Upload ids to attach; ineligible ones are ignored later. */
  files: number[];
}

export interface NewPost extends MessageContent {
  /** Lower-case Session or blinded ID of the sole ordinary recipient. */
  whisperTo: string | null;
  whisperMods: boolean;
}

const SESSION_OR_BLINDED_ID = /^[01]5[0-9a-f]{64}$/i;
const DECIMAL = /^[0-9]+$/;

const MIN_LIMIT = 1;
const MAX_LIMIT = 256;
const DEFAULT_LIMIT = 100;
const MAX_REACTORS = 20;
const DEFAULT_REACTORS = 4;
const MAX_REACTION_CODE_POINTS = 12;

/** Python truthiness, which the reference applies to `whisper_mods`. */
function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

function fileIds(v: unknown): number[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw SogsError.badRequest('files must be a list of file ids');
  const ids = v.map((id) => {
    // Desktop, Android and iOS all send ids as strings.
    const n = typeof id === 'string' && DECIMAL.test(id) ? Number(id) : id;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) {
      throw SogsError.badRequest('files must be a list of file ids');
    }
    return n;
  });
  // An id past 2^53 cannot exist: ignored like any other ineligible id (model.md §9).
  return ids.filter((n) => Number.isSafeInteger(n));
}

/** `data`, `signature` and `files` of a post or edit; 400 when any of them is invalid. */
export function parseMessageContent(body: unknown): MessageContent {
  if (!isPlainObject(body)) throw SogsError.badRequest('Expected a JSON object body');
  const data = typeof body.data === 'string' ? decodeBase64Strict(body.data) : null;
  if (!data || data.length === 0) throw SogsError.badRequest('Message data is missing or invalid');
  const signature = typeof body.signature === 'string' ? decodeBase64Strict(body.signature) : null;
  if (!signature || signature.length !== 64) {
    throw SogsError.badRequest('Message signature must be 64 bytes of base64');
  }
  return { data, signature, files: fileIds(body.files) };
}

/** A new post: content plus the whisper fields (which only moderators may use). */
export function parseNewPost(body: unknown): NewPost {
  const content = parseMessageContent(body);
  const { whisper_to: to, whisper_mods: mods } = body as Record<string, unknown>;
  let whisperTo: string | null = null;
  if (to !== undefined && to !== null && to !== '') {
    if (typeof to !== 'string' || !SESSION_OR_BLINDED_ID.test(to)) {
      throw SogsError.badRequest('whisper_to must be a Session ID');
    }
    whisperTo = to.toLowerCase();
  }
  return { ...content, whisperTo, whisperMods: truthy(mods) };
}

/** Options shared by the polling routes. */
export interface PollOptions {
  limit: number;
  reactors: number;
  /** `t` contains `r`: report reaction-only changes too. */
  reactionUpdates: boolean;
}

export function parsePollOptions(query: Record<string, unknown>): PollOptions {
  const flags = Array.isArray(query.t) ? query.t[0] : query.t;
  return {
    limit: clamp(queryInteger(query, 'limit') ?? DEFAULT_LIMIT, MIN_LIMIT, MAX_LIMIT),
    reactors: parseReactors(query),
    reactionUpdates: typeof flags === 'string' && flags.includes('r'),
  };
}

/** `reactors`: how many reactors' IDs each reaction lists (api.md §3). */
export function parseReactors(query: Record<string, unknown>): number {
  return clamp(queryInteger(query, 'reactors') ?? DEFAULT_REACTORS, 0, MAX_REACTORS);
}

/** A reaction from the rest of the path: 1–12 code points (not UTF-16 units), else 400. */
export function parseReaction(raw: string | undefined): string {
  const codePoints = [...(raw ?? '')].length;
  if (codePoints < 1 || codePoints > MAX_REACTION_CODE_POINTS || raw!.includes('\u0000')) {
    throw SogsError.badRequest('Reactions must be 1 to 12 characters');
  }
  return raw!;
}
