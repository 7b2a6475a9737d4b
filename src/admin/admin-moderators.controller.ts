import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import type { Room } from '../rooms/room';
import { AdminModerationService } from './admin-moderation.service';
import { AdminRoomPipe } from './admin-room.pipe';
import { AdminRoomsService } from './admin-rooms.service';
import { SetModeratorDto } from './dto/set-moderator.dto';
import { SessionIdPipe } from './session-id.pipe';

/**
 * Room and global moderators and admins, visible or hidden; the SOGS route is
 * `POST /user/:sid/moderator`. A `05` ID applies to its blinded ID (or to it once seen).
 */
@Controller()
export class AdminModeratorsController {
  constructor(
    private readonly moderation: AdminModerationService,
    private readonly rooms: AdminRoomsService,
  ) {}

  /** `GET /rooms/:token/moderators`: the room's own moderators and admins. 200; 404. */
  @Get('rooms/:token/moderators')
  roomModerators(@Param('token', AdminRoomPipe) room: Room) {
    return this.rooms.moderators(room);
  }

  /**
   * `PUT /rooms/:token/moderators/:sessionId` {@link SetModeratorDto} (`admin` default false,
   * `visible` default true): 200 `{"info_updates": {token: n}}`; 400 bad ID or body; 404.
   */
  @Put('rooms/:token/moderators/:sessionId')
  setRoomModerator(
    @Param('token', AdminRoomPipe) room: Room,
    @Param('sessionId', SessionIdPipe) sessionId: string,
    @Body() dto: SetModeratorDto,
  ) {
    return this.moderation.setModerator(room, sessionId, dto);
  }

  /** `DELETE /rooms/:token/moderators/:sessionId`: removes the room role, if any. 204; 400; 404. */
  @Delete('rooms/:token/moderators/:sessionId')
  @HttpCode(204)
  removeRoomModerator(
    @Param('token', AdminRoomPipe) room: Room,
    @Param('sessionId', SessionIdPipe) sessionId: string,
  ) {
    return this.moderation.removeModerator(room, sessionId);
  }

  /** `GET /moderators`: global moderators and admins (`tsogs -M`). 200. */
  @Get('moderators')
  globalModerators() {
    return this.moderation.globalModerators();
  }

  /**
   * `PUT /moderators/:sessionId` {@link SetModeratorDto} (`admin` default false, `visible`
   * default false): a global role. 200 `{"info_updates": {token: n}}` for every room; 400.
   */
  @Put('moderators/:sessionId')
  setGlobalModerator(
    @Param('sessionId', SessionIdPipe) sessionId: string,
    @Body() dto: SetModeratorDto,
  ) {
    return this.moderation.setModerator('global', sessionId, dto);
  }

  /** `DELETE /moderators/:sessionId`: removes the global role, if any. 204; 400. */
  @Delete('moderators/:sessionId')
  @HttpCode(204)
  removeGlobalModerator(@Param('sessionId', SessionIdPipe) sessionId: string) {
    return this.moderation.removeModerator('global', sessionId);
  }
}
