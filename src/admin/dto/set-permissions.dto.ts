import { IsBoolean, IsOptional } from 'class-validator';

/**
 * `PUT /rooms/:token/permissions/:sessionId`: per-user overrides. true grants, false denies,
 * null clears (back to the room default); a permission left out is unchanged.
 */
export class SetPermissionsDto {
  @IsOptional() @IsBoolean() read?: boolean | null;
  @IsOptional() @IsBoolean() accessible?: boolean | null;
  @IsOptional() @IsBoolean() write?: boolean | null;
  @IsOptional() @IsBoolean() upload?: boolean | null;
}
