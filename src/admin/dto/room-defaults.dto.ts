import { IsBoolean, IsOptional } from 'class-validator';

/** Room default permissions, named as in the SOGS room object (`default_read`, …). */
export class RoomDefaultsDto {
  @IsOptional() @IsBoolean() default_read?: boolean;
  @IsOptional() @IsBoolean() default_accessible?: boolean;
  @IsOptional() @IsBoolean() default_write?: boolean;
  @IsOptional() @IsBoolean() default_upload?: boolean;
}
