import { Injectable, type PipeTransform } from '@nestjs/common';
import { SogsError } from '../common/sogs-error';
import type { Room } from '../rooms/room';
import { RoomsRepository } from '../rooms/rooms.repository';

/** Turns a `:token` path parameter into its Room (tokens match case-insensitively), else 404. */
@Injectable()
export class AdminRoomPipe implements PipeTransform<string, Promise<Room>> {
  constructor(private readonly rooms: RoomsRepository) {}

  async transform(token: string): Promise<Room> {
    const room = await this.rooms.findByToken(token);
    if (!room) throw new SogsError(404, 'ROOM_NOT_FOUND', `No such room: ${token}`);
    return room;
  }
}
