import { EventEmitter } from 'node:events';
import { validateHeaderName, validateHeaderValue, type OutgoingHttpHeader } from 'node:http';

/** A replayed response as written: status, the headers at `writeHead` time, the whole body. */
export interface ReplayedResponse {
  statusCode: number;
  /** Lower-case names, values as the route set them. */
  headers: Record<string, OutgoingHttpHeader>;
  body: Buffer;
}

function headersSentError(action: string): Error {
  return Object.assign(new Error(`Cannot ${action} headers after they are sent to the client`), {
    code: 'ERR_HTTP_HEADERS_SENT',
  });
}

/**
 * The raw response (Node's `ServerResponse` side) of a replayed request: Fastify writes its
 * reply into it exactly as into a socket, and `result` resolves with what was written once the
 * reply ends (rejects if it is destroyed first). Headers are validated as Node validates them,
 * and, as Node adds to a real response, a `date` unless `sendDate` was turned off.
 */
export class ReplayResponse extends EventEmitter {
  statusCode = 200;
  statusMessage = '';
  sendDate = true;
  headersSent = false;
  writableEnded = false;
  destroyed = false;
  readonly result: Promise<ReplayedResponse>;
  private readonly outHeaders: Record<string, OutgoingHttpHeader> = Object.create(null);
  private written: Record<string, OutgoingHttpHeader> | null = null;
  private readonly chunks: Buffer[] = [];
  private settle!: (res: ReplayedResponse) => void;
  private fail!: (err: Error) => void;

  constructor() {
    super();
    this.result = new Promise((resolve, reject) => {
      this.settle = resolve;
      this.fail = reject;
    });
  }

  setHeader(name: string, value: OutgoingHttpHeader): this {
    if (this.headersSent) throw headersSentError('set');
    validateHeaderName(name);
    // Node's own setHeader passes numbers and arrays here too; its typing says string only.
    validateHeaderValue(name, value as string);
    this.outHeaders[name.toLowerCase()] = value;
    return this;
  }

  getHeader(name: string): OutgoingHttpHeader | undefined {
    return this.outHeaders[name.toLowerCase()];
  }

  getHeaders(): Record<string, OutgoingHttpHeader> {
    return { ...this.outHeaders };
  }

  hasHeader(name: string): boolean {
    return this.outHeaders[name.toLowerCase()] !== undefined;
  }

  removeHeader(name: string): void {
    if (this.headersSent) throw headersSentError('remove');
    delete this.outHeaders[name.toLowerCase()];
  }

  writeHead(statusCode: number, headers?: Record<string, OutgoingHttpHeader>): this {
    if (this.headersSent) throw headersSentError('write');
    const code = statusCode | 0;
    if (code < 100 || code > 999) {
      throw Object.assign(new RangeError(`Invalid status code: ${statusCode}`), {
        code: 'ERR_HTTP_INVALID_STATUS_CODE',
      });
    }
    this.statusCode = code;
    for (const name in headers) if (name) this.setHeader(name, headers[name]);
    this.written = { ...this.outHeaders };
    if (this.sendDate && this.written.date === undefined) {
      this.written.date = new Date().toUTCString();
    }
    this.headersSent = true;
    return this;
  }

  write(chunk: string | Buffer, encoding?: BufferEncoding): boolean {
    if (!this.headersSent) this.writeHead(this.statusCode);
    this.chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, encoding));
    return true;
  }

  end(chunk?: string | Buffer | null, encoding?: BufferEncoding | null): this {
    if (this.writableEnded) return this;
    if (chunk) this.write(chunk, encoding ?? undefined);
    else if (!this.headersSent) this.writeHead(this.statusCode);
    this.writableEnded = true;
    this.emit('finish');
    this.settle({
      statusCode: this.statusCode,
      headers: this.written!,
      body: this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks),
    });
    return this;
  }

  destroy(err?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    if (!this.writableEnded) this.fail(err ?? new Error('response destroyed before completion'));
    return this;
  }
}
