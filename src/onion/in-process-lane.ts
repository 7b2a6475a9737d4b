import { Inject, Injectable } from '@nestjs/common';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { RouteOptions } from 'fastify';
import FindMyWay from 'find-my-way';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { AuthService } from '../auth/auth.service';
import { startPipeline } from '../auth/pipeline.hook';
import type { ReplayedRequest } from '../common/pipeline-context';
import type { SogsRequestState } from '../common/request-context';
import { SogsExceptionFilter } from '../common/sogs-exception.filter';
import { observeRequest } from '../metrics/metrics';
import { normaliseContentType, ROUTER_OPTIONS } from '../server/router-options';
import type { SubResponse } from './dispatcher';
import { SubReply } from './sub-reply';

type RouteHandler = (request: unknown, reply: SubReply) => unknown;

export interface Route {
  /** The handler Nest gave Fastify for the route: guards, pipes, controller and filter. */
  handler: RouteHandler;
  /** The route's pattern, as Fastify knows it (`/room/:token/pollInfo/:info`). */
  pattern: string;
}

/** A request's route here, with the path parameters and query it runs with. */
export interface LaneMatch {
  route: Route;
  params: Record<string, string>;
  query: Record<string, unknown>;
}

/** The POST routes that run here: a batch writes nothing itself (its sub-requests choose). */
const BATCH_ROUTES = new Set(['/batch', '/sequence']);

/**
 * Runs a replayed request (an onion request's inner request, a /batch or /sequence
 * sub-request) straight through the handler Nest registered for its route, without Fastify's
 * request lifecycle around it: a poll is one onion request holding a /batch of ten reads, and
 * the lifecycle (hooks, request and reply objects, the in-memory socket) cost more than the reads.
 * It takes reads (GET) and batches (POST /batch, /sequence); writes keep the full pipeline.
 *
 * What the lifecycle does for such a request is done here the same way: routing with the same
 * router and options, the query parsed by the same parser, the Content-Type hook, the pipeline's
 * first step (`startPipeline`: the caller, signed or inherited), errors through the same filter,
 * the reply's body rules (sub-reply.ts) and the request metric. Anything else — a path no such
 * route matches, an empty path parameter — is left to the full pipeline (`run` answers null).
 */
@Injectable()
export class InProcessLane {
  private readonly router = FindMyWay({ ...ROUTER_OPTIONS });

  constructor(
    private readonly auth: AuthService,
    private readonly filter: SogsExceptionFilter,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Records a route as Fastify registers it (its onRoute hook). */
  add(route: RouteOptions): void {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const entry: Route = { handler: route.handler as unknown as RouteHandler, pattern: route.url };
    if (methods.includes('GET')) this.router.on('GET', route.url, () => undefined, entry);
    if (methods.includes('POST') && BATCH_ROUTES.has(route.url)) {
      this.router.on('POST', route.url, () => undefined, entry);
    }
  }

  /** The route `url` (as routed) runs here, with its parameters and query; null: none. */
  match(method: 'GET' | 'POST', url: string): LaneMatch | null {
    const found = this.router.find(method, url);
    if (!found) return null;
    for (const name in found.params) {
      // Nest sends an empty parameter to the not-found handler; the full pipeline does that.
      if (found.params[name] === '' && name !== '*') return null;
    }
    return {
      route: found.store as Route,
      params: found.params as Record<string, string>,
      query: found.searchParams,
    };
  }

  /** `url` as routed (`routedUrl`); `headers` lower-case. Null: not for this lane. */
  async run(
    method: string,
    url: string,
    headers: Record<string, string>,
    body: Buffer,
    origin: ReplayedRequest,
  ): Promise<SubResponse | null> {
    // Fastify reads no body for a GET, and an empty POST body is not a batch.
    if (method !== 'GET' && !(method === 'POST' && body.length > 0)) return null;
    const found = this.match(method, url);
    if (!found) return null;
    const started = performance.now();
    normaliseContentType(headers);
    const request = {
      method,
      url,
      headers,
      params: found.params,
      query: found.query,
      body: method === 'GET' ? undefined : body,
      raw: { method, url, headers },
      sogs: undefined as SogsRequestState | undefined,
    };
    const reply = new SubReply(request);
    let refused = false;
    try {
      const { state, caller } = startPipeline(this.auth, this.config, { ...request, origin });
      request.sogs = state;
      if (caller) state.user = await caller;
    } catch (err) {
      refused = true;
      void this.filter.catch(err, new ExecutionContextHost([request, reply]));
    }
    if (!refused) await found.route.handler(request, reply);
    const res = await reply.result;
    const transport = request.sogs?.batch ? 'batch' : (request.sogs?.transport ?? 'direct');
    observeRequest(
      found.route.pattern,
      method,
      res.code,
      transport,
      (performance.now() - started) / 1000,
    );
    return res;
  }
}
