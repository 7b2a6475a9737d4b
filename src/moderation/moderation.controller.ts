import { Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { JsonBody } from '../common/json-body';
import {
  CurrentRoom,
  CurrentUser,
  ParamFormats,
  RequireUser,
  RoomAccess,
} from '../auth/route-auth.decorators';
import { MessageDeletionService } from '../messages/message-deletion.service';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { RoomOverridesService } from './room-overrides.service';
import { UserModerationService } from './user-moderation.service';

/** Moderation of users (api.md §5). */
@Controller()
export class ModerationController {
  constructor(
    private readonly users: UserModerationService,
    private readonly overrides: RoomOverridesService,
    private readonly deletion: MessageDeletionService,
  ) {}

  /**
   * `POST /user/:sid/moderator` `{rooms|global, moderator?, admin?, visible?}`: 200
   * `{"info_updates": {token: n}}`; 400 bad body; 401; 403 unless admin where it applies.
   */
  @Post('user/:sid/moderator')
  @RequireUser()
  @HttpCode(200)
  @ParamFormats({ sid: 'any_sid' })
  setModerator(@CurrentUser() caller: User, @Param('sid') sid: string, @JsonBody() body: unknown) {
    return this.users.setModerator(caller, sid, body);
  }

  /** `POST /user/:sid/ban` `{rooms|global, timeout?}`: 200 `{}`; 400; 401; 403. */
  @Post('user/:sid/ban')
  @RequireUser()
  @HttpCode(200)
  @ParamFormats({ sid: 'any_sid' })
  ban(@CurrentUser() caller: User, @Param('sid') sid: string, @JsonBody() body: unknown) {
    return this.users.ban(caller, sid, body);
  }

  /** `POST /user/:sid/unban` `{rooms|global}`: 200 `{}`; 400; 401; 403. */
  @Post('user/:sid/unban')
  @RequireUser()
  @HttpCode(200)
  @ParamFormats({ sid: 'any_sid' })
  unban(@CurrentUser() caller: User, @Param('sid') sid: string, @JsonBody() body: unknown) {
    return this.users.unban(caller, sid, body);
  }

  /** `DELETE /rooms/all/:sid`: the user's messages in every room the caller may; 200 `{total, rooms}`. */
  @Delete('rooms/all/:sid')
  @RequireUser()
  @ParamFormats({ sid: 'sid' })
  deleteEverywhere(@CurrentUser() caller: User, @Param('sid') sid: string) {
    return this.deletion.deleteAllEverywhere(caller, sid);
  }

  /** `GET /room/:token/permissions`: every user's explicit overrides (moderator). */
  @Get('room/:token/permissions')
  @RequireUser()
  @RoomAccess('moderator')
  permissions(@CurrentRoom() room: Room) {
    return this.overrides.list(room);
  }

  /** `GET /room/:token/permissions/:sid`: one user's overrides, `{}` when none (moderator). */
  @Get('room/:token/permissions/:sid')
  @RequireUser()
  @RoomAccess('moderator')
  @ParamFormats({ sid: 'sid' })
  permissionsOf(@CurrentRoom() room: Room, @Param('sid') sid: string) {
    return this.overrides.ofUser(room, sid);
  }

  /** `POST /room/:token/permissions/:sid`: sets or clears overrides; 200 the result (moderator). */
  @Post('room/:token/permissions/:sid')
  @RequireUser()
  @RoomAccess('moderator')
  @HttpCode(200)
  @ParamFormats({ sid: 'sid' })
  setPermissions(
    @CurrentRoom() room: Room,
    @CurrentUser() caller: User,
    @Param('sid') sid: string,
    @JsonBody() body: unknown,
  ) {
    return this.overrides.set(room, caller, sid, body);
  }

  /** `GET /room/:token/futurePermissions`: scheduled changes and unbans, by time (moderator). */
  @Get('room/:token/futurePermissions')
  @RequireUser()
  @RoomAccess('moderator')
  futures(@CurrentRoom() room: Room) {
    return this.overrides.listFutures(room);
  }

  /** `GET /room/:token/futurePermissions/:sid`: one user's scheduled changes (moderator). */
  @Get('room/:token/futurePermissions/:sid')
  @RequireUser()
  @RoomAccess('moderator')
  @ParamFormats({ sid: 'sid' })
  futuresOf(@CurrentRoom() room: Room, @Param('sid') sid: string) {
    return this.overrides.futuresOf(room, sid);
  }

  /** `POST /room/:token/futurePermissions/:sid` `{read?, write?, upload?, in}` (moderator). */
  @Post('room/:token/futurePermissions/:sid')
  @RequireUser()
  @RoomAccess('moderator')
  @HttpCode(200)
  @ParamFormats({ sid: 'sid' })
  schedule(
    @CurrentRoom() room: Room,
    @CurrentUser() caller: User,
    @Param('sid') sid: string,
    @JsonBody() body: unknown,
  ) {
    return this.overrides.schedule(room, caller, sid, body);
  }
}
