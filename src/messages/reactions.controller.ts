import { Controller, Delete, Get, Param, Put, Query } from '@nestjs/common';
import {
  CurrentRoom,
  CurrentUser,
  ParamFormats,
  Public,
  RequireUser,
  RoomAccess,
} from '../auth/route-auth.decorators';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { parseReaction } from './message-input';
import { pathId, queryInteger } from '../common/request-params';
import { ReactionsService } from './reactions.service';

/**
 * Reactions (api.md §3). The reaction is the rest of the path after the message id, so it may
 * contain `/`; Fastify percent-decodes the wildcard. Check order: the guard (401, 403), then
 * the reaction's length (400), then the message (404: missing, deleted, whisper or filtered).
 */
@Controller('room/:token')
export class ReactionsController {
  constructor(private readonly reactions: ReactionsService) {}

  /**
   * `PUT /room/:token/reaction/:id/:reaction`: adds the caller's reaction; body ignored.
   * 200 `{added, seqno}`; 400 not 1–12 code points; 401; 403 without read; 404.
   */
  @Put('reaction/:id/*')
  @RequireUser()
  @RoomAccess('read')
  @ParamFormats({ id: 'int' })
  add(
    @CurrentRoom() room: Room,
    @CurrentUser() user: User,
    @Param('id') id: string,
    @Param('*') reaction: string,
  ) {
    return this.reactions.add(room, user, pathId(id), parseReaction(reaction));
  }

  /**
   * `DELETE /room/:token/reaction/:id/:reaction`: removes the caller's own reaction.
   * 200 `{removed, seqno}`; 400; 401; 403 without read; 404.
   */
  @Delete('reaction/:id/*')
  @RequireUser()
  @RoomAccess('read')
  @ParamFormats({ id: 'int' })
  remove(
    @CurrentRoom() room: Room,
    @CurrentUser() user: User,
    @Param('id') id: string,
    @Param('*') reaction: string,
  ) {
    return this.reactions.remove(room, user, pathId(id), parseReaction(reaction));
  }

  /**
   * `DELETE /room/:token/reactions/:id`: a moderator removes every reaction on the message.
   * 200 `{removed, seqno}`; 401; 403 not a moderator; 404.
   */
  @Delete('reactions/:id')
  @RequireUser()
  @RoomAccess('moderator')
  @ParamFormats({ id: 'int' })
  clearAll(@CurrentRoom() room: Room, @CurrentUser() user: User, @Param('id') id: string) {
    return this.reactions.clear(room, user, pathId(id), null);
  }

  /**
   * `DELETE /room/:token/reactions/:id/:reaction`: a moderator removes one reaction of every
   * user. 200 `{removed, seqno}`; 400; 401; 403; 404.
   */
  @Delete('reactions/:id/*')
  @RequireUser()
  @RoomAccess('moderator')
  @ParamFormats({ id: 'int' })
  clearOne(
    @CurrentRoom() room: Room,
    @CurrentUser() user: User,
    @Param('id') id: string,
    @Param('*') reaction: string,
  ) {
    return this.reactions.clear(room, user, pathId(id), parseReaction(reaction));
  }

  /**
   * `GET /room/:token/reactors/:id/:reaction?limit=`: `[[session_id, at], …]`, earliest
   * first; `limit` ≤ 0 or absent means all. 200; 400; 403 without read; 404.
   */
  @Get('reactors/:id/*')
  @Public()
  @RoomAccess('read')
  @ParamFormats({ id: 'int' })
  reactors(
    @CurrentRoom() room: Room,
    @Param('id') id: string,
    @Param('*') reaction: string,
    @Query() query: Record<string, unknown>,
  ) {
    const limit = queryInteger(query, 'limit');
    return this.reactions.reactors(room, pathId(id), parseReaction(reaction), limit);
  }
}
