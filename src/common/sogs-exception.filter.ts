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
import { RoomsRepository } from '../rooms/rooms.repository';
import { decodePath, roomTokenSegment, splitTarget } from './paths';

/** The one place errors become responses: the spec's status and text, or a logged 500. */
@Catch()
export class SogsExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(
    private readonly routes: RouteTable,
    private readonly rooms: RoomsRepository,
  ) {}

  /** A `/room/:token/…` path names an existing room (else no route exists: 404, not 405). */
  private async roomExists(path: string): Promise<boolean> {
    const segment = roomTokenSegment(path);
    if (segment === null) return true;
    const token = decodePath(segment);
    if (token === null) return false;
    return (await this.rooms.findByToken(token).catch(() => null)) !== null;
  }

  async catch(err: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    if (err instanceof NotFoundException) {
      // No route matched (Nest's not-found handler): 405 if the path exists for another method.
      const req = http.getRequest<FastifyRequest>();
      const path = splitTarget(req.url).path;
      if (this.routes.otherMethodMatches(req.method, path) && (await this.roomExists(path))) {
        err = new SogsError(405, 'METHOD_NOT_ALLOWED', 'Method Not Allowed');
      }
    }
    if (errorResponse(err).status === 500) logUnexpected(this.logger, err);
    sendError(http.getResponse<FastifyReply>(), err);
  }
}

/**
 * Logs the error's kind, code and call stack only: not its message, which can quote request
 * data (PostgreSQL's "invalid input syntax … \"value\"", say) and so identify people.
 */
export function logUnexpected(logger: Logger, err: unknown): void {
  if (!(err instanceof Error)) return logger.error('non-Error thrown');
  const code = (err as { code?: unknown }).code;
  const frames = (err.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  logger.error(
    [`${err.name}${typeof code === 'string' ? ` (${code})` : ''}`, ...frames].join('\n'),
  );
}
