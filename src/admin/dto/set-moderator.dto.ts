import { IsBoolean, IsOptional } from 'class-validator';

/**
 * `PUT …/moderators/:sessionId`: the role to hold. `admin` defaults to false (a moderator);
 * `visible` to true in a room and false globally, as `tsogs --add-moderators` does.
 */
export class SetModeratorDto {
  @IsOptional() @IsBoolean() admin?: boolean;
  @IsOptional() @IsBoolean() visible?: boolean;
}
