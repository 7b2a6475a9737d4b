/** fast-check arbitraries for hostile input: strings, numbers, JSON, path segments, queries. */
import fc from 'fast-check';

/** Strings that have broken parsers before: encodings, separators, injections, limits. */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\t',
  '\0',
  'a\0b',
  '\r\n',
  '\n\nX-Injected: 1',
  '..',
  '../..',
  '../../../../etc/passwd',
  '/',
  '//',
  '\\',
  '.',
  '%',
  '%%',
  '%00',
  '%zz',
  '%2e%2e',
  '%2F',
  '%C0%AE',
  '%ED%A0%80',
  '%FF',
  '\ud800',
  '\udfff',
  '\ud83d',
  '\ufeff',
  '\ufffd',
  '\u202e',
  '\u200b',
  '\u0085',
  '\u2028',
  '💩',
  '👨🏿‍🦰',
  '🦒🦍🐍🐊🦢🦁🦎',
  'ﷺ',
  'Ꙭ',
  'é',
  'é',
  'Привет',
  'سلام',
  'null',
  'undefined',
  'true',
  'false',
  'NaN',
  'Infinity',
  '-0',
  '0',
  '-1',
  '1e309',
  '0x10',
  '１２３',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  '<script>alert(1)</script>',
  "'; DROP TABLE users; --",
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '%s%s%s%n',
  '*',
  '?',
  '#',
  ';',
  '&',
  '=',
  '+',
  'A'.repeat(65),
  'lobby',
  'LOBBY',
  'lobby\0',
  'lobby ',
  ' lobby',
];

/** Any string of at most `max` UTF-16 units, weighted towards the nasty, the long and non-BMP. */
export function hostileStringUpTo(max: number): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 24 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 16 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('a', '\0', 'é', '💩', '%', '\ud800'),
          fc.integer({ min: 100, max: Math.max(100, max / 2) }),
        )
        .map(([c, n]) => c.repeat(n)),
    },
  );
}

/** Hostile strings for bodies and headers: up to 140 000 units. */
export const hostileString: fc.Arbitrary<string> = hostileStringUpTo(140_000);

/**
 * Hostile strings for paths: up to 3 000 units. Longer percent-encoded paths are left to the
 * regression test of the router's quadratic `%25` handling (regressions.fuzz-spec.ts): each
 * such case freezes the server for minutes, which the run time cannot afford.
 */
export const hostilePathString: fc.Arbitrary<string> = hostileStringUpTo(3_000);

/** Numbers at and beyond every boundary a parser or database column might have. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    0,
    -0,
    1,
    -1,
    0.5,
    1.5,
    -1.5,
    2 ** 31 - 1,
    2 ** 31,
    2 ** 32,
    -(2 ** 31) - 1,
    2 ** 53 - 1,
    2 ** 53,
    2 ** 53 + 2,
    -(2 ** 53),
    2 ** 63,
    2 ** 64,
    1e21,
    1e308,
    -1e308,
    5e-324,
    999_999_999,
    1_000_000_000,
    86400,
    Number.MAX_VALUE,
  ),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.boolean() },
  { weight: 1, arbitrary: fc.constant(null) },
);

/** Arbitrary JSON values (as JS values) whose leaves are hostile. */
export const hostileJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    { weight: 4, arbitrary: hostileScalar },
    { weight: 1, arbitrary: fc.array(tie('value'), { maxLength: 6 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(
        fc.oneof(fc.constantFrom(...NASTY_STRINGS), fc.string()),
        tie('value'),
        {
          maxKeys: 6,
        },
      ),
    },
  ),
})).value;

/** JSON text nested `depth` deep (arrays or objects), for stack and recursion limits. */
export function deepJsonText(depth: number, kind: 'array' | 'object'): string {
  return kind === 'array'
    ? '['.repeat(depth) + ']'.repeat(depth)
    : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

/** Text-level damage to a JSON document, applied after serialising a (valid-looking) body. */
export type JsonTextMutation =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'garbage'; at: number; bytes: number[] }
  | { kind: 'proto' }
  | { kind: 'duplicate'; key: string; value: unknown }
  | { kind: 'replace'; text: string }
  | { kind: 'deep'; depth: number; shape: 'array' | 'object' }
  | { kind: 'invalidUtf8' }
  | { kind: 'bom' }
  | { kind: 'hugeNumber'; digits: number }
  | { kind: 'wrapArray' };

export const jsonTextMutation: fc.Arbitrary<JsonTextMutation> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'none' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('garbage' as const),
      at: fc.nat(),
      bytes: fc.array(fc.nat(255), { minLength: 1, maxLength: 8 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'proto' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('duplicate' as const),
      key: fc.constantFrom(
        'data',
        'signature',
        'rooms',
        'global',
        'name',
        'image',
        'in',
        'message',
        'timeout',
        'files',
        'read',
      ),
      value: hostileJson,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      text: fc.constantFrom(
        '',
        ' ',
        'null',
        'true',
        '0',
        '"x"',
        '[]',
        '{}',
        '[{}]',
        '{"a":}',
        '{,}',
        'NaN',
        '-',
        '1e999999',
        '\u0000',
        '{"a":1}garbage',
        '\ufeff{}',
        '"\\ud800"',
        '{"a":"\\u0000"}',
      ),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('deep' as const),
      depth: fc.oneof(fc.integer({ min: 10, max: 2000 }), fc.integer({ min: 2000, max: 200_000 })),
      shape: fc.constantFrom('array' as const, 'object' as const),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'invalidUtf8' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'bom' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('hugeNumber' as const),
      digits: fc.integer({ min: 20, max: 100_000 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'wrapArray' as const }) },
);

/** Applies a text mutation to a serialised JSON body. */
export function mutateJsonText(text: string, m: JsonTextMutation): Buffer {
  switch (m.kind) {
    case 'none':
      return Buffer.from(text);
    case 'truncate':
      return Buffer.from(text).subarray(0, m.at % (text.length + 1));
    case 'garbage': {
      const b = Buffer.from(text);
      const at = m.at % (b.length + 1);
      return Buffer.concat([b.subarray(0, at), Buffer.from(m.bytes), b.subarray(at)]);
    }
    case 'proto':
      return Buffer.from(
        text.startsWith('{')
          ? `{"__proto__":{"admin":true,"moderator":true},"constructor":{"prototype":{"x":1}},${text.slice(1)}`.replace(
              /,}$/,
              '}',
            )
          : text,
      );
    case 'duplicate':
      return Buffer.from(
        text.startsWith('{') && text.endsWith('}')
          ? `${text.slice(0, -1)}${text.length > 2 ? ',' : ''}${JSON.stringify(m.key)}:${JSON.stringify(m.value) ?? 'null'}}`
          : text,
      );
    case 'replace':
      return Buffer.from(m.text);
    case 'deep':
      return Buffer.from(deepJsonText(m.depth, m.shape));
    case 'invalidUtf8':
      return Buffer.concat([
        Buffer.from(text.slice(0, -1)),
        Buffer.from([0xc3, 0x28, 0xff, 0xfe]),
        Buffer.from(text.slice(-1)),
      ]);
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    case 'hugeNumber':
      return Buffer.from(
        text.startsWith('{')
          ? `{"n":${'9'.repeat(m.digits)},${text.slice(1)}`.replace(/,}$/, '}')
          : '9'.repeat(m.digits),
      );
    case 'wrapArray':
      return Buffer.from(`[${text}]`);
  }
}

/** A valid-looking Session ID / blinded ID, or a near miss. */
export const sessionIdLike: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('15', '05', '00', '25', 'ff', '1', ''),
      fc.uint8Array({ minLength: 32, maxLength: 32 }),
    )
    .map(([p, b]) => p + Buffer.from(b).toString('hex')),
  fc
    .uint8Array({ minLength: 32, maxLength: 32 })
    .map((b) => '15' + Buffer.from(b).toString('hex').toUpperCase()),
  fc.uint8Array({ minLength: 31, maxLength: 33 }).map((b) => '15' + Buffer.from(b).toString('hex')),
  fc.constant('15' + 'g'.repeat(64)),
  fc.constant('15' + '0'.repeat(64)),
);

/** One path segment: plausible values, near misses, encodings and traversal. */
export const hostileSegment: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '1',
      '2',
      '0',
      '00',
      '01',
      '9'.repeat(16),
      '9'.repeat(30),
      '18446744073709551616',
      '-1',
      '1.0',
      '1e3',
      '+1',
      ' 1',
      '1 ',
      '0x1',
      '１',
    ),
  },
  { weight: 1, arbitrary: sessionIdLike },
  { weight: 2, arbitrary: hostilePathString },
  { weight: 1, arbitrary: hostilePathString.map((s) => encodeURIComponentLoose(s)) },
  { weight: 1, arbitrary: fc.webSegment() },
);

/** encodeURIComponent that never throws (lone surrogates become %EF%BF%BD, like a browser). */
export function encodeURIComponentLoose(s: string): string {
  return encodeURIComponent(
    s.replace(/[\ud800-\udfff]/g, (c, i: number, all: string) => {
      const code = c.charCodeAt(0);
      const next = all.charCodeAt(i + 1);
      const prev = all.charCodeAt(i - 1);
      const paired =
        code < 0xdc00 ? next >= 0xdc00 && next <= 0xdfff : prev >= 0xd800 && prev < 0xdc00;
      return paired ? c : '\ufffd';
    }),
  );
}

/** A raw query string (without `?`): hostile names and values, repeats, stray separators. */
export const hostileQuery: fc.Arbitrary<string> = fc.oneof(
  { weight: 2, arbitrary: fc.constant('') },
  {
    weight: 4,
    arbitrary: fc
      .array(
        fc.tuple(
          fc.oneof(
            fc.constantFrom(
              'limit',
              'reactors',
              't',
              'required',
              'limit[]',
              '__proto__',
              'constructor',
              '',
            ),
            hostileString,
          ),
          fc.oneof(
            fc.constantFrom(
              'r',
              '5',
              '-5',
              '0',
              '1e3',
              '99999999999999999999',
              'abc',
              '',
              ' 3 ',
              '+4',
              '0x10',
              '1.5',
              'sogs',
              'blind,reactions',
              ',',
            ),
            hostileString,
          ),
          fc.boolean(),
        ),
        { maxLength: 5 },
      )
      .map((pairs) =>
        pairs
          .map(([k, v, encode]) =>
            encode ? `${encodeURIComponentLoose(k)}=${encodeURIComponentLoose(v)}` : `${k}=${v}`,
          )
          .join('&'),
      ),
  },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '&&&',
      '=',
      '==',
      '?',
      '#frag',
      '%',
      '%zz',
      'a=%00',
      't=r&t=r&t=r',
      'limit=1&limit=2',
    ),
  },
);

/** Random bytes, occasionally large. */
export const randomBytesArb: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)) },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ minLength: 64, maxLength: 4096 }).map((b) => Buffer.from(b)),
  },
);

/** A base64 string of `n` random bytes, sometimes malformed the ways clients get it wrong. */
export function base64Of(bytes: fc.Arbitrary<Uint8Array>): fc.Arbitrary<string> {
  return fc
    .tuple(
      bytes,
      fc.constantFrom('std', 'std', 'std', 'nopad', 'urlsafe', 'space', 'newline', 'badpad', 'hex'),
    )
    .map(([b, style]) => {
      const buf = Buffer.from(b);
      const std = buf.toString('base64');
      switch (style) {
        case 'nopad':
          return std.replace(/=+$/, '');
        case 'urlsafe':
          return buf.toString('base64url');
        case 'space':
          return std.slice(0, 4) + ' ' + std.slice(4);
        case 'newline':
          return std.slice(0, 4) + '\n' + std.slice(4);
        case 'badpad':
          return std + '=';
        case 'hex':
          return buf.toString('hex');
        default:
          return std;
      }
    });
}
