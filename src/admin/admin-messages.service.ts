import { Injectable } from '@nestjs/common';
import { SogsError } from '../common/sogs-error';
import { MessageDeletionService } from '../messages/message-deletion.service';
import { PinsService } from '../messages/pins.service';
import type { Room } from '../rooms/room';
import { AdminActor } from './admin-actor.service';

/** Message deletion and pins, through the services of the SOGS routes, as the system user. */
@Injectable()
export class AdminMessagesService {
  constructor(
    private readonly deletion: MessageDeletionService,
    private readonly pins: PinsService,
    private readonly actor: AdminActor,
  ) {}

  /** 404 when there is no such live message in the room. */
  async deleteOne(room: Room, id: number): Promise<void> {
    const { user, perms } = await this.actor.permissionsIn(room);
    await this.deletion.deleteOne(room, user, perms, id);
  }

  /** 404 when the user is unknown or has no message left in the room. */
  async deleteAllOf(room: Room, sessionId: string): Promise<void> {
    await this.deletion.deleteAllOf(room, await this.actor.user(), sessionId);
  }

  /** Pins (or re-pins) a message: 404 unless a live message of the room. */
  async pin(room: Room, id: number): Promise<{ info_updates: number }> {
    return this.pins.pin(room, await this.actor.user(), id);
  }

  /** 404 when the message was not pinned. */
  async unpin(room: Room, id: number): Promise<void> {
    const r = await this.pins.unpin(room, await this.actor.user(), id);
    if (!r.unpinned) throw new SogsError(404, 'PIN_NOT_FOUND', `Message ${id} is not pinned`);
  }
}
