import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/** The built server (`node dist/src/main.js`) as a child process, as a host runs it. */
export class ServerProcess {
  output = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  /** Starts the server and resolves once it prints its listening line. */
  static async start(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/src/main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    });
    const server = new ServerProcess(child);
    await server.waitFor(/^tsogs listening/m, timeoutMs);
    return server;
  }

  waitFor(pattern: RegExp, timeoutMs = 30_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${pattern}; output:\n${this.output}`));
      }, timeoutMs);
      const check = () => {
        if (pattern.test(this.output)) {
          cleanup();
          resolve();
        }
      };
      const exited = (code: number | null) => {
        cleanup();
        reject(new Error(`server exited (${code}) before ${pattern}; output:\n${this.output}`));
      };
      const cleanup = () => {
        clearTimeout(timer);
        this.child.stdout.off('data', check);
        this.child.off('exit', exited);
      };
      this.child.stdout.on('data', check);
      this.child.once('exit', exited);
      check();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: no shutdown code runs at all, as in a power cut or the OOM killer. */
  kill(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.running) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGKILL');
    });
  }

  /** Sends SIGTERM and waits for a clean exit. */
  stop(): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve(this.child.exitCode);
      this.child.once('exit', (code) => resolve(code));
      this.child.kill('SIGTERM');
    });
  }
}

/** Runs the operator CLI (`node bin/tsogs.js …`) to completion. */
export function runCli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/tsogs.js'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.stdin.end();
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
