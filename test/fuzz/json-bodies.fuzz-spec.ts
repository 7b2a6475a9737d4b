/**
 * Hostile JSON bodies on every route (api.md §0–§6), signed for real — mostly by a global admin,
 * so requests pass auth and the route guards and reach body validation and the model — with
 * plausible-or-hostile fields per route, then text damage (truncation, garbage bytes, invalid
 * UTF-8, BOM, duplicate and `__proto__` keys, 200 000-deep nesting, 100 000-digit numbers) and
 * any Content-Type. Routes that ignore bodies get them too. Content filters are on (and apply to
 * moderators), so message data runs through the protobuf parser.
 *
 * Oracle: no 5xx; a status the spec names for the route; error bodies text/plain; and where the
 * spec fixes it (an admin's non-object body on a JSON-object route) exactly 400.
 */
import fc from 'fast-check';
import { casesFor } from './support/fuzz-config';
import { FuzzApp, IDENTITY_NAMES, type IdentityName, type Via } from './support/fuzz-app';
import { bodyFor } from './support/bodies';
import { buildTarget, targetChoice, type TargetChoice } from './support/endpoints';
import { judge, pick, runTarget, type Outcome } from './support/harness';
import { jsonTextMutation, mutateJsonText, type JsonTextMutation } from './support/hostile';
import { ROUTES, type RouteDef } from '../support/spec-routes';

/** JSON routes are picked far more often than the rest. */
const JSON_ROUTES = ROUTES.filter(
  (r) => r.body === 'json' && r.path !== '/batch' && r.path !== '/sequence',
);
const OTHER_ROUTES = ROUTES.filter((r) => r.body !== 'json' && !r.path.includes('lsrpc'));

interface BodyCase {
  json: boolean;
  target: TargetChoice;
  /** Fixture parameters only (so the guard passes and validation is reached). */
  fixtureParams: boolean;
  body: unknown;
  mutation: JsonTextMutation;
  contentType: string | null;
  as: IdentityName | null;
  via: number;
}

const CONTENT_TYPES = [
  'application/json',
  'application/json',
  'application/json',
  null,
  'application/json; charset=utf-8',
  'text/plain',
  'application/octet-stream',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'a/b/c',
  '',
  'application/json\u0000',
];

describe('fuzz: JSON bodies of every route (api.md)', () => {
  let f: FuzzApp;
  beforeAll(async () => {
    f = await FuzzApp.start({
      env: {
        TSOGS_PROFANITY_FILTER: '1',
        TSOGS_PROFANITY_SILENT: '0',
        TSOGS_ALPHABET_FILTERS: 'persian arabic cyrillic',
        TSOGS_ALPHABET_SILENT: '0',
        TSOGS_FILTER_MODS: '1',
      },
    });
  });
  afterAll(() => f.close());

  const known = {
    fileIds: () => f.fileIds,
    sids: () => IDENTITY_NAMES.map((n) => f.sessionIdOf(n)),
  };

  const routeOf = (c: { json: boolean; target: TargetChoice }): RouteDef =>
    (c.json ? JSON_ROUTES : OTHER_ROUTES)[
      c.target.route % (c.json ? JSON_ROUTES : OTHER_ROUTES).length
    ];

  const bodyCase: fc.Arbitrary<BodyCase> = fc
    .record({ json: fc.noBias(fc.nat(9)).map((n) => n < 8), target: targetChoice() })
    .chain(({ json, target }) => {
      const route = routeOf({ json, target });
      return fc.record({
        json: fc.constant(json),
        target: fc.constant(target),
        fixtureParams: fc.noBias(fc.nat(9)).map((n) => n < 8),
        body: bodyFor(route.path, route.method, known),
        mutation: jsonTextMutation,
        contentType: fc.constantFrom(...CONTENT_TYPES),
        as: fc.constantFrom<IdentityName | null>(
          'admin',
          'admin',
          'admin',
          'admin',
          'roomAdmin',
          'mod',
          'user',
          'user2',
          'banned',
          'roomBanned',
          null,
        ),
        via: fc.noBias(fc.nat(999)),
      });
    });

  async function run(c: BodyCase): Promise<Outcome> {
    const routes = c.json ? JSON_ROUTES : OTHER_ROUTES;
    const choice: TargetChoice = c.fixtureParams
      ? {
          ...c.target,
          params: c.target.params.map((p, i) => ('fixture' in p ? p : { fixture: i })),
        }
      : c.target;
    // The admin's exact answers below hold only while it stays an admin: cases run several at
    // once, so none may name it as the user to demote or ban.
    const { route, target } = buildTarget(f, choice, routes, ['admin']);
    const text = JSON.stringify(c.body) ?? '';
    const body = mutateJsonText(text, c.mutation);
    const via = pick<Via>(
      [
        ['inject', 80],
        ['http', 5],
        ['onion-v4-aes', 6],
        ['onion-v4-xchacha', 5],
        ['onion-v3-aes', 2],
        ['onion-v3-xchacha', 2],
      ],
      c.via / 1000,
    );
    // Real sockets cannot carry some header values; those cases go in-process.
    const sendVia: Via =
      via === 'http' && c.contentType !== null && /[\0\r\n]/.test(c.contentType) ? 'inject' : via;
    const reply = await f.send(
      {
        method: route.method,
        target,
        body: body.length ? body : undefined,
        headers: c.contentType === null ? [] : [['Content-Type', c.contentType]],
        as: c.as,
      },
      sendVia,
    );
    // The spec fixes the answer when an admin sends a JSON-object route something that is not a
    // JSON object: the guard passes, validation fails → 400 (api.md §0 order).
    let expect: number[] | undefined;
    const objectRoute = route.body === 'json' && !route.path.startsWith('/inbox');
    // `sid` parameters must be blinded (15) when blinding is required; a 05 fixture is a 404.
    const sidMatches = !(/ermissions\/:sid/.test(route.path) && /\/05[0-9a-f]{64}/.test(target));
    if (c.as === 'admin' && c.fixtureParams && objectRoute && sidMatches) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(body.toString('utf8'));
      } catch {
        parsed = undefined;
      }
      const isObject = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed);
      if (!isObject && body.length > 0) expect = [400];
    }
    const out = judge(reply, { method: route.method, target, expect, alsoAllowed: [429] });
    const injected: string[] = [];
    if (c.mutation.kind !== 'none') injected.push(`text:${c.mutation.kind}`);
    if (!c.fixtureParams) injected.push('hostile-params');
    if (c.contentType !== 'application/json') injected.push('content-type');
    return { ...out, injected };
  }

  it(`withstands ${casesFor('json-bodies')} hostile bodies`, async () => {
    const s = await runTarget({
      name: 'json-bodies',
      app: f,
      arbitrary: bodyCase,
      run,
      cases: casesFor('json-bodies'),
      betweenChunks: () => f.resetState(),
    });
    expect(s.faults).toEqual([]);
  });
});
