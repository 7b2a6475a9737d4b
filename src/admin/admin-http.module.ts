import {
  Inject,
  Injectable,
  Module,
  type DynamicModule,
  type INestApplicationContext,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { AdminBansController } from './admin-bans.controller';
import { AdminExceptionFilter } from './admin-exception.filter';
import { AdminMessagesController } from './admin-messages.controller';
import { AdminModeratorsController } from './admin-moderators.controller';
import { AdminPermissionsController } from './admin-permissions.controller';
import { AdminRoomsController } from './admin-rooms.controller';
import { AdminServerController } from './admin-server.controller';
import { AdminTokenGuard } from './admin-token.guard';
import { adminValidationPipe } from './admin-validation.pipe';
import { ADMIN_SERVICES } from './admin.module';

const SERVICES_CONTEXT = Symbol('AdminServicesContext');

/** Every controller of the admin listener (and nothing else: see AdminModule). */
export const ADMIN_CONTROLLERS = [
  AdminRoomsController,
  AdminModeratorsController,
  AdminBansController,
  AdminPermissionsController,
  AdminMessagesController,
  AdminServerController,
];

/** Closes the services context (AdminModule) with the HTTP app. */
@Injectable()
class ServicesContextLifetime implements OnApplicationShutdown {
  constructor(@Inject(SERVICES_CONTEXT) private readonly services: INestApplicationContext) {}

  async onApplicationShutdown(): Promise<void> {
    await this.services.close();
  }
}

/**
 * The admin HTTP app: only the admin controllers, behind the bearer-token guard, with DTO
 * validation and the JSON error filter. Services come from the AdminModule context.
 */
@Module({})
export class AdminHttpModule {
  static forRoot(services: INestApplicationContext): DynamicModule {
    return {
      module: AdminHttpModule,
      controllers: ADMIN_CONTROLLERS,
      providers: [
        ...ADMIN_SERVICES.map((type) => ({ provide: type, useValue: services.get(type) })),
        { provide: SERVICES_CONTEXT, useValue: services },
        ServicesContextLifetime,
        { provide: APP_GUARD, useClass: AdminTokenGuard },
        { provide: APP_FILTER, useClass: AdminExceptionFilter },
        { provide: APP_PIPE, useValue: adminValidationPipe() },
      ],
    };
  }
}
