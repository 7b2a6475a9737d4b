import { Controller, Delete, HttpCode, Param, Put } from '@nestjs/common';
import type { Room } from '../rooms/room';
import { AdminMessagesService } from './admin-messages.service';
import { AdminRoomPipe } from './admin-room.pipe';
import { MessageIdPipe } from './message-id.pipe';
import { SessionIdPipe } from './session-id.pipe';

/** Deleting messages and pinning them (SOGS `DELETE /room/:token/message/:id`, `…/pin/:id`). */
@Controller('rooms/:token')
export class AdminMessagesController {
  constructor(private readonly messages: AdminMessagesService) {}

  /**
   * `DELETE /rooms/:token/messages/:id`: deletes the message as a moderator would (it becomes a
   * tombstone clients pick up on their next poll). 204; 400 bad id; 404 no such live message.
   */
  @Delete('messages/:id')
  @HttpCode(204)
  deleteOne(@Param('token', AdminRoomPipe) room: Room, @Param('id', MessageIdPipe) id: number) {
    return this.messages.deleteOne(room, id);
  }

  /**
   * `DELETE /rooms/:token/users/:sessionId/messages`: deletes every message of the user in the
   * room and expires their uploads there. 204; 400; 404 unknown user or nothing to delete.
   */
  @Delete('users/:sessionId/messages')
  @HttpCode(204)
  deleteAllOf(
    @Param('token', AdminRoomPipe) room: Room,
    @Param('sessionId', SessionIdPipe) sessionId: string,
  ) {
    return this.messages.deleteAllOf(room, sessionId);
  }

  /** `PUT /rooms/:token/pins/:id`: pins (or re-pins) the message. 200 `{"info_updates": n}`; 404. */
  @Put('pins/:id')
  pin(@Param('token', AdminRoomPipe) room: Room, @Param('id', MessageIdPipe) id: number) {
    return this.messages.pin(room, id);
  }

  /** `DELETE /rooms/:token/pins/:id`: unpins the message. 204; 404 `PIN_NOT_FOUND`. */
  @Delete('pins/:id')
  @HttpCode(204)
  unpin(@Param('token', AdminRoomPipe) room: Room, @Param('id', MessageIdPipe) id: number) {
    return this.messages.unpin(room, id);
  }
}
