/** Latency summaries and per-phase CPU, memory and database work of the processes under test. */
import type { Client } from 'pg';
import { cpuSecondsOf, machineCpu, memoryOf, pgBackendPids } from './procs';

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export function summary(values: number[]): Summary {
  const s = Float64Array.from(values).sort();
  const at = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))] : NaN);
  const r = (x: number) => Math.round(x * 100) / 100;
  return { n: s.length, p50: r(at(0.5)), p90: r(at(0.9)), p99: r(at(0.99)), max: r(at(1)) };
}

export interface Usage {
  /** How long the meter ran. */
  seconds: number;
  /** Percent of one core: the server processes; the load process (all threads) and its
   *  generator threads; the database's backends for the bench database; everything else on the
   *  machine (other users' jobs make results noisy); the whole machine. */
  serverCpu: number;
  loadCpu: number;
  generatorCpu: number;
  pgCpu: number;
  otherCpu: number;
  machineCpu: number;
  /** Highest RSS seen per server process during the phase, MB. */
  rssMb: Record<number, number>;
  /** Database transactions committed and rows written during the phase (pg_stat_database,
   *  flushed by backends about once a second, so approximate). */
  dbCommits: number;
  dbRowsWritten: number;
}

const DB_STATS = `SELECT xact_commit::float8 AS commits,
  (tup_inserted + tup_updated + tup_deleted)::float8 AS written
  FROM pg_stat_database WHERE datname = $1`;

/** Samples the servers' RSS during a phase and takes CPU and database deltas across it. */
export class Meter {
  private t0 = 0;
  private cpu0 = new Map<number, number>();
  private self0 = process.cpuUsage();
  private machine0 = machineCpu();
  private gen0 = 0;
  private db0 = { commits: 0, written: 0 };
  private rss: Record<number, number> = {};
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly pids: () => number[],
    private readonly generatorBusyMs: () => number,
    private readonly stats: Client,
    private readonly database: string,
  ) {}

  private sample = () => {
    for (const pid of this.pids())
      this.rss[pid] = Math.max(this.rss[pid] ?? 0, memoryOf(pid).rssMb);
  };

  private async dbStats() {
    const { rows } = await this.stats.query(DB_STATS, [this.database]);
    return rows[0] as { commits: number; written: number };
  }

  /** CPU seconds since the phase began of `pids` (processes born during it count from zero). */
  private cpuSince(pids: number[]): number {
    return pids.reduce((sum, pid) => sum + cpuSecondsOf(pid) - (this.cpu0.get(pid) ?? 0), 0);
  }

  async start(): Promise<void> {
    this.db0 = await this.dbStats();
    this.t0 = performance.now();
    const all = [...this.pids(), ...pgBackendPids(this.database)];
    this.cpu0 = new Map(all.map((pid) => [pid, cpuSecondsOf(pid)]));
    this.self0 = process.cpuUsage();
    this.machine0 = machineCpu();
    this.gen0 = this.generatorBusyMs();
    this.rss = {};
    this.sample();
    this.timer = setInterval(this.sample, 250);
  }

  async stop(): Promise<Usage> {
    clearInterval(this.timer);
    this.sample();
    const wall = (performance.now() - this.t0) / 1000;
    const self = process.cpuUsage(this.self0);
    const server = this.cpuSince(this.pids());
    const pg = this.cpuSince(pgBackendPids(this.database));
    const machine = machineCpu().busy - this.machine0.busy;
    const load = (self.user + self.system) / 1e6;
    const db = await this.dbStats();
    const pct = (seconds: number) => Math.round((seconds / wall) * 100);
    return {
      seconds: Math.round(wall * 10) / 10,
      serverCpu: pct(server),
      loadCpu: pct(load),
      generatorCpu: pct((this.generatorBusyMs() - this.gen0) / 1000),
      pgCpu: pct(pg),
      otherCpu: Math.max(0, pct(machine - server - load - pg)),
      machineCpu: pct(machine),
      rssMb: Object.fromEntries(Object.entries(this.rss).map(([p, v]) => [p, Math.round(v)])),
      dbCommits: db.commits - this.db0.commits,
      dbRowsWritten: db.written - this.db0.written,
    };
  }
}
