import type { FilterReplySettings } from '../config/app-config';
import { chooseFilterReply, formatFilterReply } from './filter-replies';

describe('chooseFilterReply (model.md §8, [filter:ROOM:TYPE])', () => {
  const first = () => 0;
  const sections: Record<string, FilterReplySettings> = {
    '*:*': { replies: ['generic'], profileName: 'Bot' },
    '*:alphabet': { replies: ['any alphabet'] },
    '*:cyrillic': { public: true },
    'lobby:*': { replies: ['lobby generic'] },
    'lobby:profanity': { profileName: 'Lobby bot' },
  };

  it('gives nothing when no section has a reply', () => {
    expect(chooseFilterReply({}, 'lobby', 'profanity', undefined, first)).toBeNull();
    expect(
      chooseFilterReply({ '*:*': { profileName: 'X' } }, 'a', 'profanity', undefined, first),
    ).toBeNull();
  });

  it('reads room * then the token, and type * then the kind then the alphabet', () => {
    expect(chooseFilterReply(sections, 'other', 'alphabet', 'cyrillic', first)).toEqual({
      template: 'any alphabet',
      profileName: 'Bot',
      public: true,
    });
    expect(chooseFilterReply(sections, 'other', 'alphabet', 'arabic', first)).toEqual({
      template: 'any alphabet',
      profileName: 'Bot',
      public: false,
    });
    // The token's `*` section is more specific than every `*` room section.
    expect(chooseFilterReply(sections, 'LOBBY', 'alphabet', 'cyrillic', first)).toEqual({
      template: 'lobby generic',
      profileName: 'Bot',
      public: true,
    });
    expect(chooseFilterReply(sections, 'lobby', 'profanity', undefined, first)).toEqual({
      template: 'lobby generic',
      profileName: 'Lobby bot',
      public: false,
    });
  });

  it('picks one of the replies at random', () => {
    const many = { '*:*': { replies: ['a', 'b', 'c'] } };
    const picked = [0, 1, 2].map((i) =>
      chooseFilterReply(many, 'x', 'profanity', undefined, (n) => (n === 3 ? i : -1))!,
    );
    expect(picked.map((r) => r.template)).toEqual(['a', 'b', 'c']);
  });
});

describe('formatFilterReply', () => {
  const values = { sessionId: '15ab', displayName: 'Ann', roomName: 'The Lobby', token: 'lobby' };

  it('replaces every escape', () => {
    expect(formatFilterReply('\\@ (\\p) in \\r [\\t]\\nbye', values)).toBe(
      '@15ab (Ann) in The Lobby [lobby]\nbye',
    );
  });

  it('reads left to right, so an escaped backslash does not start an escape', () => {
    expect(formatFilterReply('\\\\p \\x {} \\', values)).toBe('\\p \\x {} \\');
    expect(formatFilterReply('\\p', { ...values, displayName: '' })).toBe('');
  });
});
