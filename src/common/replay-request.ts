import { EventEmitter } from 'node:events';
import type { ReplayedRequest } from './pipeline-context';

/** What a replayed request shows as its socket; handlers ignore the socket and client IP. */
const NO_SOCKET = { remoteAddress: '127.0.0.1', remotePort: 0, encrypted: false };

/**
 * The raw request (Node's `IncomingMessage` side) of a request the server replays into its own
 * Fastify router: an onion request's inner request, or a /batch or /sequence sub-request. It
 * carries the request's origin, which the pipeline hook reads; nothing from the wire can set it.
 *
 * Only what Fastify and the routes read of a raw request is here: method, url, headers (and
 * `rawHeaders`) and, when Fastify parses a body, the `data`/`end` events it listens for (the
 * body arrives as one chunk).
 */
export class ReplayRequest extends EventEmitter {
  readonly httpVersion = '1.1';
  readonly httpVersionMajor = 1;
  readonly httpVersionMinor = 1;
  readonly aborted = false;
  readonly socket = NO_SOCKET;
  private flowing = false;

  constructor(
    readonly method: string,
    public url: string,
    /** Lower-case names, string values, `content-length` set for a non-empty body. */
    readonly headers: Record<string, string>,
    private readonly body: Buffer,
    readonly origin: ReplayedRequest,
  ) {
    super();
  }

  /** Name, value, name, value… as Node gives them; names are unique here. */
  get rawHeaders(): string[] {
    return Object.entries(this.headers).flat();
  }

  /** Starts the flow of the body: Fastify's body reader listens, then resumes. */
  resume(): this {
    if (this.flowing) return this;
    this.flowing = true;
    if (this.body.length) this.emit('data', this.body);
    this.emit('end');
    return this;
  }

  pause(): this {
    return this;
  }
}
