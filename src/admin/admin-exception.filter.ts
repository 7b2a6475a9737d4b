import { STATUS_CODES } from 'node:http';
import {
  Catch,
  HttpException,
  Logger,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SogsError } from '../common/sogs-error';
import { logUnexpected } from '../common/sogs-exception.filter';

interface AdminError {
  status: number;
  code: string;
  message: string;
}

/** `Not Found` → `NOT_FOUND`; a 400 is `INVALID_INPUT`, as SogsError.badRequest names it. */
function codeOf(status: number): string {
  if (status === 400) return 'INVALID_INPUT';
  return (STATUS_CODES[status] ?? 'ERROR').toUpperCase().replace(/[^A-Z]+/g, '_');
}

function messageOf(err: HttpException): string {
  const body = err.getResponse();
  const message = typeof body === 'object' && body !== null && 'message' in body && body.message;
  return Array.isArray(message) ? message.join('; ') : String(message || err.message);
}

/** Domain errors keep their code and text; Nest's and Fastify's 4xx get one from the status. */
export function toAdminError(err: unknown): AdminError {
  if (err instanceof SogsError) return { status: err.status, code: err.code, message: err.text };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    return { status, code: codeOf(status), message: messageOf(err) };
  }
  const status = (err as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, code: codeOf(status), message: (err as Error).message };
  }
  return { status: 500, code: 'INTERNAL_ERROR', message: 'Internal Server Error' };
}

/**
 * The admin API's one error shape: `{"error": {"code": "ROOM_NOT_FOUND", "message": "No such
 * room: lokinet"}}`. Anything unexpected is a logged, generic 500.
 */
@Catch()
export class AdminExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AdminErrors');

  catch(err: unknown, host: ArgumentsHost): void {
    const { status, code, message } = toAdminError(err);
    if (status === 500) logUnexpected(this.logger, err);
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (status === 401) reply.header('www-authenticate', 'Bearer realm="tsogs-admin"');
    reply
      .code(status)
      .header('content-type', 'application/json; charset=utf-8')
      .send(JSON.stringify({ error: { code, message } }));
  }
}
