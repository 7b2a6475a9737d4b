import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { RoomAccess as RoomAccessKind } from '../moderation/room-permissions.service';
import type { SogsRequest } from '../common/request-context';

export type AuthRequirement = 'public' | 'user' | 'blinded';
/** Formats of path parameters; a value that does not match means "no such route" (404). */
export type ParamFormat = 'int' | 'any_sid' | 'sid' | 'blinded_sid';

export const AUTH_REQUIREMENT = 'sogs:auth';
export const ROOM_ACCESS = 'sogs:room-access';
export const PARAM_FORMATS = 'sogs:param-formats';

/** Anyone may call the route, signed or not. */
export const Public = () => SetMetadata(AUTH_REQUIREMENT, 'public');
/** The route needs a signed request (401 otherwise). */
export const RequireUser = () => SetMetadata(AUTH_REQUIREMENT, 'user');
/** The route needs a signed request from a blinded (15) ID (401 otherwise). */
export const RequireBlinded = () => SetMetadata(AUTH_REQUIREMENT, 'blinded');
/** The caller must hold this access in the room named by `:token`. */
export const RoomAccess = (access: RoomAccessKind) => SetMetadata(ROOM_ACCESS, access);
export const ParamFormats = (formats: Record<string, ParamFormat>) =>
  SetMetadata(PARAM_FORMATS, formats);

/** The authenticated caller (or null) resolved by the pipeline. */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<SogsRequest>().sogs.user,
);

/** The room of `:token`, resolved by the guard. */
export const CurrentRoom = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<SogsRequest>().sogs.room,
);

/** Lookups shared by the sub-requests of the /batch or /sequence this request is part of. */
export const CurrentMemo = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) => ctx.switchToHttp().getRequest<SogsRequest>().sogs.memo,
);

/** The caller's permissions in the room of `:token`, checked by the guard. */
export const CurrentPermissions = createParamDecorator(
  (_: unknown, ctx: ExecutionContext) =>
    ctx.switchToHttp().getRequest<SogsRequest>().sogs.permissions,
);
