import { Body, Controller, Delete, HttpCode, Param, Put } from '@nestjs/common';
import type { Room } from '../rooms/room';
import { AdminModerationService } from './admin-moderation.service';
import { AdminRoomPipe } from './admin-room.pipe';
import { BanDto } from './dto/ban.dto';
import { SessionIdPipe } from './session-id.pipe';

/** Room and global bans, optionally timed (SOGS `POST /user/:sid/ban` and `/unban`). */
@Controller()
export class AdminBansController {
  constructor(private readonly moderation: AdminModerationService) {}

  /**
   * `PUT /rooms/:token/bans/:sessionId` {@link BanDto}: bans from the room (its messages stay;
   * see DELETE …/users/:sessionId/messages), lifted after `timeout` seconds when given.
   * 200 `{"banned": true, "timeout": n|null}`; 400; 403 `PERMISSION_DENIED` for a moderator of
   * the room (remove the role first); 404.
   */
  @Put('rooms/:token/bans/:sessionId')
  banInRoom(
    @Param('token', AdminRoomPipe) room: Room,
    @Param('sessionId', SessionIdPipe) sessionId: string,
    @Body() dto: BanDto,
  ) {
    return this.moderation.ban(room, sessionId, dto);
  }

  /** `DELETE /rooms/:token/bans/:sessionId`: lifts the room ban, if any. 204; 400; 404. */
  @Delete('rooms/:token/bans/:sessionId')
  @HttpCode(204)
  unbanInRoom(
    @Param('token', AdminRoomPipe) room: Room,
    @Param('sessionId', SessionIdPipe) sessionId: string,
  ) {
    return this.moderation.unban(room, sessionId);
  }

  /** `PUT /bans/:sessionId` {@link BanDto}: a server-wide ban. 200; 400; 403 for a global moderator. */
  @Put('bans/:sessionId')
  banGlobally(@Param('sessionId', SessionIdPipe) sessionId: string, @Body() dto: BanDto) {
    return this.moderation.ban('global', sessionId, dto);
  }

  /** `DELETE /bans/:sessionId`: lifts the server-wide ban, if any. 204; 400. */
  @Delete('bans/:sessionId')
  @HttpCode(204)
  unbanGlobally(@Param('sessionId', SessionIdPipe) sessionId: string) {
    return this.moderation.unban('global', sessionId);
  }
}
