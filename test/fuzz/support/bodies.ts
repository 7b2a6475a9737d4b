/**
 * Route-aware JSON bodies (api.md §2–§6): each field of each route's body is usually plausible
 * (so validation gets past it and deeper checks run) and sometimes hostile; message data is a
 * Session protobuf (what the content filters parse) or a broken one.
 */
import fc from 'fast-check';
import {
  base64Of,
  hostileJson,
  hostileNumber,
  hostileString,
  NASTY_STRINGS,
  sessionIdLike,
} from './hostile';
import { ROOM_TOKENS } from './fuzz-app';

/** A body field: plausible, hostile, or left out (undefined is dropped by JSON.stringify). */
export function fieldOf<T>(
  plausible: fc.Arbitrary<T>,
  absentWeight = 1,
): fc.Arbitrary<T | unknown> {
  return fc.oneof(
    { weight: 8, arbitrary: plausible },
    { weight: 2, arbitrary: hostileJson },
    { weight: absentWeight, arbitrary: fc.constant(undefined) },
  );
}

function varint(n: number): Buffer {
  const out: number[] = [];
  let v = n;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

function lengthDelimited(field: number, payload: Buffer): Buffer {
  return Buffer.concat([varint(field * 8 + 2), varint(payload.length), payload]);
}

/** Session `Content { dataMessage { body, profile { displayName } } }` bytes, padded like clients. */
function content(body: string, displayName: string | null, pad: number): Buffer {
  const profile =
    displayName === null
      ? Buffer.alloc(0)
      : lengthDelimited(101, lengthDelimited(1, Buffer.from(displayName)));
  const dataMessage = lengthDelimited(
    1,
    Buffer.concat([lengthDelimited(1, Buffer.from(body)), profile]),
  );
  return pad
    ? Buffer.concat([dataMessage, Buffer.from([0x80]), Buffer.alloc(pad - 1)])
    : dataMessage;
}

const TEXTS = [
  'hello',
  'Привет мир',
  'سلام دنیا',
  'مرحبا',
  'fuck',
  'sh1t',
  '💩',
  '',
  'a'.repeat(5000),
  'Ꙭ',
  'ЁЁЁ',
];

/** Message bytes: a well-formed or broken Session protobuf, or noise. */
export const messageData: fc.Arbitrary<Buffer> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(
        fc.oneof(fc.constantFrom(...TEXTS), hostileString),
        fc.option(fc.constantFrom(...TEXTS)),
        fc.constantFrom(0, 0, 1, 16, 160),
      )
      .map(([b, d, p]) => content(b, d, p)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom(...TEXTS),
        fc.constantFrom(
          'truncate',
          'hugeLength',
          'group',
          'overlongVarint',
          'fieldZero',
          'wire7',
          'fixed64tail',
          'nested',
        ),
        fc.nat(50),
      )
      .map(([t, kind, n]) => {
        const good = content(t, null, 0);
        switch (kind) {
          case 'truncate':
            return good.subarray(0, n % (good.length + 1));
          case 'hugeLength':
            return Buffer.concat([
              Buffer.from([0x0a]),
              Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
              good,
            ]);
          case 'group':
            return Buffer.concat([Buffer.from([0x0b, 0x0c]), good]);
          case 'overlongVarint':
            return Buffer.concat([
              Buffer.from([0x08]),
              Buffer.alloc(12, 0x80),
              Buffer.from([0x01]),
            ]);
          case 'fieldZero':
            return Buffer.from([0x02, 0x01, 0x00]);
          case 'wire7':
            return Buffer.concat([Buffer.from([0x0f]), good]);
          case 'fixed64tail':
            return Buffer.concat([good, Buffer.from([0x09, 1, 2])]);
          case 'nested':
            return lengthDelimited(
              1,
              lengthDelimited(1, lengthDelimited(1, Buffer.from([0xff, 0xfe]))),
            );
        }
        return good;
      }),
  },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      Buffer.alloc(0),
      Buffer.alloc(1),
      Buffer.from([0x80]),
      Buffer.alloc(70_000, 0x41),
    ),
  },
);

const sig64 = fc.oneof(
  { weight: 6, arbitrary: fc.uint8Array({ minLength: 64, maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 63, maxLength: 65 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 0 }) },
);

/** File ids as clients send them (numbers or decimal strings) and near misses. */
export const fileIdsArb = (known: () => number[]) =>
  fc.array(
    fc.oneof(
      fc.nat(20).map((n) => known()[n % Math.max(1, known().length)] ?? n),
      fc.nat(20).map((n) => String(known()[n % Math.max(1, known().length)] ?? n)),
      fc.constantFrom('1e3', ' 1', '-1', '1.5', '0x1', '', '99999999999999999999', '１'),
      hostileNumber,
    ),
    { maxLength: 8 },
  );

const tokens = fc.array(
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...ROOM_TOKENS, 'lobby', 'LOBBY', '*') },
    { weight: 2, arbitrary: fc.constantFrom(...NASTY_STRINGS) },
    { weight: 1, arbitrary: hostileString },
  ),
  { minLength: 0, maxLength: 4 },
);

const optBool = fc.oneof(
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(0, 1, 'true', 'false', '', [], {}),
);

/** Plausible-or-hostile JSON body for each JSON route template. */
export function bodyFor(
  path: string,
  method: string,
  known: { fileIds: () => number[]; sids: () => string[] },
): fc.Arbitrary<unknown> {
  const b64data = base64Of(messageData);
  const b64sig = base64Of(sig64);
  const sid = fc.oneof(
    fc.nat(20).map((n) => known.sids()[n % known.sids().length]),
    sessionIdLike,
  );
  switch (`${method} ${path}`) {
    case 'POST /room/:token/message':
      return fc.record({
        data: fieldOf(b64data, 0),
        signature: fieldOf(b64sig, 0),
        whisper_to: fieldOf(sid, 6),
        whisper_mods: fieldOf(optBool, 6),
        files: fieldOf(fileIdsArb(known.fileIds), 4),
        timestamp: fieldOf(hostileNumber, 4),
      });
    case 'PUT /room/:token/message/:id':
      return fc.record({
        data: fieldOf(b64data, 0),
        signature: fieldOf(b64sig, 0),
        files: fieldOf(fileIdsArb(known.fileIds), 4),
      });
    case 'PUT /room/:token':
      return fc.record({
        name: fieldOf(hostileString, 3),
        description: fieldOf(fc.oneof(hostileString, fc.constant(null)), 3),
        image: fieldOf(
          fc.oneof(
            fc.nat(20).map((n) => known.fileIds()[n % Math.max(1, known.fileIds().length)] ?? n),
            hostileNumber,
          ),
          4,
        ),
        default_read: fieldOf(optBool, 4),
        default_accessible: fieldOf(optBool, 4),
        default_write: fieldOf(optBool, 4),
        default_upload: fieldOf(optBool, 4),
      });
    case 'POST /user/:sid/moderator':
      return fc.record({
        rooms: fieldOf(tokens, 2),
        global: fieldOf(optBool, 2),
        moderator: fieldOf(optBool, 2),
        admin: fieldOf(optBool, 2),
        visible: fieldOf(optBool, 3),
      });
    case 'POST /user/:sid/ban':
      return fc.record({
        rooms: fieldOf(tokens, 2),
        global: fieldOf(optBool, 2),
        timeout: fieldOf(fc.oneof(hostileNumber, fc.constant(null)), 3),
      });
    case 'POST /user/:sid/unban':
      return fc.record({ rooms: fieldOf(tokens, 2), global: fieldOf(optBool, 2) });
    case 'POST /room/:token/permissions/:sid':
      return fc.record({
        read: fieldOf(optBool, 3),
        accessible: fieldOf(optBool, 3),
        write: fieldOf(optBool, 3),
        upload: fieldOf(optBool, 3),
        default_read: fieldOf(optBool, 5),
        default_accessible: fieldOf(optBool, 5),
        default_write: fieldOf(optBool, 5),
        default_upload: fieldOf(optBool, 5),
        unschedule: fieldOf(optBool, 5),
      });
    case 'POST /room/:token/futurePermissions/:sid':
      return fc.record({
        read: fieldOf(optBool, 3),
        write: fieldOf(optBool, 3),
        upload: fieldOf(optBool, 3),
        in: fieldOf(fc.oneof(hostileNumber, fc.constantFrom(0.001, 1, 60, 999_999_999)), 2),
      });
    case 'POST /inbox/:sid':
      return fc.record({
        message: fieldOf(
          base64Of(
            fc.oneof(
              fc.uint8Array({ maxLength: 200 }),
              fc.constantFrom(new Uint8Array(65_536), new Uint8Array(65_537), new Uint8Array(0)),
            ),
          ),
          1,
        ),
        timestamp: fieldOf(hostileNumber, 4),
      });
    default:
      return hostileJson;
  }
}
