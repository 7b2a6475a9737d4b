import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { CurrentRoom, CurrentUser, ParamFormats, Public } from '../auth/route-auth.decorators';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { pathId } from '../common/request-params';
import { PinsService } from './pins.service';

/**
 * Pinned messages (api.md §3). Public routes because the reference answers anonymous callers
 * 403 `Permission denied`, like non-admins, rather than 401. Bodies are ignored.
 */
@Controller('room/:token')
export class PinsController {
  constructor(private readonly pins: PinsService) {}

  /**
   * `POST /room/:token/pin/:id`: pins (or re-pins, moving it last) a regular message.
   * 200 `{info_updates}`; 403 not a room admin; 404 missing, deleted, whisper or filtered.
   */
  @Post('pin/:id')
  @HttpCode(200)
  @Public()
  @ParamFormats({ id: 'int' })
  pin(@CurrentRoom() room: Room, @CurrentUser() user: User | null, @Param('id') id: string) {
    return this.pins.pin(room, user, pathId(id));
  }

  /** `POST /room/:token/unpin/all`: 200 `{unpinned: <count>, info_updates}`; 403. */
  @Post('unpin/all')
  @HttpCode(200)
  @Public()
  unpinAll(@CurrentRoom() room: Room, @CurrentUser() user: User | null) {
    return this.pins.unpinAll(room, user);
  }

  /**
   * `POST /room/:token/unpin/:id`: 200 `{unpinned: bool, info_updates}` (false, counter
   * unchanged, when it was not pinned); 403 not a room admin.
   */
  @Post('unpin/:id')
  @HttpCode(200)
  @Public()
  @ParamFormats({ id: 'int' })
  unpin(@CurrentRoom() room: Room, @CurrentUser() user: User | null, @Param('id') id: string) {
    return this.pins.unpin(room, user, pathId(id));
  }
}
