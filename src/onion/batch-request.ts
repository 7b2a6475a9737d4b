import { decodeBase64Strict } from '../crypto/encoding';
import { isPlainObject } from '../common/json-body';
import { SogsError } from '../common/sogs-error';
import type { SubRequest } from './dispatcher';

const METHODS = new Set(['GET', 'DELETE', 'POST', 'PUT']);
const BODY_KINDS = ['json', 'b64', 'bytes'] as const;

function invalid(index: number, why: string): SogsError {
  return SogsError.badRequest(`Invalid batch request ${index}: ${why}`);
}

/** Compact JSON of a sub-request body; 400 for values too deeply nested to serialise. */
function compactJson(value: unknown, index: number): string {
  try {
    return JSON.stringify(value);
  } catch {
    throw invalid(index, 'json is too deeply nested');
  }
}

/**
 * Validates a whole /batch or /sequence body before anything runs (api.md §1): any bad element
 * rejects the request with 400, as does a batch over the operator's size limit. `null` values
 * count as absent.
 */
export function parseBatch(json: unknown, maxSubrequests: number): SubRequest[] {
  if (!Array.isArray(json))
    throw SogsError.badRequest('Invalid batch request: expected a JSON array');
  if (json.length > maxSubrequests)
    throw SogsError.badRequest(`Invalid batch request: more than ${maxSubrequests} subrequests`);
  return json.map((item, i) => {
    if (!isPlainObject(item)) throw invalid(i, 'not an object');
    const { method, path, headers } = item;
    if (typeof method !== 'string' || !METHODS.has(method))
      throw invalid(i, 'bad or missing method');
    if (typeof path !== 'string' || !path.startsWith('/')) throw invalid(i, 'bad or missing path');
    const hdrs: Record<string, string> = {};
    if (headers !== undefined && headers !== null) {
      if (!isPlainObject(headers)) throw invalid(i, 'headers must be an object');
      for (const [k, v] of Object.entries(headers)) {
        if (typeof v !== 'string') throw invalid(i, 'header values must be strings');
        if (!k.toLowerCase().startsWith('x-sogs-')) hdrs[k] = v; // never re-authenticate
      }
    }
    const given = BODY_KINDS.filter((k) => item[k] !== undefined && item[k] !== null);
    const wantsBody = method === 'POST' || method === 'PUT';
    if (wantsBody ? given.length !== 1 : given.length !== 0) {
      throw invalid(
        i,
        wantsBody ? 'POST/PUT need exactly one of json, b64, bytes' : 'GET/DELETE take no body',
      );
    }
    let body = Buffer.alloc(0);
    let defaultContentType = 'application/octet-stream';
    if (given[0] === 'json') {
      body = Buffer.from(compactJson(item.json, i));
      defaultContentType = 'application/json';
    } else if (given[0] === 'b64') {
      const decoded = typeof item.b64 === 'string' ? decodeBase64Strict(item.b64) : null;
      if (!decoded) throw invalid(i, 'b64 is not valid base64');
      body = decoded;
    } else if (given[0] === 'bytes') {
      if (typeof item.bytes !== 'string') throw invalid(i, 'bytes must be a string');
      body = Buffer.from(item.bytes, 'utf8');
    }
    return { method, target: path, headers: hdrs, body, defaultContentType };
  });
}
