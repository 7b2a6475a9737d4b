import { Injectable } from '@nestjs/common';
import type { RouteOptions } from 'fastify';
import FindMyWay from 'find-my-way';
import type { PipelineOrigin } from '../common/pipeline-context';
import type { SogsRequestState, Transport } from '../common/request-context';
import { requestDuration } from '../metrics/metrics';
import { normaliseContentType, ROUTER_OPTIONS } from '../server/router-options';
import type { SubResponse } from './dispatcher';
import { SubReply } from './sub-reply';

type RouteHandler = (request: unknown, reply: SubReply) => unknown;

interface Route {
  /** The handler Nest gave Fastify for the route: guards, pipes, controller and filter. */
  handler: RouteHandler;
  /** The route's pattern, as Fastify knows it (`/room/:token/pollInfo/:info`). */
  pattern: string;
}

/**
 * Runs a /batch or /sequence GET sub-request straight through the handler Nest registered for
 * its route, without Fastify's request lifecycle around it: a poll is ten such reads, and the
 * lifecycle (hooks, request and reply objects, the in-memory socket) cost more than the reads.
 *
 * What the lifecycle does for such a request is done here the same way: routing with the same
 * router and options, the query parsed by the same parser, the Content-Type hook, the caller and
 * memo taken from the outer request (the pipeline hook's batch case), the reply's body rules
 * (sub-reply.ts) and the request metric. Anything else — a path no GET route matches, an empty
 * path parameter — is left to the full pipeline (`run` answers null).
 */
@Injectable()
export class InProcessLane {
  private readonly router = FindMyWay({ ...ROUTER_OPTIONS });

  /** Records a route as Fastify registers it (its onRoute hook); only GET routes run here. */
  add(route: RouteOptions): void {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (!methods.includes('GET')) return;
    const entry: Route = { handler: route.handler as unknown as RouteHandler, pattern: route.url };
    this.router.on('GET', route.url, () => undefined, entry);
  }

  /** `url` as routed (`routedUrl`); `headers` lower-case. Null: not for this lane. */
  async run(
    url: string,
    headers: Record<string, string>,
    transport: Transport,
    inherited: NonNullable<PipelineOrigin['inherited']>,
  ): Promise<SubResponse | null> {
    const found = this.router.find('GET', url);
    if (!found) return null;
    for (const name in found.params) {
      // Nest sends an empty parameter to the not-found handler; the full pipeline does that.
      if (found.params[name] === '' && name !== '*') return null;
    }
    const route = found.store as Route;
    const started = performance.now();
    normaliseContentType(headers);
    const sogs: SogsRequestState = {
      transport,
      user: inherited.user,
      batch: true,
      memo: inherited.memo,
      batchDepth: inherited.depth,
    };
    const request = {
      method: 'GET',
      url,
      headers,
      params: found.params,
      query: found.searchParams,
      body: undefined,
      raw: { method: 'GET', url, headers },
      sogs,
    };
    const reply = new SubReply(request);
    await route.handler(request, reply);
    const res = await reply.result;
    requestDuration.observe(
      { route: route.pattern, method: 'GET', status: String(res.code), transport: 'batch' },
      (performance.now() - started) / 1000,
    );
    return res;
  }
}
