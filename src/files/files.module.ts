import { Global, Module } from '@nestjs/common';
import path from 'node:path';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { FileStorage } from './file-storage';
import { FilesController } from './files.controller';
import { FilesService } from './files.service';
import { LocalFileStorage } from './local-file-storage';

/** Room uploads: routes, expiry, and the storage behind them. */
@Global()
@Module({
  controllers: [FilesController],
  providers: [
    FilesService,
    {
      provide: FileStorage,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) =>
        new LocalFileStorage(path.resolve(config.dataDir, config.files.uploadsDir)),
    },
  ],
  exports: [FilesService],
})
export class FilesModule {}
