import type { LoggerService } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '../config/app-config';
import type { ServerKeys } from '../config/server-keys';
import type { Database } from '../db/database';
import { createApp } from '../app.factory';

/** Builds the app on an open database and listens; with cluster workers the port is shared. */
export async function listen(
  config: AppConfig,
  keys: ServerKeys,
  database: Database,
  logger: LoggerService,
): Promise<NestFastifyApplication> {
  const app = await createApp({ config, keys, database }, logger);
  await app.listen(config.http.port, config.http.host);
  return app;
}

/** Runs `stop` once on SIGINT or SIGTERM, then exits. */
export function onShutdown(stop: () => Promise<void>): void {
  let closing = false;
  const handler = async () => {
    if (closing) return;
    closing = true;
    await stop();
    process.exit(0);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
