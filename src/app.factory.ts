import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppModule, type AppDeps } from './app.module';
import { APP_CONFIG } from './config/config.tokens';
import type { AppConfig } from './config/app-config';
import { AuthService } from './auth/auth.service';
import { installPipelineHook } from './auth/pipeline.hook';
import { UsersService } from './users/users.service';
import { RouteTable } from './common/route-table';
import { InProcessLane } from './onion/in-process-lane';
import { installLoadShedding, serverTimeouts } from './server/http-limits';
import { jsonLabel, MAX_BODY, normaliseContentType, ROUTER_OPTIONS } from './server/router-options';
import { observeRequest } from './metrics/metrics';
import type { SogsRequest } from './common/request-context';
import { sendError } from './common/error-response';
import { SogsError } from './common/sogs-error';
import { INVALID_PATH_ENCODING } from './common/paths';

/**
 * Builds the HTTP application: Fastify without its request logger (it would log client
 * addresses), raw Buffer bodies for every content type, exact `application/json` labels, and the
 * pipeline hook. Errors, including those of hooks, reach SogsExceptionFilter through Nest.
 */
export async function createApp(
  deps: AppDeps,
  logger: LoggerService | LogLevel[] = ['error', 'warn'],
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    ...serverTimeouts(deps.config.limits),
    logger: false,
    bodyLimit: MAX_BODY,
    trustProxy: false,
    routerOptions: { ...ROUTER_OPTIONS },
    // No Nest middleware is used: without middie, no request pays for its hook.
    skipMiddie: true,
    // A path that is not valid percent-encoding never reaches a route: answer it as the
    // pipeline would (plain text), not with Fastify's JSON error.
    frameworkErrors: (err: FastifyError, _request: FastifyRequest, reply: FastifyReply) =>
      sendError(
        reply,
        err.code === 'FST_ERR_BAD_URL' ? SogsError.badRequest(INVALID_PATH_ENCODING) : err,
      ),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(deps), adapter, {
    bodyParser: false,
    logger,
  });
  const fastify = app.getHttpAdapter().getInstance() as unknown as FastifyInstance;
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // Bodies are read raw whatever their label (onion.md §1, api.md §0): a malformed or missing
  // Content-Type must not get a 415 from Fastify before the request is even authenticated.
  // Hooks take Fastify's `done` callback rather than being async: they run for every replayed
  // sub-request too, and a promise per hook is a measurable share of that.
  fastify.addHook('onRequest', (request, _reply, done) => {
    normaliseContentType(request.headers);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const sogs = (request as Partial<SogsRequest>).sogs;
    observeRequest(
      request.routeOptions.url ?? '(no route)',
      request.method,
      reply.statusCode,
      sogs?.batch ? 'batch' : (sogs?.transport ?? 'direct'),
      reply.elapsedTime / 1000,
    );
    done();
  });
  fastify.addHook('onSend', (_req, reply, payload, done) => {
    const json = jsonLabel(reply.getHeader('content-type'));
    if (json) reply.header('content-type', json);
    done(null, payload);
  });
  const routes = app.get(RouteTable);
  const lane = app.get(InProcessLane);
  fastify.addHook('onRoute', (route) => {
    routes.add(route.method, route.url);
    lane.add(route);
  });
  installLoadShedding(fastify, deps.config.limits.maxInFlight);
  installPipelineHook(fastify, app.get(AuthService), app.get<AppConfig>(APP_CONFIG));
  await app.init();
  await app.get(UsersService).prepare();
  return app;
}
