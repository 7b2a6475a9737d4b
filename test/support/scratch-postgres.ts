import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** The machine's PostgreSQL programs (Debian layout), newest version first. */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const [version] = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  return path.join(root, version, 'bin');
}

/** Runs a PostgreSQL program as the `postgres` user when we are root (it refuses root). */
function pg(program: string, args: string[]): string {
  const cmd = path.join(binDir(), program);
  const asRoot = process.getuid?.() === 0;
  return execFileSync(
    asRoot ? 'runuser' : cmd,
    asRoot ? ['-u', 'postgres', '--', cmd, ...args] : args,
    {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

/**
 * A throwaway PostgreSQL cluster of its own, on its own port, that a test may stop and start
 * (a real restart: clients see the server's own shutdown and start-up errors) without touching
 * the machine's shared server.
 */
export class ScratchPostgres {
  private constructor(
    private readonly dir: string,
    readonly port: number,
  ) {}

  static create(port: number): ScratchPostgres {
    const dir = mkdtempSync(path.join(tmpdir(), 'tsogs-scratch-pg-'));
    chmodSync(dir, 0o777);
    const cluster = new ScratchPostgres(dir, port);
    pg('initdb', ['-D', cluster.dataDir, '-A', 'trust', '-U', 'postgres', '--encoding=UTF8']);
    cluster.start();
    return cluster;
  }

  private get dataDir(): string {
    return path.join(this.dir, 'data');
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  start(): void {
    const opts = `-p ${this.port} -c listen_addresses=127.0.0.1 -k ${this.dir}`;
    pg('pg_ctl', ['-D', this.dataDir, '-o', opts, '-l', path.join(this.dir, 'log'), '-w', 'start']);
  }

  /** Fast shutdown: sessions are ended with the server's admin-shutdown error. */
  stop(): void {
    pg('pg_ctl', ['-D', this.dataDir, '-m', 'fast', '-w', 'stop']);
  }

  destroy(): void {
    try {
      this.stop();
    } catch {
      // already stopped
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
