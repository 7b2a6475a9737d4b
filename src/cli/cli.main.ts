import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, ConfigError } from '../config/env.schema';
import { loadOrCreateKeyFile } from '../config/server-keys';
import { sodiumReady } from '../crypto/sodium';
import { openDatabase } from '../db/open-database';
import { CoreModule } from '../app.module';
import { UsersService } from '../users/users.service';
import { CliCommands } from './cli-commands';
import { CliUsageError, parseCli, USAGE } from './cli-args';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** `tsogs …`: operator commands on the same database and key as the server. */
async function main(argv: string[]): Promise<number> {
  const cmd = parseCli(argv);
  if (cmd.kind === 'help') {
    out(USAGE);
    return 0;
  }
  if (cmd.kind === 'version') {
    const pkg = JSON.parse(readFileSync(path.join(__dirname, '../../../package.json'), 'utf8'));
    out(`tsogs ${(pkg as { version: string }).version}`);
    return 0;
  }
  const config = loadConfig();
  await sodiumReady();
  const keys = loadOrCreateKeyFile(config.keyFile);
  Logger.overrideLogger(['error']);
  const db = await openDatabase(config, () => undefined);
  const ctx = await NestFactory.createApplicationContext(
    CoreModule.forRoot({ config, keys, database: db.database }),
    { logger: ['error'] },
  );
  try {
    await ctx.get(UsersService).prepare();
    await new CliCommands(ctx, out).run(cmd);
  } finally {
    await ctx.close();
    await db.close();
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof CliUsageError || err instanceof ConfigError) {
      process.stderr.write(`tsogs: ${err.message}\n`);
      if (err instanceof CliUsageError) process.stderr.write('Run tsogs --help for usage.\n');
    } else {
      process.stderr.write(`tsogs: ${String((err as Error)?.stack ?? err)}\n`);
    }
    process.exit(1);
  },
);
