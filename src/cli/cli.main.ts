import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig, ConfigError } from '../config/env.schema';
import { loadOrCreateKeyFile } from '../config/server-keys';
import { sodiumReady } from '../crypto/sodium';
import { CoreModule } from '../app.module';
import { UsersService } from '../users/users.service';
import { CliCommands } from './cli-commands';
import { parseCli, USAGE } from './cli-args';
import { openCliDatabase, pendingMigrations, settleSchema, upgradeRequired } from './cli-database';
import { CliUsageError } from './cli-usage.error';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** Reads one line from standard input, terminal or pipe, as PySOGS's `input()` does. */
function ask(question: string): Promise<string | null> {
  process.stdout.write(question);
  const rl = createInterface({ input: process.stdin });
  return new Promise((resolve) => {
    let answer: string | null = null;
    rl.once('line', (line) => {
      answer = line;
      rl.close();
    });
    rl.once('close', () => resolve(answer));
  });
}

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
  const db = await openCliDatabase(config);
  try {
    if (cmd.kind === 'check-upgrades') {
      const pending = await pendingMigrations(db.dataSource);
      out(pending.length ? upgradeRequired(pending) : 'No database upgrades required.');
      return pending.length ? 5 : 0;
    }
    await sodiumReady();
    const keys = loadOrCreateKeyFile(config.keyFile);
    (await settleSchema(db.dataSource, cmd.kind)).forEach(out);
    Logger.overrideLogger(['error']);
    const ctx = await NestFactory.createApplicationContext(
      CoreModule.forRoot({ config, keys, database: db.database }),
      { logger: ['error'] },
    );
    try {
      await ctx.get(UsersService).prepare();
      return await new CliCommands(ctx, out, ask).run(cmd);
    } finally {
      await ctx.close();
    }
  } finally {
    await db.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof CliUsageError || err instanceof ConfigError) {
      process.stderr.write(`tsogs: ${err.message}\n`);
      if (err instanceof CliUsageError && err.exitCode === 2) {
        process.stderr.write('Run tsogs --help for usage.\n');
      }
      process.exit(err instanceof CliUsageError ? err.exitCode : 1);
    }
    process.stderr.write(`tsogs: ${String((err as Error)?.stack ?? err)}\n`);
    process.exit(1);
  },
);
