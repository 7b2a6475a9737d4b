import { Injectable, type PipeTransform } from '@nestjs/common';
import { SogsError } from '../common/sogs-error';

const SESSION_ID = /^[01]5[0-9a-f]{64}$/i;

/**
 * A `:sessionId` path parameter: a Session ID (`05…`) or a blinded one (`15…`), lowercased.
 * Actions on a `05` ID follow the person to their blinded ID (UsersService.resolveTarget).
 */
@Injectable()
export class SessionIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SESSION_ID.test(value)) {
      throw new SogsError(
        400,
        'INVALID_SESSION_ID',
        'sessionId must be 66 hex digits starting 05 or 15',
      );
    }
    return value.toLowerCase();
  }
}
