import { Module } from '@nestjs/common';
import { MessagesRepository } from '../messages/messages.repository';
import { WebController } from './web.controller';
import { WebService } from './web.service';

/** The public web pages: room list, room page, invite QR codes (api.md §9). */
@Module({
  controllers: [WebController],
  providers: [WebService, MessagesRepository],
})
export class WebModule {}
