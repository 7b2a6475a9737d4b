import fc from 'fast-check';
import { decodePath, encodePath, splitTarget } from '../common/paths';
import { Dispatcher } from './dispatcher';

/** The normalisation without its shortcut for paths that need none. */
function slowNormalise(target: string): string | null {
  const { path, query } = splitTarget(target);
  const decoded = decodePath(path);
  if (decoded === null || !decoded.startsWith('/')) return null;
  const encoded = encodePath(decoded);
  return encoded === null ? null : encoded + (query ? `?${query}` : '');
}

describe('Dispatcher.normaliseTarget', () => {
  it('answers as decoding and re-encoding the path would', () => {
    const chars = fc.constantFrom(..."/aZ09-_.!~*'()%2F%41%e2%82%ac€ +?&=#;:@".split(''));
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 30 }), (parts) => {
        for (const target of [parts.join(''), `/${parts.join('')}`]) {
          expect(Dispatcher.normaliseTarget(target)).toBe(slowNormalise(target));
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('keeps plain targets as they are and encodes the rest', () => {
    expect(Dispatcher.normaliseTarget('/room/lobby/messages/since/5?t=r&reactors=5')).toBe(
      '/room/lobby/messages/since/5?t=r&reactors=5',
    );
    expect(Dispatcher.normaliseTarget('/room/lobby?')).toBe('/room/lobby');
    expect(Dispatcher.normaliseTarget('/room/l€/x')).toBe('/room/l%E2%82%AC/x');
    expect(Dispatcher.normaliseTarget('/%zz')).toBeNull();
    expect(Dispatcher.normaliseTarget('room')).toBeNull();
  });
});
