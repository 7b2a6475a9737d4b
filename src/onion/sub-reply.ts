import { validateHeaderName, validateHeaderValue } from 'node:http';
import { jsonLabel } from '../server/router-options';
import type { SubResponse } from './dispatcher';

const PLAIN = 'text/plain; charset=utf-8';
const OCTET = 'application/octet-stream';
const JSON_UTF8 = 'application/json; charset=utf-8';

/** A body Fastify sends as bytes: a Buffer or any typed array. */
function bytesOf(payload: unknown): Buffer | null {
  if (Buffer.isBuffer(payload)) return payload;
  if (ArrayBuffer.isView(payload)) {
    return Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
  }
  return null;
}

/**
 * The reply a route handler gets when a request runs in process (in-process-lane.ts): the part
 * of Fastify's reply that Nest and the routes use, with Fastify's rules for a body (bytes are
 * octet-stream, a string is plain text, anything else JSON, none for 1xx and 204) and the
 * server's onSend rule (JSON is labelled `application/json`). `result` resolves once sent.
 */
export class SubReply {
  statusCode = 200;
  sent = false;
  readonly result: Promise<SubResponse>;
  private readonly headerValues: Record<string, string> = {};
  private settle!: (res: SubResponse) => void;

  constructor(readonly request: { url: string; method: string }) {
    this.result = new Promise((resolve) => (this.settle = resolve));
  }

  code(status: number): this {
    this.statusCode = status;
    return this;
  }

  status(status: number): this {
    return this.code(status);
  }

  header(name: string, value: unknown): this {
    validateHeaderName(name);
    const text = String(value ?? '');
    validateHeaderValue(name, text);
    this.headerValues[name.toLowerCase()] = text;
    return this;
  }

  getHeader(name: string): string | undefined {
    return this.headerValues[name.toLowerCase()];
  }

  send(payload?: unknown): this {
    if (this.sent) return this;
    const body = this.serialise(payload);
    this.sent = true;
    const json = jsonLabel(this.headerValues['content-type']);
    if (json) this.headerValues['content-type'] = json;
    const code = this.statusCode;
    const headers = this.headerValues;
    if ((code >= 100 && code < 200) || code === 204) {
      delete headers['content-type'];
      this.settle({ code, headers, body: Buffer.alloc(0) });
    } else if (typeof body === 'function') {
      let bytes: Buffer | undefined;
      this.settle({
        code,
        headers,
        json: payload,
        get body() {
          return (bytes ??= body());
        },
      });
    } else {
      this.settle({ code, headers, body });
    }
    return this;
  }

  /** The body's bytes, or, for a JSON value, how to make them (only if they are wanted). */
  private serialise(payload: unknown): Buffer | (() => Buffer) {
    if (payload === undefined) return Buffer.alloc(0);
    const type = this.headerValues['content-type'];
    const bytes = bytesOf(payload);
    if (bytes) {
      this.headerValues['content-type'] ??= OCTET;
      return bytes;
    }
    if (typeof payload === 'string') {
      this.headerValues['content-type'] ??= PLAIN;
      return Buffer.from(payload);
    }
    if (type !== undefined && !type.includes('json')) {
      // Fastify refuses to send an object under a non-JSON label: a 500.
      throw new TypeError('a non-JSON content type for an object body');
    }
    this.headerValues['content-type'] ??= JSON_UTF8;
    return () => Buffer.from(JSON.stringify(payload));
  }
}
