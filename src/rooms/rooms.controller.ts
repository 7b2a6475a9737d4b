import { Controller, Get, Param, Put } from '@nestjs/common';
import { JsonBody } from '../common/json-body';
import { parseRoomUpdate } from './room-update';
import {
  CurrentPermissions,
  CurrentRoom,
  CurrentUser,
  ParamFormats,
  Public,
  RequireUser,
  RoomAccess,
} from '../auth/route-auth.decorators';
import type { RoomPermissions } from '../moderation/room-permissions';
import type { User } from '../users/user';
import type { Room } from './room';
import { RoomsService } from './rooms.service';

@Controller()
export class RoomsController {
  constructor(private readonly rooms: RoomsService) {}

  /** `GET /rooms`: every room the caller may access, sorted by token. 200. */
  @Get('rooms')
  @Public()
  list(@CurrentUser() user: User | null) {
    return this.rooms.list(user);
  }

  /** `GET /room/:token`: the room object; 404 when missing or not accessible to the caller. */
  @Get('room/:token')
  @Public()
  @RoomAccess('accessible')
  info(
    @CurrentRoom() room: Room,
    @CurrentUser() user: User | null,
    @CurrentPermissions() perms: RoomPermissions,
  ) {
    return this.rooms.info(room, user, perms);
  }

  /**
   * `PUT /room/:token` (admin): name, description, image (a file id of this room), default
   * permissions. 200 `{"info_updates"}`; 400 bad or no field; 401; 403 not admin; 406 no such
   * file. All or nothing.
   */
  @Put('room/:token')
  @RequireUser()
  @RoomAccess('admin')
  update(@CurrentRoom() room: Room, @CurrentUser() admin: User, @JsonBody() body: unknown) {
    return this.rooms.update(room, admin, parseRoomUpdate(body));
  }

  /**
   * `GET /room/:token/pollInfo/:info_updated`: flags and active users, with `details` when the
   * caller's `info_updates` differs. 403 without read permission.
   */
  @Get('room/:token/pollInfo/:info_updated')
  @Public()
  @RoomAccess('read')
  @ParamFormats({ info_updated: 'int' })
  pollInfo(
    @CurrentRoom() room: Room,
    @CurrentUser() user: User | null,
    @CurrentPermissions() perms: RoomPermissions,
    @Param('info_updated') infoUpdated: string,
  ) {
    return this.rooms.pollInfo(room, user, perms, Number(infoUpdated));
  }
}
