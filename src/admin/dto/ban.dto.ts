import { IsNumber, IsOptional, IsPositive } from 'class-validator';

/** `PUT …/bans/:sessionId`: `timeout` seconds until the ban lifts; absent or null: permanent. */
export class BanDto {
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @IsPositive()
  timeout?: number | null;
}
