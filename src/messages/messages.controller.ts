import { Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  CurrentMemo,
  CurrentPermissions,
  CurrentRoom,
  CurrentUser,
  ParamFormats,
  Public,
  RequireUser,
  RoomAccess,
} from '../auth/route-auth.decorators';
import { JsonBody } from '../common/json-body';
import type { RequestMemo } from '../common/request-memo';
import type { RoomPermissions } from '../moderation/room-permissions';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { MessageDeletionService } from './message-deletion.service';
import {
  parseMessageContent,
  parseNewPost,
  parsePollOptions,
  parseReactors,
} from './message-input';
import { pathId } from '../common/request-params';
import { MessagePostingService } from './message-posting.service';
import { MessageReadsService } from './message-reads.service';

type QueryArgs = Record<string, unknown>;

/** Reading, posting, editing and deleting room messages (api.md §3). */
@Controller('room/:token')
export class MessagesController {
  constructor(
    private readonly reads: MessageReadsService,
    private readonly posting: MessagePostingService,
    private readonly deletion: MessageDeletionService,
  ) {}

  /**
   * `GET /room/:token/messages/recent?limit=&reactors=`: the newest live messages the caller
   * may see, newest first. 200; 400 for a non-integer `limit`/`reactors`; 403 without read.
   */
  @Get('messages/recent')
  @Public()
  @RoomAccess('read')
  recent(
    @CurrentRoom() room: Room,
    @CurrentUser() user: User | null,
    @CurrentPermissions() perms: RoomPermissions,
    @Query() query: QueryArgs,
  ) {
    return this.reads.latest(room, user, perms, parsePollOptions(query));
  }

  /**
   * `GET /room/:token/messages/before/:id`: as `recent`, restricted to ids below `:id`.
   * 404 for a non-numeric id.
   */
  @Get('messages/before/:id')
  @Public()
  @RoomAccess('read')
  @ParamFormats({ id: 'int' })
  before(
    @CurrentRoom() room: Room,
    @CurrentUser() user: User | null,
    @CurrentPermissions() perms: RoomPermissions,
    @Param('id') id: string,
    @Query() query: QueryArgs,
  ) {
    const beforeId = pathId(id) ?? Number.MAX_SAFE_INTEGER;
    return this.reads.latest(room, user, perms, parsePollOptions(query), beforeId);
  }

  /**
   * `GET /room/:token/messages/since/:seqno?limit=&t=r&reactors=`: changes after `:seqno` in
   * seqno order (new and edited messages, tombstones, reaction-only rows with `t=r`). 200;
   * 400 bad query integers; 403 without read; 404 non-numeric seqno.
   */
  @Get('messages/since/:seqno')
  @Public()
  @RoomAccess('read')
  @ParamFormats({ seqno: 'int' })
  since(
    @CurrentRoom() room: Room,
    @CurrentUser() user: User | null,
    @CurrentPermissions() perms: RoomPermissions,
    @Param('seqno') seqno: string,
    @Query() query: QueryArgs,
    @CurrentMemo() memo: RequestMemo | undefined,
  ) {
    const after = pathId(seqno) ?? Number.MAX_SAFE_INTEGER;
    return this.reads.since(room, user, perms, after, parsePollOptions(query), memo);
  }

  /**
   * `GET /room/:token/message/:id?reactors=`: one message. 200; 403 without read; 404 when it
   * does not exist here, is deleted or filtered, or is a whisper the caller may not see.
   */
  @Get('message/:id')
  @Public()
  @RoomAccess('read')
  @ParamFormats({ id: 'int' })
  one(
    @CurrentRoom() room: Room,
    @CurrentUser() user: User | null,
    @CurrentPermissions() perms: RoomPermissions,
    @Param('id') id: string,
    @Query() query: QueryArgs,
  ) {
    return this.reads.one(room, user, perms, pathId(id), parseReactors(query));
  }

  /**
   * `POST /room/:token/message` with `{data, signature, whisper_to?, whisper_mods?, files?}`.
   * 201 with the new message object; 400 invalid body; 401 anonymous; 403 without write, or
   * whisper fields from a non-moderator; 429 filtered (non-silent) or rate limited.
   */
  @Post('message')
  @HttpCode(201)
  @RequireUser()
  @RoomAccess('write')
  post(
    @CurrentRoom() room: Room,
    @CurrentUser() user: User,
    @CurrentPermissions() perms: RoomPermissions,
    @JsonBody() body: unknown,
  ) {
    return this.posting.post(room, user, perms, parseNewPost(body));
  }

  /**
   * `PUT /room/:token/message/:id` with `{data, signature, files?}`: the author's edit. 200 `{}`;
   * 400 invalid body; 401; 403 without write or not the author (even for admins); 404 missing
   * or deleted; 429 filtered.
   */
  @Put('message/:id')
  @RequireUser()
  @RoomAccess('write')
  @ParamFormats({ id: 'int' })
  edit(
    @CurrentRoom() room: Room,
    @CurrentUser() user: User,
    @CurrentPermissions() perms: RoomPermissions,
    @Param('id') id: string,
    @JsonBody() body: unknown,
  ) {
    return this.posting.edit(room, user, perms, pathId(id), parseMessageContent(body));
  }

  /**
   * `DELETE /room/:token/message/:id`: by its author or a moderator. 200 `{}`; 401; 403 without
   * write or someone else's message; 404 missing or already deleted.
   */
  @Delete('message/:id')
  @RequireUser()
  @RoomAccess('write')
  @ParamFormats({ id: 'int' })
  delete(
    @CurrentRoom() room: Room,
    @CurrentUser() user: User,
    @CurrentPermissions() perms: RoomPermissions,
    @Param('id') id: string,
  ) {
    return this.deletion.deleteOne(room, user, perms, pathId(id));
  }

  /**
   * `DELETE /room/:token/all/:sid`: every message of `:sid` in the room, by that user or a
   * moderator (an admin's only by an admin). 200 `{}`; 401; 403; 404 unknown user, nothing to
   * delete, or `:sid` not a Session ID accepted here.
   */
  @Delete('all/:sid')
  @RequireUser()
  @ParamFormats({ sid: 'sid' })
  deleteAll(@CurrentRoom() room: Room, @CurrentUser() user: User, @Param('sid') sid: string) {
    return this.deletion.deleteAllOf(room, user, sid);
  }
}
