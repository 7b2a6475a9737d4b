import fc from 'fast-check';
import { encodePath, routedUrl } from './paths';

/** What routedUrl must equal: the URL parser's path and query, always. */
function parsed(url: string): string {
  const u = new URL(url.startsWith('//') ? `http://localhost${url}` : url, 'http://localhost');
  return u.pathname + u.search;
}

describe('routedUrl', () => {
  it.each([
    '/capabilities',
    '/room/lobby/messages/since/12?t=r&reactors=5',
    '/room/../capabilities',
    '/room/./lobby',
    '/room/lobby/..',
    '//double',
    '/q?a b',
    '/q?a"b<c>d\'e',
    '/q?a#fragment',
    '/q?caf\u00e9',
    '/q?x=%zz&y=%41',
    "/r/(it's)~*!",
  ])('agrees with the URL parser on %s', (url) => {
    expect(routedUrl(url)).toBe(parsed(url));
  });

  it('agrees with the URL parser on any encoded path and raw query', () => {
    const text = fc.oneof(fc.string(), fc.string({ unit: 'binary' }));
    const segment = fc.oneof(fc.constantFrom('.', '..', '', '%2e', 'a.b'), text);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), fc.option(text), (segs, query) => {
        const path = encodePath('/' + segs.join('/'));
        fc.pre(path !== null);
        const url = path + (query ? `?${query}` : '');
        expect(routedUrl(url)).toBe(parsed(url));
      }),
      { numRuns: 2000 },
    );
  });
});
