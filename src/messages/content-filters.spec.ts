import { ALPHABETS, ProfanityList } from './content-filters';

describe('ALPHABETS', () => {
  it('match the characters of model.md §8', () => {
    expect(ALPHABETS.cyrillic.test('привет')).toBe(true);
    expect(ALPHABETS.arabic.test('مرحبا')).toBe(true);
    expect(ALPHABETS.persian.test('گ')).toBe(true); // U+06AF
    expect(ALPHABETS.persian.test('\u064E')).toBe(true); // a combining mark
    expect(ALPHABETS.persian.test('\u0629')).toBe(false); // arabic teh marbuta, not persian
    expect(ALPHABETS.arabic.test('\u0629')).toBe(true);
    for (const re of Object.values(ALPHABETS)) expect(re.test('hello')).toBe(false);
  });
});

describe('ProfanityList', () => {
  const list = new ProfanityList(['darn', 'heck off']);
  it('matches whole words and phrases, ignoring case and look-alikes', () => {
    expect(list.matches('well DARN it')).toBe(true);
    expect(list.matches('d4rn!')).toBe(true);
    expect(list.matches('oh, heck   off')).toBe(true);
    expect(list.matches('darning socks')).toBe(false);
    expect(list.matches('heck')).toBe(false);
  });
  it('reads a word-list file', () => {
    expect(ProfanityList.parseFile('# words\nfoo\r\n\n  bar baz \n')).toEqual(['foo', 'bar baz']);
  });
});
