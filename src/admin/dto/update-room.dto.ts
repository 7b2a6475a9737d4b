import {
  IsInt,
  IsOptional,
  IsString,
  MaxLength,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { RoomDefaultsDto } from './room-defaults.dto';

/**
 * `PATCH /rooms/:token`: only the fields to change, as the SOGS `PUT /room/:token` takes them;
 * `description: null` removes the description, `image` is a live upload of the room.
 */
export class UpdateRoomDto extends RoomDefaultsDto {
  @ValidateIf((o: UpdateRoomDto) => o.name !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  name?: string;

  @IsOptional() @IsString() @MaxLength(10000) description?: string | null;

  @ValidateIf((o: UpdateRoomDto) => o.image !== undefined)
  @IsInt()
  @Min(1)
  image?: number;
}
