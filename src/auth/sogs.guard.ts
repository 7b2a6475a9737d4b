import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import type { SogsRequest } from '../common/request-context';
import { SogsError } from '../common/sogs-error';
import type { RoomForCaller } from '../common/request-memo';
import { resolvePermissions } from '../moderation/room-permissions';
import { RoomsRepository } from '../rooms/rooms.repository';
import { RoomPermissionsService, type RoomAccess } from '../moderation/room-permissions.service';
import { AuthErrors } from './auth-errors';
import {
  AUTH_REQUIREMENT,
  PARAM_FORMATS,
  ROOM_ACCESS,
  type AuthRequirement,
  type ParamFormat,
} from './route-auth.decorators';
import { ROOM_TOKEN } from '../rooms/room';

function formatMatches(format: ParamFormat, value: string, requireBlind: boolean): boolean {
  switch (format) {
    case 'int':
      return /^[0-9]+$/.test(value);
    case 'any_sid':
      return /^[01]5[0-9a-fA-F]{64}$/.test(value);
    case 'sid':
      return (requireBlind ? /^15[0-9a-fA-F]{64}$/ : /^[01]5[0-9a-fA-F]{64}$/).test(value);
    case 'blinded_sid':
      return /^15[0-9a-fA-F]{64}$/.test(value);
  }
}

interface RouteRequirements {
  needs: AuthRequirement;
  formats: [string, ParamFormat][];
  access: RoomAccess | undefined;
}

/**
 * Completes routing and applies each route's stated requirement, in the reference's order
 * (api.md §0): parameter formats and the room's existence (404), then the caller (401), then
 * room access (403, or 404 where the room must look nonexistent). Authentication itself already
 * ran in the pipeline hook, before routing.
 */
@Injectable()
export class SogsGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly rooms: RoomsRepository,
    private readonly permissions: RoomPermissionsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Each route's stated requirements, by controller and handler: metadata is fixed at start. */
  private readonly requirements = new WeakMap<object, WeakMap<object, RouteRequirements>>();

  private requirementsOf(ctx: ExecutionContext): RouteRequirements {
    const handler = ctx.getHandler();
    const controller = ctx.getClass();
    let ofController = this.requirements.get(controller);
    if (!ofController) this.requirements.set(controller, (ofController = new WeakMap()));
    let found = ofController.get(handler);
    if (!found) {
      const targets = [handler, controller];
      found = {
        // Fail closed: a route that states nothing requires a signed caller.
        needs:
          this.reflector.getAllAndOverride<AuthRequirement>(AUTH_REQUIREMENT, targets) ?? 'user',
        formats: Object.entries(
          this.reflector.getAllAndOverride<Record<string, ParamFormat>>(PARAM_FORMATS, targets) ??
            {},
        ),
        access: this.reflector.getAllAndOverride<RoomAccess>(ROOM_ACCESS, targets),
      };
      ofController.set(handler, found);
    }
    return found;
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const { needs, formats, access } = this.requirementsOf(ctx);
    const req = ctx.switchToHttp().getRequest<SogsRequest>();
    const params = (req.params ?? {}) as Record<string, string>;

    for (const [name, format] of formats) {
      if (!formatMatches(format, params[name] ?? '', this.config.users.requireBlindKeys)) {
        throw SogsError.notFound();
      }
    }
    let found: RoomForCaller = null;
    if (params.token !== undefined) {
      const token = params.token;
      const userId = req.sogs.user?.id ?? null;
      const find = () => this.rooms.findForCaller(token, userId);
      if (ROOM_TOKEN.test(token))
        found = req.sogs.memo ? await req.sogs.memo.room(token, find) : await find();
      // Same answer as an inaccessible room, so hidden rooms cannot be told apart from none.
      if (!found) throw SogsError.notFound();
      req.sogs.room = found.room;
    }

    const user = req.sogs.user;
    if (needs !== 'public' && !user) throw SogsError.unauthorized();
    if (needs === 'blinded' && !user!.sessionId.startsWith('15')) {
      throw AuthErrors.blindedRequired();
    }
    if (access && found) {
      const perms = resolvePermissions(found.room, user, found.override);
      req.sogs.permissions = this.permissions.check(perms, user, access);
    }
    return true;
  }
}
