import type { LoggerService, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppDeps } from '../app.module';
import { UsersService } from '../users/users.service';
import { AdminHttpModule } from './admin-http.module';
import { AdminModule } from './admin.module';

/** Admin bodies are small JSON objects. */
const ADMIN_BODY_LIMIT = 1_048_576;

/**
 * Builds (and initialises, without listening) the admin REST API: a Nest Fastify app separate
 * from the SOGS one, over the same database and keys, so every change shows in the public API
 * at once. Fastify parses JSON bodies; nothing here is reachable through onion requests.
 */
export async function createAdminApp(
  deps: AppDeps,
  logger: LoggerService | LogLevel[] = ['error', 'warn'],
): Promise<NestFastifyApplication> {
  // abortOnError off: a failure to build is thrown to the caller, not a process.exit().
  const services = await NestFactory.createApplicationContext(AdminModule.forRoot(deps), {
    logger,
    abortOnError: false,
  });
  try {
    // The system user the admin API acts as; the SOGS app may not have started yet.
    await services.get(UsersService).prepare();
    const adapter = new FastifyAdapter({
      logger: false,
      bodyLimit: ADMIN_BODY_LIMIT,
      trustProxy: false,
    });
    const app = await NestFactory.create<NestFastifyApplication>(
      AdminHttpModule.forRoot(services),
      adapter,
      // Fastify's own JSON parser only: no urlencoded bodies (other types are a 415).
      { logger, abortOnError: false, bodyParser: false },
    );
    await app.init();
    return app;
  } catch (err) {
    await services.close();
    throw err;
  }
}
