import { HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SogsError } from './sogs-error';
import { isTransientDatabaseError } from '../db/db-errors';

export const TEXT_PLAIN = 'text/plain; charset=utf-8';

/** Status and plain-text body for any error thrown in the SOGS pipeline. */
export function errorResponse(err: unknown): { status: number; text: string } {
  if (err instanceof SogsError) return { status: err.status, text: err.text };
  if (isTransientDatabaseError(err)) return { status: 503, text: 'Service Unavailable' };
  if (err instanceof HttpException) {
    const status = err.getStatus();
    return { status, text: status === 404 ? 'Not Found' : err.message };
  }
  const fastifyStatus = (err as { statusCode?: unknown })?.statusCode;
  if (typeof fastifyStatus === 'number' && fastifyStatus >= 400 && fastifyStatus < 500) {
    return { status: fastifyStatus, text: (err as Error).message };
  }
  return { status: 500, text: 'Internal Server Error' };
}

export function sendError(reply: FastifyReply, err: unknown): FastifyReply {
  const { status, text } = errorResponse(err);
  return reply.code(status).header('content-type', TEXT_PLAIN).send(text);
}
