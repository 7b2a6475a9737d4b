import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import type { Room } from '../rooms/room';
import { AdminRoomPipe } from './admin-room.pipe';
import { AdminRoomsService } from './admin-rooms.service';
import { CreateRoomDto } from './dto/create-room.dto';
import { UpdateRoomDto } from './dto/update-room.dto';

/** Rooms (`tsogs --add-room`, `-L`, `--rooms … --name`, `--delete-room` over HTTP). */
@Controller('rooms')
export class AdminRoomsController {
  constructor(private readonly rooms: AdminRoomsService) {}

  /** `GET /rooms`: every room with its settings, join URL and stats, sorted by token. 200. */
  @Get()
  list() {
    return this.rooms.list();
  }

  /**
   * `POST /rooms` {@link CreateRoomDto}: 201 the new room; 400 invalid body; 409 `ROOM_EXISTS`
   * when the token is taken (tokens compare case-insensitively).
   */
  @Post()
  create(@Body() dto: CreateRoomDto) {
    return this.rooms.create(dto);
  }

  /** `GET /rooms/:token`: the room with its stats. 200; 404 `ROOM_NOT_FOUND`. */
  @Get(':token')
  get(@Param('token', AdminRoomPipe) room: Room) {
    return this.rooms.get(room);
  }

  /**
   * `PATCH /rooms/:token` {@link UpdateRoomDto}: changes name, description, image or default
   * permissions at once, as SOGS `PUT /room/:token` does (same cleaning, `info_updates` bump and
   * audit entry). 200 the room; 400 invalid or empty body; 404; 406 `NO_SUCH_FILE` for an image
   * that is not a live upload of the room.
   */
  @Patch(':token')
  update(@Param('token', AdminRoomPipe) room: Room, @Body() dto: UpdateRoomDto) {
    return this.rooms.update(room, dto);
  }

  /** `DELETE /rooms/:token`: deletes the room and its messages; uploads expire. 204; 404. */
  @Delete(':token')
  @HttpCode(204)
  delete(@Param('token', AdminRoomPipe) room: Room) {
    return this.rooms.delete(room);
  }
}
