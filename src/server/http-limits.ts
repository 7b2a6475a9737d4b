import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/app-config';
import { TEXT_PLAIN } from '../common/error-response';
import { ReplayRequest } from '../common/replay-request';
import { requestsShed } from '../metrics/metrics';

/**
 * Socket-level limits for the HTTP server (README, Reliability): a client must send its request
 * head within `headersTimeoutMs` and the whole request within `requestTimeoutMs`, or Node closes
 * the connection with 408; the deadlines are checked every second.
 */
export function serverTimeouts(limits: AppConfig['limits']) {
  return {
    requestTimeout: limits.requestTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: 1000,
    },
  };
}

const COUNTED = Symbol('tsogs.inFlight');

/**
 * Overload shedding: past `max` requests in progress, a new one gets 503 at once instead of
 * queueing behind work its client will have given up on (desktop waits 10 s, then retries
 * elsewhere). Only requests from the network count; onion and batch replays ride on theirs.
 */
export function installLoadShedding(fastify: FastifyInstance, max: number): void {
  if (max === 0) return;
  let inFlight = 0;
  const done = (request: FastifyRequest) => {
    const r = request as FastifyRequest & { [COUNTED]?: boolean };
    if (r[COUNTED]) {
      r[COUNTED] = false;
      inFlight--;
    }
  };
  // `done` rather than async, like the other global hooks: no promise per request.
  fastify.addHook('onRequest', (request, reply, next) => {
    if (request.raw instanceof ReplayRequest) return next();
    if (inFlight >= max) {
      requestsShed.inc();
      reply.code(503).header('content-type', TEXT_PLAIN).header('retry-after', '1');
      return reply.send('Server busy, try again');
    }
    inFlight++;
    (request as FastifyRequest & { [COUNTED]?: boolean })[COUNTED] = true;
    next();
  });
  fastify.addHook('onResponse', (request, _reply, next) => {
    done(request);
    next();
  });
  fastify.addHook('onRequestAbort', (request, next) => {
    done(request);
    next();
  });
}
