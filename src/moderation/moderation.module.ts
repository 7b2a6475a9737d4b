import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { BansRepository } from './bans.repository';
import { ModerationController } from './moderation.controller';
import { RoomOverridesService } from './room-overrides.service';
import { UserModerationService } from './user-moderation.service';

/** Bans, roles, per-user permissions and their scheduled changes, with an audit log. */
@Module({
  imports: [MessagesModule],
  controllers: [ModerationController],
  providers: [UserModerationService, RoomOverridesService, BansRepository],
  exports: [UserModerationService, RoomOverridesService],
})
export class ModerationModule {}
