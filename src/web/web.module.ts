import { Module } from '@nestjs/common';
import { MessagesModule } from '../messages/messages.module';
import { WebController } from './web.controller';
import { WebService } from './web.service';

/** The public web pages: room list, room page, invite QR codes (api.md §9). */
@Module({
  imports: [MessagesModule],
  controllers: [WebController],
  providers: [WebService],
})
export class WebModule {}
