import { Injectable } from '@nestjs/common';
import { decodeOnionList, encodeList } from '../crypto/bencode';
import { isPlainObject } from '../common/json-body';
import { TEXT_PLAIN } from '../common/error-response';
import { Dispatcher, type SubRequest, type SubResponse } from './dispatcher';

const ONION = { transport: 'onion' } as const;
const BODYLESS_V3 = new Set(['GET', 'DELETE']);
const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);

function stringHeaders(v: unknown): Record<string, string> | null {
  if (v === undefined || v === null) return {};
  if (!isPlainObject(v)) return null;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) {
    if (typeof val === 'string') out[k] = val;
    else if (typeof val === 'number') out[k] = String(val);
  }
  return out;
}

function parseJsonObject(bytes: Buffer): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(bytes.toString('utf8'));
    return isPlainObject(v) ? v : null;
  } catch {
    return null;
  }
}

/** Runs the inner request of an onion envelope and builds the reply plaintext. */
@Injectable()
export class OnionService {
  constructor(private readonly dispatcher: Dispatcher) {}

  /** v4: bencoded [meta, body?] in, bencoded [{code, headers}, body] out (onion.md §4–§5). */
  async handleV4(plaintext: Buffer): Promise<Buffer> {
    const sub = this.parseV4(plaintext);
    const res: SubResponse = sub
      ? await this.dispatcher.dispatch(sub, ONION)
      : {
          code: 400,
          headers: { 'content-type': TEXT_PLAIN },
          body: Buffer.from('Invalid v4 onion request'),
        };
    const meta = Buffer.from(JSON.stringify({ code: res.code, headers: res.headers }));
    return encodeList([meta, res.body]);
  }

  /** v3: a JSON object in, the bare 2xx body or `{"status_code": N}` out (onion.md §7). */
  async handleV3(plaintext: Buffer): Promise<Buffer> {
    const sub = this.parseV3(plaintext);
    if (!sub) return Buffer.from('{"status_code":400}');
    const res = await this.dispatcher.dispatch(sub, ONION);
    if (res.code >= 200 && res.code <= 299) return res.body;
    return Buffer.from(JSON.stringify({ status_code: res.code }));
  }

  private parseV4(plaintext: Buffer): SubRequest | null {
    const parts = decodeOnionList(plaintext);
    if (!parts || parts.length < 1 || parts.length > 2) return null;
    const meta = parseJsonObject(parts[0]);
    if (!meta) return null;
    const { method, endpoint } = meta;
    const headers = stringHeaders(meta.headers);
    if (typeof method !== 'string' || typeof endpoint !== 'string' || !headers) return null;
    if (!METHODS.has(method.toUpperCase())) return null;
    // onion.md §4: the endpoint as sent must start with `/` (`%2F…` does not).
    if (!endpoint.startsWith('/') || Dispatcher.normaliseTarget(endpoint) === null) return null;
    return {
      method: method.toUpperCase(),
      target: endpoint,
      headers,
      body: parts[1] ?? Buffer.alloc(0),
      defaultContentType: 'application/octet-stream',
    };
  }

  private parseV3(plaintext: Buffer): SubRequest | null {
    if (plaintext[0] !== 0x7b /* { */) return null;
    const req = parseJsonObject(plaintext);
    if (!req) return null;
    const { endpoint, method, body } = req;
    const headers = stringHeaders(req.headers);
    if (typeof endpoint !== 'string' || typeof method !== 'string' || !headers) return null;
    const upper = method.toUpperCase();
    if (!METHODS.has(upper)) return null;
    // Android up to 1.11.12 sent the string "null" as the body of GETs.
    const emptyBody = body === undefined || body === null || body === '' || body === 'null';
    if (BODYLESS_V3.has(upper) ? !emptyBody : !(emptyBody || typeof body === 'string')) return null;
    const lowered = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
    );
    delete lowered['content-type'];
    if (!endpoint.startsWith('/') && typeof req.auth_code === 'string') {
      lowered.authorization = req.auth_code;
    }
    return {
      method: upper,
      target: endpoint.startsWith('/') ? endpoint : `/legacy/${endpoint}`,
      headers: { ...lowered, 'content-type': 'application/json' },
      body:
        typeof body === 'string' && !BODYLESS_V3.has(upper)
          ? Buffer.from(body, 'utf8')
          : Buffer.alloc(0),
      defaultContentType: 'application/json',
    };
  }
}
