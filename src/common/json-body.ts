import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { SogsError } from './sogs-error';

/**
 * Parses a request body as JSON whatever its content type (api.md §0: onion sub-requests may
 * arrive labelled octet-stream). An empty body is `undefined`; malformed JSON is a 400.
 */
export function parseJson(body: unknown): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw SogsError.badRequest('Invalid JSON body');
  }
}

/** Injects the parsed JSON body of the request. */
export const JsonBody = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  parseJson(ctx.switchToHttp().getRequest<FastifyRequest>().body),
);

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
