/** A message row with its author's and whisper target's IDs (model.md §1). */
export interface MessageRow {
  id: number;
  user_id: number;
  session_id: string;
  posted: number;
  edited: number | null;
  seqno: number;
  seqno_data: number;
  seqno_reactions: number;
  seqno_creation: number;
  /** Null once deleted. */
  data: Buffer | null;
  signature: Buffer | null;
  filtered: boolean;
  /** The target's Session/blinded ID. */
  whisper_to: string | null;
  whisper_mods: boolean;
}

/** Who is reading: decides which whispers are visible (model.md §2). */
export interface Viewer {
  userId: number | null;
  moderator: boolean;
}

/** One reaction on a message as the viewer sees it. */
export interface ReactionSummary {
  index: number;
  count: number;
  reactors?: string[];
  you?: true;
}

export type ReactionMap = Record<string, ReactionSummary>;

export const isDeleted = (m: MessageRow) => m.data === null;
export const isWhisper = (m: MessageRow) => m.whisper_to !== null || m.whisper_mods;

function whisperKeys(m: MessageRow): Record<string, unknown> {
  if (!isWhisper(m)) return {};
  const keys: Record<string, unknown> = { whisper: true, whisper_mods: m.whisper_mods };
  if (m.whisper_to !== null) keys.whisper_to = m.whisper_to;
  return keys;
}

/** The message object of api.md §3: full, or a tombstone when deleted (no reactions then). */
export function toMessageObject(m: MessageRow, reactions: ReactionMap): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: m.id,
    session_id: m.session_id,
    posted: m.posted,
    seqno: m.seqno,
  };
  if (m.edited !== null) out.edited = m.edited;
  if (m.data === null) {
    Object.assign(out, { data: null, deleted: true }, whisperKeys(m));
    return out;
  }
  Object.assign(out, {
    data: m.data.toString('base64'),
    signature: m.signature!.toString('base64'),
    ...whisperKeys(m),
    reactions,
  });
  return out;
}

/** Exactly the three keys by which desktop recognises a reaction-only update. */
export function toReactionUpdate(m: MessageRow, reactions: ReactionMap): Record<string, unknown> {
  return { id: m.id, seqno: m.seqno, reactions };
}

/** Pins and reactions apply only to these: live, public, unfiltered (api.md §3). */
export const isRegular = (m: MessageRow) => !isDeleted(m) && !isWhisper(m) && !m.filtered;
