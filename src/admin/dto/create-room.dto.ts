import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ROOM_TOKEN } from '../../rooms/room';
import { RoomDefaultsDto } from './room-defaults.dto';

/** `POST /rooms`: a new room; defaults left out are on. */
export class CreateRoomDto extends RoomDefaultsDto {
  @Matches(ROOM_TOKEN, { message: 'token must be 1 to 64 letters, digits, "_" or "-"' })
  token!: string;

  @IsString() @MinLength(1) @MaxLength(1000) name!: string;

  @IsOptional() @IsString() @MaxLength(10000) description?: string | null;
}
