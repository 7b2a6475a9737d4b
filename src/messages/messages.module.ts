import { Module } from '@nestjs/common';
import { FileAttachmentsRepository } from '../files/file-attachments.repository';
import { ContentFilterService } from './content-filter.service';
import { FilterBotService } from './filter-bot.service';
import { MessageDeletionService } from './message-deletion.service';
import { MessagePostingService } from './message-posting.service';
import { MessageReadsService } from './message-reads.service';
import { MessagesController } from './messages.controller';
import { MessagesRepository } from './messages.repository';
import { PinnedMessagesRepository } from './pinned-messages.repository';
import { PinsController } from './pins.controller';
import { PinsService } from './pins.service';
import { ReactionsController } from './reactions.controller';
import { ReactionsRepository } from './reactions.repository';
import { ReactionsService } from './reactions.service';

/** Posting, polling, editing, deleting, whispers, pins and reactions. */
@Module({
  controllers: [MessagesController, ReactionsController, PinsController],
  providers: [
    MessagesRepository,
    ReactionsRepository,
    PinnedMessagesRepository,
    FileAttachmentsRepository,
    ContentFilterService,
    FilterBotService,
    MessageReadsService,
    MessagePostingService,
    MessageDeletionService,
    ReactionsService,
    PinsService,
  ],
  exports: [MessageDeletionService, PinsService, MessagesRepository, MessageReadsService],
})
export class MessagesModule {}
