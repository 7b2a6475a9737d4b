import {
  Catch,
  Logger,
  NotFoundException,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorResponse, sendError } from './error-response';
import { RouteTable } from './route-table';
import { SogsError } from './sogs-error';
import { splitTarget } from './paths';

/** The one place errors become responses: the spec's status and text, or a logged 500. */
@Catch()
export class SogsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly routes: RouteTable) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    if (err instanceof NotFoundException) {
      // No route matched (Nest's not-found handler): 405 if the path exists for another method.
      const req = http.getRequest<FastifyRequest>();
      if (this.routes.otherMethodMatches(req.method, splitTarget(req.url).path)) {
        err = new SogsError(405, 'METHOD_NOT_ALLOWED', 'Method Not Allowed');
      }
    }
    if (errorResponse(err).status === 500) logUnexpected(this.logger, err);
    sendError(http.getResponse<FastifyReply>(), err);
  }
}

/** Logs the error's kind and stack only: never request data, which may identify people. */
export function logUnexpected(logger: Logger, err: unknown): void {
  logger.error(err instanceof Error ? (err.stack ?? err.name) : 'non-Error thrown');
}
