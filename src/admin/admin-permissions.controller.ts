import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import type { Room } from '../rooms/room';
import { AdminModerationService } from './admin-moderation.service';
import { AdminRoomPipe } from './admin-room.pipe';
import { SetPermissionsDto } from './dto/set-permissions.dto';
import { SessionIdPipe } from './session-id.pipe';

/** Per-user permission overrides in a room (SOGS `/room/:token/permissions/:sid`). */
@Controller('rooms/:token/permissions')
export class AdminPermissionsController {
  constructor(private readonly moderation: AdminModerationService) {}

  /**
   * `GET /rooms/:token/permissions/:sessionId`: the user's explicit settings, as SOGS shows
   * them (only those set, plus `banned`, `moderator`/`admin`, `hidden`); `{}` when none. 200.
   */
  @Get(':sessionId')
  get(
    @Param('token', AdminRoomPipe) room: Room,
    @Param('sessionId', SessionIdPipe) sessionId: string,
  ) {
    return this.moderation.permissions(room, sessionId);
  }

  /**
   * `PUT /rooms/:token/permissions/:sessionId` {@link SetPermissionsDto}: true/false set an
   * override, null clears it; scheduled changes of those permissions are dropped. 200 the
   * resulting settings; 400 invalid or empty body; 404.
   */
  @Put(':sessionId')
  set(
    @Param('token', AdminRoomPipe) room: Room,
    @Param('sessionId', SessionIdPipe) sessionId: string,
    @Body() dto: SetPermissionsDto,
  ) {
    return this.moderation.setPermissions(room, sessionId, dto);
  }
}
