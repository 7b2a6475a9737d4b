import { randomInt } from 'node:crypto';
import type { AlphabetFilter, FilterReplySettings } from '../config/app-config';

/** What the filter bot says after a hit, and as whom. */
export interface FilterReply {
  template: string;
  profileName: string;
  public: boolean;
}

/** What the escapes of a reply template stand for. */
export interface ReplyValues {
  /** The poster's Session ID as the room knows it. */
  sessionId: string;
  /** The display name inside the filtered message; empty when it has none. */
  displayName: string;
  roomName: string;
  token: string;
}

/**
 * The reply for a hit of `kind` (and `alphabet`, for an alphabet hit) in room `token`, or null
 * when no section gives one. Sections are read from least to most specific, each overriding
 * what it sets: room `*` then the token, and within each type `*`, the kind, then the alphabet.
 * The template is one of the most specific section's replies, chosen at random.
 */
export function chooseFilterReply(
  sections: Readonly<Record<string, FilterReplySettings>>,
  token: string,
  kind: 'alphabet' | 'profanity',
  alphabet: AlphabetFilter | undefined,
  pick: (n: number) => number = randomInt,
): FilterReply | null {
  let replies: readonly string[] = [];
  let profileName = 'SOGS';
  let isPublic = false;
  for (const room of ['*', token.toLowerCase()]) {
    for (const type of alphabet ? ['*', kind, alphabet] : ['*', kind]) {
      const s = sections[`${room}:${type}`];
      if (s?.replies?.length) replies = s.replies;
      if (s?.profileName !== undefined) profileName = s.profileName;
      if (s?.public !== undefined) isPublic = s.public;
    }
  }
  if (!replies.length) return null;
  return { template: replies[pick(replies.length)], profileName, public: isPublic };
}

/**
 * Replaces a template's escapes, left to right: `\@` → `@` and the poster's Session ID, `\p` →
 * the display name, `\r` → the room's name, `\t` → its token, `\n` → a newline, `\\` → `\`.
 */
export function formatFilterReply(template: string, v: ReplyValues): string {
  const values: Record<string, string> = {
    '@': `@${v.sessionId}`,
    p: v.displayName,
    r: v.roomName,
    t: v.token,
    n: '\n',
    '\\': '\\',
  };
  return template.replace(/\\([@prtn\\])/g, (_, c: string) => values[c]);
}
