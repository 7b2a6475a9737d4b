import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { loadConfig, ConfigError } from './config/env.schema';
import { loadOrCreateKeyFile } from './config/server-keys';
import { sodiumReady } from './crypto/sodium';
import { openDatabase } from './db/open-database';
import { createApp } from './app.factory';
import { RoomsRepository } from './rooms/rooms.repository';
import { joinUrl } from './rooms/join-url';

const NEST_LEVELS = ['fatal', 'error', 'warn', 'log', 'debug'] as const;
const NEST_LEVEL_OF = { error: 'error', warn: 'warn', info: 'log', debug: 'debug' } as const;

async function main(): Promise<void> {
  const config = loadConfig();
  const levels = NEST_LEVELS.slice(0, NEST_LEVELS.indexOf(NEST_LEVEL_OF[config.log.level]) + 1);
  Logger.overrideLogger([...levels]);
  const logger = new Logger('tsogs');
  await sodiumReady();
  const keys = loadOrCreateKeyFile(config.keyFile);
  const db = await openDatabase(config, (line) => logger.debug(line));
  const app = await createApp({ config, keys, database: db.database });
  await app.listen(config.http.port, config.http.host);

  const rooms = await app.get(RoomsRepository).list();
  const lines = [
    `tsogs listening on ${config.http.host}:${config.http.port}` +
      (db.embedded ? ' (embedded PostgreSQL in the data directory)' : ''),
    `base URL:   ${config.http.baseUrl}`,
    `public key: ${keys.publicKeyHex}`,
    config.http.direct
      ? 'direct HTTP access: enabled'
      : 'direct HTTP access: off (onion requests only)',
    rooms.length
      ? 'rooms:'
      : 'no rooms yet: create one with  npx tsogs --add-room TOKEN --name NAME',
    ...rooms.map(
      (r) => `  ${r.token}  ${joinUrl(config.http.baseUrl, r.token, keys.publicKeyHex)}`,
    ),
  ];
  process.stdout.write(lines.join('\n') + '\n');

  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    await app.close();
    await db.close();
    process.exit(0);
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(
    `${err instanceof ConfigError ? err.message : String((err as Error)?.stack ?? err)}\n`,
  );
  process.exit(1);
});
