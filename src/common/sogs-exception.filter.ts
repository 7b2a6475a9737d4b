import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { errorResponse, sendError } from './error-response';

/** The one place errors become responses: the spec's status and text, or a logged 500. */
@Catch()
export class SogsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(err: unknown, host: ArgumentsHost): void {
    if (errorResponse(err).status === 500) logUnexpected(this.logger, err);
    sendError(host.switchToHttp().getResponse<FastifyReply>(), err);
  }
}

/** Logs the error's kind and stack only: never request data, which may identify people. */
export function logUnexpected(logger: Logger, err: unknown): void {
  logger.error(err instanceof Error ? (err.stack ?? err.name) : 'non-Error thrown');
}
