import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config/env.schema';
import { loadOrCreateKeyFile, ServerKeys } from '../config/server-keys';
import { sodiumReady } from '../crypto/sodium';
import { openDatabase } from '../db/open-database';
import { storageFor } from '../files/storage-for';
import { KeyInstall, readPysogsKey } from './key-file';
import { Progress, type ProgressStream } from './progress';
import { PysogsImporter } from './pysogs-importer';
import { openPysogsSource } from './pysogs-source';
import { ImportError } from './user-map';

export const IMPORT_USAGE = `Usage: tsogs import --from-pysogs <sogs.db | postgres://…> [options]

Copies a PySOGS server (rooms, users, messages with their history, pins, reactions, files,
permissions, scheduled changes, bans, DMs) into this tsogs database in one transaction, keeping
ids and sequence numbers so Session clients carry on where they were. Stop PySOGS first.

  --from-pysogs SRC  PySOGS's SQLite file (sogs.db) or PostgreSQL URL
  --uploads DIR      PySOGS's uploads directory (default: uploads/ beside sogs.db, or in the
                     current directory for PostgreSQL)
  --key FILE         PySOGS's key_x25519, installed as this server's key so the public key in
                     room URLs stays the same (default: key_x25519 beside sogs.db, if there)
  --force            replace rooms, users and messages the tsogs database already holds`;

interface ImportArgs {
  help: boolean;
  from?: string;
  uploads?: string;
  key?: string;
  force: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): ImportArgs {
  const args: ImportArgs = { help: false, force: false };
  const rest = argv[0] === 'import' ? argv.slice(1) : argv;
  const values = { '--from-pysogs': 'from', '--uploads': 'uploads', '--key': 'key' } as const;
  for (let i = 0; i < rest.length; i++) {
    const [flag, inline] = rest[i].startsWith('--') ? rest[i].split(/=(.*)/s, 2) : [rest[i]];
    if (flag === '--help' || flag === '-h') args.help = true;
    else if (flag === '--force') args.force = true;
    else if (flag in values) {
      const name = values[flag as keyof typeof values];
      const value = inline ?? rest[++i];
      if (value === undefined || value === '') throw new UsageError(`${flag} needs a value`);
      if (args[name] !== undefined) throw new UsageError(`${flag} given twice`);
      args[name] = value;
    } else throw new UsageError(`unknown argument ${JSON.stringify(rest[i])}`);
  }
  if (!args.help && !args.from) throw new UsageError('--from-pysogs is required');
  return args;
}

export interface ImportIo {
  env: Record<string, string | undefined>;
  stdout: { write(text: string): unknown };
  stderr: ProgressStream;
}

/**
 * `tsogs import --from-pysogs …`: returns the exit code (0 done, 1 refused or failed); prints
 * progress on stderr and the summary on stdout.
 */
export async function runImport(argv: string[], io: ImportIo = processIo()): Promise<number> {
  const fail = (message: string) => {
    io.stderr.write(`tsogs import: ${message}\n`);
    return 1;
  };
  let args: ImportArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    return fail(`${(err as Error).message}\n\n${IMPORT_USAGE}`);
  }
  if (args.help) {
    io.stdout.write(`${IMPORT_USAGE}\n`);
    return 0;
  }
  try {
    return await importPysogs(args as ImportArgs & { from: string }, io);
  } catch (err) {
    if (err instanceof ImportError || err instanceof ConfigError) return fail(err.message);
    return fail(String((err as Error)?.stack ?? err));
  }
}

async function importPysogs(args: ImportArgs & { from: string }, io: ImportIo): Promise<number> {
  const config = loadConfig(io.env);
  await sodiumReady();
  const source = await openPysogsSource(args.from).catch((err: Error) => {
    throw new ImportError(err.message);
  });
  try {
    const besideDb = path.join(source.defaultBaseDir, 'key_x25519');
    const keyFile =
      args.key ?? (source.kind === 'sqlite' && existsSync(besideDb) ? besideDb : undefined);
    const keyBytes = keyFile ? readPysogsKey(keyFile) : null;
    const keys = keyBytes ? ServerKeys.fromPrivate(keyBytes) : loadOrCreateKeyFile(config.keyFile);
    const install = keyBytes ? new KeyInstall(config.keyFile, keyBytes) : null;
    const progress = new Progress(io.stderr);
    progress.note(
      `server key: ${keyFile ?? `${config.keyFile} (no PySOGS key given)`}, ` +
        `public key ${keys.publicKeyHex}`,
    );
    const db = await openDatabase(config, (line) => progress.note(line));
    try {
      const importer = new PysogsImporter(source, db.database, storageFor(config), progress, {
        force: args.force,
        uploadsDir: args.uploads ?? null,
        keys,
        requireSameKey: keyBytes !== null,
        now: Date.now() / 1000,
        dmExpiry: config.dms.expiry,
        beforeCommit: async () => install?.install(),
      });
      const report = await importer.run().catch((err: unknown) => {
        install?.rollback();
        throw err;
      });
      io.stdout.write(`${report.format(source.description)}\n`);
      return 0;
    } finally {
      await db.close();
    }
  } finally {
    await source.close();
  }
}

function processIo(): ImportIo {
  return { env: process.env, stdout: process.stdout, stderr: process.stderr };
}
