import type { OnionCipher } from '../../src/crypto/onion-cipher';
import {
  sealOnionV3,
  sealOnionV4,
  sogsHeaders,
  type BlindedVariant,
  type SessionIdentity,
} from './client-crypto';

/** How a request travels: plain HTTP, or inside an onion envelope (v4 binary or v3 JSON). */
export type Via = 'direct' | { onion: 'v4' | 'v3'; cipher: OnionCipher };

export const ONION_AES: Via = { onion: 'v4', cipher: 'aes-gcm' };
export const ONION_XCHACHA: Via = { onion: 'v4', cipher: 'xchacha20' };

export interface RequestOptions {
  body?: Buffer | string;
  /** Serialised as the body, with Content-Type: application/json. */
  json?: unknown;
  headers?: Record<string, string>;
  via?: Via;
  mode?: 'blinded' | 'unblinded';
  variant?: BlindedVariant;
  /** Override X-SOGS-* fields to exercise failures. */
  nonce?: Buffer;
  timestamp?: number | string;
  /** The server's clock (tests move it), for default timestamps. */
  clock?: () => number;
  signedPath?: string;
}

export class Reply {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string>,
    readonly body: Buffer,
  ) {}
  get text(): string {
    return this.body.toString('utf8');
  }
  json<T = unknown>(): T {
    return JSON.parse(this.text) as T;
  }
}

/** Speaks to a running tsogs as a Session client does: signed, optionally onion-wrapped. */
export class SogsClient {
  constructor(
    private readonly baseUrl: string,
    private readonly serverPubkey: Uint8Array,
    readonly identity: SessionIdentity | null,
    private readonly defaults: RequestOptions = {},
  ) {}

  /** The same client with other defaults (e.g. `.with({ via: ONION_AES })`). */
  with(defaults: RequestOptions): SogsClient {
    return new SogsClient(this.baseUrl, this.serverPubkey, this.identity, {
      ...this.defaults,
      ...defaults,
    });
  }

  get(path: string, o: RequestOptions = {}) {
    return this.request('GET', path, o);
  }
  post(path: string, o: RequestOptions = {}) {
    return this.request('POST', path, o);
  }
  put(path: string, o: RequestOptions = {}) {
    return this.request('PUT', path, o);
  }
  delete(path: string, o: RequestOptions = {}) {
    return this.request('DELETE', path, o);
  }

  /** The X-SOGS-* headers this client would send (empty when anonymous). */
  signHeaders(method: string, path: string, body: Buffer | undefined, o: RequestOptions = {}) {
    const opts = { ...this.defaults, ...o };
    if (!this.identity) return {};
    return sogsHeaders({
      identity: this.identity,
      serverPubkey: this.serverPubkey,
      method,
      path,
      body,
      mode: opts.mode ?? 'blinded',
      variant: opts.variant,
      nonce: opts.nonce,
      timestamp: opts.timestamp ?? (opts.clock ? Math.floor(opts.clock()) : undefined),
      signedPath: opts.signedPath,
    });
  }

  async request(method: string, path: string, o: RequestOptions = {}): Promise<Reply> {
    const opts = { ...this.defaults, ...o };
    const body =
      opts.json !== undefined
        ? Buffer.from(JSON.stringify(opts.json))
        : opts.body === undefined
          ? undefined
          : Buffer.from(opts.body);
    const headers: Record<string, string> = {
      ...(opts.json !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...this.signHeaders(method, path, body, opts),
      ...opts.headers,
    };
    const via = opts.via ?? 'direct';
    if (via === 'direct') return this.direct(method, path, headers, body);
    return via.onion === 'v4'
      ? this.onionV4(via.cipher, method, path, headers, body)
      : this.onionV3(via.cipher, method, path, headers, body);
  }

  /** Posts a raw onion frame to an onion endpoint. */
  async postFrame(endpoint: string, frame: Buffer): Promise<Reply> {
    return this.direct('POST', endpoint, { 'Content-Type': 'application/octet-stream' }, frame);
  }

  private async direct(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: Buffer,
  ) {
    const res = await fetch(this.baseUrl + path, { method, headers, body });
    const out: Record<string, string> = {};
    res.headers.forEach((v, k) => (out[k] = v));
    return new Reply(res.status, out, Buffer.from(await res.arrayBuffer()));
  }

  private async onionV4(
    cipher: OnionCipher,
    method: string,
    endpoint: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<Reply> {
    const sealed = sealOnionV4({
      serverPubkey: this.serverPubkey,
      cipher,
      method,
      endpoint,
      headers,
      body,
    });
    const outer = await this.postFrame('/oxen/v4/lsrpc', sealed.frame);
    if (outer.status !== 200)
      throw new Error(`onion request failed: ${outer.status} ${outer.text}`);
    const { meta, body: inner } = sealed.open(outer.body);
    return new Reply(meta.code, meta.headers, inner);
  }

  /** v3 replies carry only the 2xx body or `{"status_code": N}`. */
  private async onionV3(
    cipher: OnionCipher,
    method: string,
    endpoint: string,
    headers: Record<string, string>,
    body?: Buffer,
  ): Promise<Reply> {
    const sealed = sealOnionV3({
      serverPubkey: this.serverPubkey,
      cipher,
      method,
      endpoint,
      headers,
      body: body?.toString('utf8'),
    });
    const outer = await this.postFrame('/loki/v3/lsrpc', sealed.frame);
    if (outer.status !== 200)
      throw new Error(`onion request failed: ${outer.status} ${outer.text}`);
    const plain = sealed.open(outer.body);
    const parsed = (() => {
      try {
        return JSON.parse(plain.toString('utf8')) as { status_code?: number };
      } catch {
        return {};
      }
    })();
    const status = typeof parsed.status_code === 'number' ? parsed.status_code : 200;
    return new Reply(status, {}, plain);
  }
}
