/** Validation of message, poll and reaction input, with the statuses api.md §0 and §3 name. */
import { isPlainObject } from '../common/json-body';
import { SogsError } from '../common/sogs-error';
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
const QUERY_INTEGER = /^[+-]?[0-9]+$/;

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
  return v.map((id) => {
    // Desktop, Android and iOS all send ids as strings.
    const n = typeof id === 'string' && DECIMAL.test(id) ? Number(id) : id;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) {
      throw SogsError.badRequest('files must be a list of file ids');
    }
    return n;
  });
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

/** A base-10 query integer (first value when repeated); 400 when present but not an integer. */
export function queryInteger(query: Record<string, unknown>, name: string): number | undefined {
  const raw = Array.isArray(query[name]) ? (query[name] as unknown[])[0] : query[name];
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !QUERY_INTEGER.test(raw.trim())) {
    throw SogsError.badRequest(`Invalid ${name}: expected an integer`);
  }
  return Number(raw.trim());
}

const clamp = (v: number, min: number, max: number) => Math.min(max, Math.max(min, v));

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
    reactors: clamp(queryInteger(query, 'reactors') ?? DEFAULT_REACTORS, 0, MAX_REACTORS),
    reactionUpdates: typeof flags === 'string' && flags.includes('r'),
  };
}

/** A reaction from the rest of the path: 1–12 code points (not UTF-16 units), else 400. */
export function parseReaction(raw: string | undefined): string {
  const codePoints = [...(raw ?? '')].length;
  if (codePoints < 1 || codePoints > MAX_REACTION_CODE_POINTS) {
    throw SogsError.badRequest('Reactions must be 1 to 12 characters');
  }
  return raw!;
}

/** An id from an integer path parameter (already digits-only); ids past 2^53 cannot exist. */
export function pathId(raw: string): number | null {
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : null;
}
