/**
 * Request targets for the fuzzer: every route template filled with fixture values (so requests
 * reach the handlers), with hostile values, or replaced by hostile paths altogether.
 */
import fc from 'fast-check';
import type { FuzzApp, IdentityName } from './fuzz-app';
import { IDENTITY_NAMES, ROOM_TOKENS } from './fuzz-app';
import { encodeURIComponentLoose, hostileQuery, hostileSegment, sessionIdLike } from './hostile';
import { ROUTES, type RouteDef } from '../../support/spec-routes';

/** How to fill one `:param` or `*`: a fixture (index into a pool) or a hostile segment. */
export type ParamChoice = { fixture: number } | { hostile: string; encode: boolean };

export interface TargetChoice {
  route: number;
  params: ParamChoice[];
  query: string;
  /** Sometimes the query is appended even to routes that take none. */
  withQuery: boolean;
}

export const paramChoice: fc.Arbitrary<ParamChoice> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ fixture: fc.nat(1000) }) },
  { weight: 2, arbitrary: fc.record({ hostile: hostileSegment, encode: fc.boolean() }) },
);

export const targetChoice = (routes: RouteDef[] = ROUTES): fc.Arbitrary<TargetChoice> =>
  fc.record({
    route: fc.nat(routes.length - 1),
    params: fc.array(paramChoice, { minLength: 3, maxLength: 3 }),
    query: hostileQuery,
    withQuery: fc.nat(3).map((n) => n === 0),
  });

const REACTIONS = ['👍', 'y/n', '👨🏿‍🦰', 'a', '🦒🦍🐍🐊🦢🦁🦎', '%F0%9F%91%8D', 'abcdefghijklm'];

/** Fixture values for a parameter name; `:sid` never names a `spared` identity. */
function fixtureFor(f: FuzzApp, name: string, n: number, spared: IdentityName[]): string {
  const ids = (list: number[]) => String(list.length ? list[n % list.length] : n % 5);
  switch (name) {
    case ':token':
    case ':room':
      return n % 3 === 0 ? 'lobby' : ROOM_TOKENS[n % ROOM_TOKENS.length];
    case ':id':
    case ':msg_id':
      return n % 4 === 0 ? String(n % 7) : ids(n % 2 ? f.messageIds : f.fileIds);
    case ':seqno':
    case ':info':
      return String(n % 20);
    case ':sid': {
      const names = IDENTITY_NAMES.filter((name) => !spared.includes(name));
      const who: IdentityName = names[n % names.length];
      return n % 5 === 0 ? `05${f.sessionIdOf(who).slice(2)}` : f.sessionIdOf(who);
    }
    case ':filename':
      return ['file.txt', 'caf%C3%A9', '..', 'a b'][n % 4];
    case '*':
      return encodeURIComponentLoose(REACTIONS[n % REACTIONS.length]).replace(/%2F/g, '/');
    default:
      return String(n);
  }
}

/** Builds `path?query` for a choice; `spared` identities are never a `:sid`. */
export function buildTarget(
  f: FuzzApp,
  c: TargetChoice,
  routes: RouteDef[] = ROUTES,
  spared: IdentityName[] = [],
): { route: RouteDef; target: string } {
  const route = routes[c.route % routes.length];
  let i = 0;
  const path = route.path
    .split('/')
    .map((seg) => {
      if (seg !== '*' && !seg.startsWith(':')) return seg;
      const p = c.params[i++ % c.params.length];
      if ('fixture' in p) return fixtureFor(f, seg, p.fixture, spared);
      return p.encode ? encodeURIComponentLoose(p.hostile) : p.hostile;
    })
    .join('/');
  const query =
    c.withQuery || route.path.includes('messages') || route.path.includes('reactors')
      ? c.query
      : '';
  return { route, target: query ? `${path}?${query}` : path };
}

/** Targets that are not routes: traversal, recursion into onion endpoints, encodings. */
export const STRANGE_TARGETS = [
  '/',
  '',
  '*',
  '//',
  '/oxen/v4/lsrpc',
  '/loki/v3/lsrpc',
  '/oxen/v3/lsrpc',
  '/OXEN/v4/lsrpc',
  '/%6fxen/v4/lsrpc',
  '//oxen/v4/lsrpc',
  '/oxen/v4/lsrpc/',
  '/admin',
  '/admin/rooms',
  '/legacy/rooms',
  '/room',
  '/room/',
  '/room//message',
  '/room/lobby/',
  '/room/lobby/../lobby',
  '/room/%2e%2e/capabilities',
  '/room/lobby%2F..%2F..%2Fcapabilities',
  '/room/lobby%00',
  '/room/lobby\0',
  '/room/%00',
  '/room/%',
  '/room/%zz',
  '/room/%C0%AE%C0%AE',
  '/room/%ED%A0%80',
  '/room/%F0%9F',
  '/room/lobby/message/1%00',
  '/room/lobby/reaction/1/%00',
  '/room/lobby/reaction/1/',
  '/room/lobby/reaction/1/%2F',
  '/room/lobby/messages/since/-1',
  '/room/lobby/messages/since/99999999999999999999999999',
  '/room/lobby/pollInfo/1e3',
  '/capabilities?required=',
  '/capabilities?required=blind,sogs,xxx,xxx',
  '/capabilities?required[]=x&required=y',
  '/capabilities/',
  '/CAPABILITIES',
  '/batch?x=%zz',
  '/inbox/since/00000000000000000000000000000000000001',
  '/r/lobby',
  '/r/lobby/',
  '/r/..%2Flobby/',
  '/r/' + 'x'.repeat(5000) + '/',
  '/static/../../package.json',
  '/' + 'a/'.repeat(2000),
  '/room/' + 'L'.repeat(65),
  '/room/' + '%41'.repeat(64),
];

export const strangeTarget: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...STRANGE_TARGETS) },
  {
    weight: 1,
    arbitrary: fc
      .array(hostileSegment, { minLength: 1, maxLength: 6 })
      .map((segs) => '/' + segs.join('/')),
  },
  { weight: 1, arbitrary: sessionIdLike.map((s) => `/user/${s}/ban`) },
);
