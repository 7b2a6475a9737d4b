import { Injectable, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import type { PipelineOrigin, ReplayedRequest } from '../common/pipeline-context';
import { ReplayRequest } from '../common/replay-request';
import { TEXT_PLAIN } from '../common/error-response';
import { decodePath, encodePath, routedUrl, splitTarget } from '../common/paths';
import { ReplayResponse } from './replay-response';
import { InProcessLane, type LaneMatch } from './in-process-lane';

/** A request to run inside the server: from an onion envelope, /batch or /sequence. */
export interface SubRequest {
  method: string;
  /** Path and optional `?query`; the path may be percent-encoded or raw UTF-8. */
  target: string;
  /** Header names in any case; `content-length` is ignored. */
  headers: Record<string, string>;
  body: Buffer;
  /** Content type used when the headers name none. */
  defaultContentType: string;
}

export interface SubResponse {
  code: number;
  /** Lower-case names, without `content-length` and hop-by-hop headers. */
  headers: Record<string, string>;
  body: Buffer;
  /**
   * The value a route sent as JSON when it ran in process (in-process-lane.ts): a /batch item
   * takes it as it is, and `body` is serialised from it only if read.
   */
  json?: unknown;
}

const DROPPED_REQUEST_HEADERS = new Set([
  'content-length',
  'host',
  'transfer-encoding',
  'connection',
]);
const DROPPED_RESPONSE_HEADERS = new Set([
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
]);
/** Never reachable from inside an envelope or a batch. */
const REFUSED = /^\/(oxen|loki|admin)(\/|$)/;
/**
 * A `.` or `..` segment: no route has one, and the replay would resolve it (so `/x/../oxen/…`
 * would slip past REFUSED).
 */
const DOT_SEGMENT = /\/\.\.?(\/|$)/;

/** A path that decoding and re-encoding leave as it is (no `%`, only unreserved characters). */
const UNCHANGED_PATH = /^\/[\w\-.!~*'()/]*$/;

function plain(code: number, text: string): SubResponse {
  return { code, headers: { 'content-type': TEXT_PLAIN }, body: Buffer.from(text) };
}

/**
 * Runs a sub-request as a direct request would run (same first step, guards, controllers and
 * filter), tagged with its origin: reads and batches through the in-process lane, anything else
 * replayed through Fastify's router with an in-memory request/response pair.
 */
@Injectable()
export class Dispatcher {
  private routing?: (req: IncomingMessage, res: ServerResponse) => void;
  private readonly logger = new Logger('Dispatcher');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly lane: InProcessLane,
  ) {}

  /** Null when the target's path is not valid percent-encoded UTF-8. */
  static normaliseTarget(target: string): string | null {
    const { path, query } = splitTarget(target);
    if (UNCHANGED_PATH.test(path)) return query ? target : path;
    const decoded = decodePath(path);
    if (decoded === null || !decoded.startsWith('/')) return null;
    const encoded = encodePath(decoded);
    return encoded === null ? null : encoded + (query ? `?${query}` : '');
  }

  /** The URL a target is routed with; a response when it may not be routed at all. */
  private static routable(target: string): string | SubResponse {
    const url = Dispatcher.normaliseTarget(target);
    if (url === null) return plain(400, 'Invalid request path');
    if (REFUSED.test(url) || DOT_SEGMENT.test(splitTarget(url).path))
      return plain(404, 'Not Found');
    return routedUrl(url);
  }

  /** The route a sub-request would run in process, with what it would see; null: none. */
  match(method: 'GET' | 'POST', target: string): LaneMatch | null {
    const routed = Dispatcher.routable(target);
    return typeof routed === 'string' ? this.lane.match(method, routed) : null;
  }

  async dispatch(req: SubRequest, origin: PipelineOrigin): Promise<SubResponse> {
    const routed = Dispatcher.routable(req.target);
    if (typeof routed !== 'string') return routed;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      const lower = name.toLowerCase();
      if (!DROPPED_REQUEST_HEADERS.has(lower)) headers[lower] = value;
    }
    headers['content-type'] ??= req.defaultContentType;
    if (req.body.length) headers['content-length'] = String(req.body.length);
    const replayed: ReplayedRequest = {
      ...origin,
      sent: { query: splitTarget(req.target).query, body: req.body },
    };
    try {
      return (
        (await this.lane.run(req.method, routed, headers, req.body, replayed)) ??
        (await this.replay(req.method, routed, headers, req.body, replayed))
      );
    } catch (err) {
      this.logger.error(`replayed request failed: ${(err as Error).name}`);
      return { code: 500, headers: { 'content-type': TEXT_PLAIN }, body: Buffer.alloc(0) };
    }
  }

  /** Runs the request through Fastify's router with an in-memory request/response pair. */
  private async replay(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Buffer,
    origin: ReplayedRequest,
  ): Promise<SubResponse> {
    const raw = new ReplayRequest(method, url, headers, body, origin);
    const out = new ReplayResponse();
    this.routing ??= this.adapterHost.httpAdapter.getInstance<FastifyInstance>().routing;
    // Both sides are duck-typed: Fastify uses only what they implement.
    this.routing(raw as unknown as IncomingMessage, out as unknown as ServerResponse);
    const res = await out.result;
    const outHeaders: Record<string, string> = {};
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined || DROPPED_RESPONSE_HEADERS.has(name)) continue;
      outHeaders[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    return { code: res.statusCode, headers: outHeaders, body: res.body };
  }
}
