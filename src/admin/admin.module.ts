import { Module, type DynamicModule } from '@nestjs/common';
import { CoreModule, type AppDeps } from '../app.module';
import { MessagesModule } from '../messages/messages.module';
import { ModerationModule } from '../moderation/moderation.module';
import { RoomsRepository } from '../rooms/rooms.repository';
import { AdminActor } from './admin-actor.service';
import { AdminMessagesService } from './admin-messages.service';
import { AdminModerationService } from './admin-moderation.service';
import { AdminReportsRepository } from './admin-reports.repository';
import { AdminReportsService } from './admin-reports.service';
import { AdminRoomsService } from './admin-rooms.service';
import { AdminTokensRepository } from './admin-tokens.repository';
import { AdminTokensService } from './admin-tokens.service';

/** What the admin controllers, guard and pipes use, all taken from AdminModule. */
export const ADMIN_SERVICES = [
  AdminRoomsService,
  AdminModerationService,
  AdminMessagesService,
  AdminReportsService,
  AdminTokensService,
  RoomsRepository,
];

/**
 * The admin API's services over the server's own modules and shared core. It is booted as an
 * application context, never as an HTTP app: MessagesModule and ModerationModule declare the
 * SOGS controllers, whose routes (`DELETE /rooms/all/:sid`, …) must not exist on the admin
 * listener. AdminHttpModule then serves the admin controllers with these instances.
 */
@Module({})
export class AdminModule {
  static forRoot(deps: AppDeps): DynamicModule {
    return {
      module: AdminModule,
      imports: [CoreModule.forRoot(deps), MessagesModule, ModerationModule],
      providers: [
        AdminActor,
        AdminTokensRepository,
        AdminTokensService,
        AdminRoomsService,
        AdminModerationService,
        AdminMessagesService,
        AdminReportsRepository,
        AdminReportsService,
      ],
    };
  }
}
