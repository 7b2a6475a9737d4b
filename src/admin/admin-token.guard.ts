import { Injectable, SetMetadata, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { SogsError } from '../common/sogs-error';
import { AdminTokensService } from './admin-tokens.service';

const ADMIN_PUBLIC = 'tsogs:admin-public';

/** Marks an admin route that needs no token (only the OpenAPI document). */
export const AdminPublic = () => SetMetadata(ADMIN_PUBLIC, true);

/**
 * Every admin route but `@AdminPublic()` ones needs `Authorization: Bearer <token>` naming a
 * token of `tsogs admin-token`; checked on each request, so revocation applies at once.
 */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(
    private readonly tokens: AdminTokensService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(ADMIN_PUBLIC, [ctx.getHandler(), ctx.getClass()]))
      return true;
    const header = ctx.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    const bearer = /^Bearer +([\x21-\x7e]+) *$/i.exec(header ?? '');
    if (!bearer) {
      throw new SogsError(
        401,
        'AUTH_REQUIRED',
        'An admin token is required: Authorization: Bearer <token>',
      );
    }
    if ((await this.tokens.verify(bearer[1])) === null) {
      throw new SogsError(401, 'INVALID_TOKEN', 'Invalid admin token');
    }
    return true;
  }
}
