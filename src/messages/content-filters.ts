import type { AlphabetFilter } from '../config/app-config';

/** Characters any one of which triggers an alphabet filter (model.md §8). */
export const ALPHABETS: Record<AlphabetFilter, RegExp> = {
  // The combining marks (U+064E–U+0651, U+0655) stand apart: inside one class with letters they
  // would read as letter-plus-mark sequences.
  persian:
    /[\u0621-\u0628\u062A-\u063A\u0641-\u0642\u0644-\u0648\u067E\u0686\u0698\u06A9\u06AF\u06BE\u06CC]|[\u064E-\u0651]|\u0655/,
  arabic: /[\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFE]/,
  cyrillic: /[\u0400-\u04FF]/,
};

/**
 * The default word list. The reference uses the much longer `better_profanity` list; the spec
 * only asks for some word-list matcher, and operators who care supply their own file.
 */
export const BUILT_IN_PROFANITY = [
  'arsehole',
  'asshole',
  'bastard',
  'bitch',
  'bollocks',
  'bullshit',
  'cock',
  'cunt',
  'dick',
  'dickhead',
  'fuck',
  'fucked',
  'fucker',
  'fucking',
  'motherfucker',
  'prick',
  'pussy',
  'shit',
  'shitty',
  'slut',
  'twat',
  'wanker',
  'whore',
];

// Common look-alike substitutions, undone before matching ("sh1t", "@ss"). Not `!`: it ends
// sentences far more often than it stands for an i.
const SUBSTITUTIONS: Record<string, string> = {
  '@': 'a',
  '4': 'a',
  $: 's',
  '5': 's',
  '0': 'o',
  '1': 'i',
  '3': 'e',
  '7': 't',
};

function words(text: string): string[] {
  const plain = text
    .toLowerCase()
    .replace(/[@4$50137]/g, (c) => SUBSTITUTIONS[c])
    .normalize('NFKC');
  return plain.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/** Whole-word (or whole-phrase) matching against a word list, case- and substitution-blind. */
export class ProfanityList {
  private readonly phrases: string[];

  constructor(entries: readonly string[]) {
    this.phrases = entries.map((e) => words(e).join(' ')).filter(Boolean);
  }

  /** Parses a word-list file: one word or phrase a line; blank lines and `#` comments skipped. */
  static parseFile(text: string): string[] {
    return text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter((line) => line && !line.startsWith('#'));
  }

  matches(text: string): boolean {
    const padded = ` ${words(text).join(' ')} `;
    return this.phrases.some((p) => padded.includes(` ${p} `));
  }
}
