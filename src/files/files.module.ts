import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.tokens';
import { FileStorage } from './file-storage';
import { FilesController } from './files.controller';
import { FilesService } from './files.service';
import { storageFor } from './storage-for';

/** Room uploads: routes, expiry, and the storage behind them. */
@Global()
@Module({
  controllers: [FilesController],
  providers: [
    FilesService,
    {
      provide: FileStorage,
      inject: [APP_CONFIG],
      useFactory: storageFor,
    },
  ],
  exports: [FilesService],
})
export class FilesModule {}
