/** Child processes of the benchmark and what /proc says about them (RSS, CPU time). */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

export class Child {
  private static readonly running = new Set<Child>();
  output = '';

  private constructor(readonly proc: ChildProcess) {
    proc.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    proc.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
  }

  /** Spawns `node args…` and resolves once its output matches `ready`. */
  static async start(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<Child> {
    const child = new Child(spawn(process.execPath, args, { env, stdio: 'pipe' }));
    Child.running.add(child);
    child.proc.once('exit', () => Child.running.delete(child));
    await new Promise<void>((ok, fail) => {
      const timer = setInterval(() => {
        if (ready.test(child.output)) done(ok);
      }, 50);
      const exited = (code: number | null) =>
        done(() =>
          fail(new Error(`${args.join(' ')} exited (${code}):\n${child.output.slice(-3000)}`)),
        );
      const done = (then: () => void) => {
        clearInterval(timer);
        child.proc.off('exit', exited);
        then();
      };
      child.proc.once('exit', exited);
    });
    return child;
  }

  get pid(): number {
    return this.proc.pid!;
  }

  /** This process and its children (cluster workers). */
  pids(): number[] {
    return [this.pid, ...childrenOf(this.pid)];
  }

  /** Stops every child still running (after a failure). */
  static async stopAll(): Promise<void> {
    await Promise.all([...Child.running].map((c) => c.stop()));
  }

  stop(): Promise<void> {
    return new Promise((ok) => {
      if (this.proc.exitCode !== null) return ok();
      this.proc.once('exit', () => ok());
      this.proc.kill('SIGTERM');
    });
  }
}

/** Runs `node args…` to completion; throws with its output on a non-zero exit. */
export function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((ok, fail) => {
    const proc = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (out += d.toString()));
    proc.on('exit', (code) => (code === 0 ? ok(out) : fail(new Error(`${args[0]}: ${out}`))));
  });
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** VmRSS and VmHWM (peak RSS) in MB; zeros once the process is gone. */
export function memoryOf(pid: number): { rssMb: number; peakMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1]);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: 0, peakMb: 0 };
  }
}

/** User + system CPU seconds a process has used so far. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
  } catch {
    return 0;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores) since boot. */
export function machineCpu(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const t = line.split(/\s+/).slice(1).map(Number);
  const total = t.reduce((a, b) => a + b, 0);
  const idle = t[3] + t[4]; // idle + iowait
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

/** PostgreSQL backends serving database `db` (their title is `postgres: … <user> <db> …`). */
export function pgBackendPids(db: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (title.startsWith('postgres: ') && title.includes(` ${db} `)) pids.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}
