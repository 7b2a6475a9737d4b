import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { AppConfig } from './config/app-config';
import { APP_CONFIG } from './config/config.tokens';
import { ServerKeys } from './config/server-keys';
import { Clock } from './common/clock';
import { SogsExceptionFilter } from './common/sogs-exception.filter';
import { Database } from './db/database';
import { AuthService } from './auth/auth.service';
import { NonceRepository } from './auth/nonce.repository';
import { SogsGuard } from './auth/sogs.guard';
import { UsersRepository } from './users/users.repository';
import { UsersService } from './users/users.service';
import { OverridesRepository } from './moderation/overrides.repository';
import { RoomPermissionsService } from './moderation/room-permissions.service';
import { ModeratorsService } from './moderation/moderators.service';
import { RoomsRepository } from './rooms/rooms.repository';
import { PinsRepository } from './rooms/pins.repository';
import { ActivityRepository } from './rooms/activity.repository';
import { RoomsService } from './rooms/rooms.service';
import { RoomsController } from './rooms/rooms.controller';
import { CapabilitiesController } from './rooms/capabilities.controller';
import { Dispatcher } from './onion/dispatcher';
import { OnionService } from './onion/onion.service';
import { OnionController } from './onion/onion.controller';
import { BatchController } from './onion/batch.controller';
import { PollSnapshotRepository } from './onion/poll-snapshot.repository';
import { InProcessLane } from './onion/in-process-lane';
import { RoomStatsRepository } from './cli/room-stats.repository';
import { MessagesModule } from './messages/messages.module';
import { FilesModule } from './files/files.module';
import { DmsModule } from './dms/dms.module';
import { ModerationModule } from './moderation/moderation.module';
import { WebModule } from './web/web.module';
import { FuturesRepository } from './moderation/futures.repository';
import { ModerationLogRepository } from './moderation/moderation-log.repository';
import { RoomSequenceRepository } from './messages/room-sequence.repository';
import { FilesRepository } from './files/files.repository';
import { MaintenanceRepository } from './maintenance/maintenance.repository';
import { MaintenanceService } from './maintenance/maintenance.service';
import { RouteTable } from './common/route-table';
import { HealthController } from './health/health.controller';
import { HealthRepository } from './health/health.repository';
import { MetricsRepository } from './metrics/metrics.repository';
import { MetricsService } from './metrics/metrics.service';

export interface AppDeps {
  config: AppConfig;
  keys: ServerKeys;
  database: Database;
  clock?: Clock;
}

/** Services usable without the HTTP layer (the CLI builds an application context on these). */
const SERVICES = [
  UsersRepository,
  UsersService,
  OverridesRepository,
  RoomPermissionsService,
  ModeratorsService,
  RoomsRepository,
  PinsRepository,
  ActivityRepository,
  RoomsService,
  NonceRepository,
  AuthService,
  RoomStatsRepository,
  MaintenanceRepository,
  FilesRepository,
  FuturesRepository,
  ModerationLogRepository,
  RoomSequenceRepository,
  MetricsRepository,
];

/** Configuration, keys, database and clock, shared by every module. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(deps: AppDeps): DynamicModule {
    const providers = [
      { provide: APP_CONFIG, useValue: deps.config },
      { provide: ServerKeys, useValue: deps.keys },
      { provide: Database, useValue: deps.database },
      { provide: Clock, useValue: deps.clock ?? new Clock() },
      ...SERVICES,
    ];
    return { module: CoreModule, providers, exports: providers };
  }
}

@Module({})
export class AppModule {
  static forRoot(deps: AppDeps): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CoreModule.forRoot(deps),
        FilesModule,
        MessagesModule,
        DmsModule,
        ModerationModule,
        WebModule,
      ],
      controllers: [
        CapabilitiesController,
        RoomsController,
        BatchController,
        OnionController,
        HealthController,
      ],
      providers: [
        Dispatcher,
        InProcessLane,
        PollSnapshotRepository,
        OnionService,
        MaintenanceService,
        RouteTable,
        HealthRepository,
        MetricsService,
        { provide: APP_GUARD, useClass: SogsGuard },
        SogsExceptionFilter,
        { provide: APP_FILTER, useExisting: SogsExceptionFilter },
      ],
    };
  }
}
