import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadOrCreateKeyFile, type ServerKeys } from '../../src/config/server-keys';
import { runImport } from '../../src/import/import.main';
import { SessionIdentity } from './client-crypto';
import { adminQuery, createTestDatabase, urlFor } from './test-database';

/** The PySOGS snapshots of shared/fixtures (see its README), beside the repository. */
export const FIXTURES_DIR =
  process.env.TSOGS_FIXTURES_DIR ?? path.resolve(__dirname, '../../../shared/fixtures');

/** A JSON value of the manifest; tests read it by the fixtures README's field names. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface Person {
  key: string;
  role: string;
  mode: 'blinded' | 'unblinded';
  session_id: string;
  blinded_id: string;
  id_on_server: string;
  ed25519_seed: string;
}

export const identityOf = (p: Person) => new SessionIdentity(Buffer.from(p.ed25519_seed, 'hex'));

/** A fixture ready to import: `from` is the SQLite file or the URL of a freshly loaded dump. */
export interface PysogsFixture {
  dir: string;
  from: string;
  manifest: Json;
  person(key: string): Person;
  personOnServer(sessionId: string): Person;
  drop(): Promise<void>;
}

export async function openFixture(name: string): Promise<PysogsFixture> {
  const dir = path.join(FIXTURES_DIR, name);
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Json;
  const people = manifest.record.people as Person[];
  const find = (f: (p: Person) => boolean, what: string) => {
    const p = people.find(f);
    if (!p) throw new Error(`${name}: no person ${what}`);
    return p;
  };
  const base = {
    dir,
    manifest,
    person: (key: string) => find((p) => p.key === key, key),
    personOnServer: (id: string) => find((p) => p.id_on_server === id, id),
  };
  const sqlite = path.join(dir, 'sogs.db');
  // Read straight from shared/ (read-only in CI): the importer copies the WAL database itself.
  if (existsSync(sqlite)) return { ...base, from: sqlite, drop: async () => undefined };
  const db = `pysogs_${process.pid}_${randomBytes(4).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${db}`);
  execFileSync('psql', ['-q', '-v', 'ON_ERROR_STOP=1', '-d', urlFor(db), '-f', 'sogs.sql'], {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return {
    ...base,
    from: urlFor(db),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`),
  };
}

/** A fresh tsogs database and data directory with the fixture imported into them. */
export interface ImportedFixture {
  databaseUrl: string;
  dataDir: string;
  keys: ServerKeys;
  output: string;
  drop(): Promise<void>;
}

export async function importFixture(
  fx: PysogsFixture,
  extraArgs: string[] = [],
): Promise<ImportedFixture> {
  const target = await createTestDatabase();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'tsogs-imported-'));
  const { code, output } = await runImportCaptured(
    [
      '--from-pysogs',
      fx.from,
      '--uploads',
      path.join(fx.dir, 'uploads'),
      '--key',
      path.join(fx.dir, 'key_x25519'),
      ...extraArgs,
    ],
    { TSOGS_DATA_DIR: dataDir, DATABASE_URL: target.url },
  );
  if (code !== 0) throw new Error(`import failed (${code}):\n${output}`);
  return {
    databaseUrl: target.url,
    dataDir,
    keys: loadOrCreateKeyFile(path.join(dataDir, 'key_x25519')),
    output,
    drop: async () => {
      await target.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Runs `tsogs import …` in-process, collecting stdout and stderr (no terminal: plain lines). */
export async function runImportCaptured(
  argv: string[],
  env: Record<string, string>,
): Promise<{ code: number; output: string; stdout: string }> {
  let output = '';
  let stdout = '';
  const code = await runImport(argv, {
    env,
    stdout: { write: (t: string) => ((stdout += t), (output += t)) },
    stderr: { write: (t: string) => (output += t) },
  });
  return { code, output, stdout };
}
