import { Clock } from '../common/clock';
import { SogsError } from '../common/sogs-error';
import { ConfigError, loadConfig } from '../config/env.schema';
import { openCliDatabase, settleSchema } from '../cli/cli-database';
import { CliUsageError } from '../cli/cli-usage.error';
import { AdminTokensRepository } from './admin-tokens.repository';
import { AdminTokensService } from './admin-tokens.service';

export const ADMIN_TOKEN_USAGE = `Usage: tsogs admin-token COMMAND

Manages the bearer tokens of the admin REST API (TSOGS_ADMIN_SOCKET, TSOGS_ADMIN_PORT).
Only a hash of each token is stored: a token is printed once, when created or rotated.

  create NAME   create a token and print it
  rotate NAME   replace the token with a new one and print it; the old one stops working
  list          list token names and creation times
  revoke NAME   delete the token`;

/** Where the command writes, and the environment it reads (process.env and sogs.ini if unset). */
export interface AdminTokenIo {
  out(line: string): void;
  err(line: string): void;
  env?: Record<string, string | undefined>;
}

const processIo: AdminTokenIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

type Command = { verb: 'create' | 'rotate' | 'revoke'; name: string } | { verb: 'list' };

function parse(argv: string[]): Command | null {
  const [verb, name, ...rest] = argv;
  if (rest.length) return null;
  if (verb === 'list') return name === undefined ? { verb } : null;
  if (verb === 'create' || verb === 'rotate' || verb === 'revoke') {
    return name === undefined ? null : { verb, name };
  }
  return null;
}

async function execute(cmd: Command, tokens: AdminTokensService, io: AdminTokenIo) {
  switch (cmd.verb) {
    case 'create':
      io.out(await tokens.create(cmd.name));
      io.err(`Created admin token '${cmd.name}'; it is not shown again.`);
      break;
    case 'rotate':
      io.out(await tokens.rotate(cmd.name));
      io.err(`Rotated admin token '${cmd.name}'; the previous token no longer works.`);
      break;
    case 'revoke':
      await tokens.revoke(cmd.name);
      io.out(`Revoked admin token '${cmd.name}'.`);
      break;
    case 'list': {
      const all = await tokens.list();
      if (!all.length) io.out('No admin tokens.');
      for (const t of all) {
        io.out(`${t.name}\tcreated ${new Date(t.created * 1000).toISOString()}`);
      }
      break;
    }
  }
}

/**
 * `tsogs admin-token create|rotate|list|revoke`: the same AdminTokensService the admin API's
 * guard uses, on the database the CLI opens (and with its schema rules: an outdated schema
 * exits 5). Resolves to the exit status: 0, 1 on failure, 2 on a bad command line.
 */
export async function runAdminToken(argv: string[], io: AdminTokenIo = processIo): Promise<number> {
  if (argv.length === 1 && ['-h', '--help', 'help'].includes(argv[0])) {
    io.out(ADMIN_TOKEN_USAGE);
    return 0;
  }
  const cmd = parse(argv);
  if (!cmd) {
    io.err(ADMIN_TOKEN_USAGE);
    return 2;
  }
  try {
    const config = loadConfig(io.env);
    const db = await openCliDatabase(config);
    try {
      // An ordinary command as far as the schema goes: an empty database gets one.
      await settleSchema(db.dataSource, 'list-rooms');
      await execute(
        cmd,
        new AdminTokensService(new AdminTokensRepository(db.database), new Clock()),
        io,
      );
      return 0;
    } finally {
      await db.close();
    }
  } catch (err) {
    if (err instanceof SogsError || err instanceof ConfigError || err instanceof CliUsageError) {
      io.err(`tsogs: ${err.message}`);
      return err instanceof CliUsageError ? err.exitCode : 1;
    }
    throw err;
  }
}
