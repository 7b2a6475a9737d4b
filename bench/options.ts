/** Benchmark parameters: `--name value` flags, else `BENCH_NAME` environment variables. */

export interface BenchOptions {
  /** Distinct blinded clients. */
  clients: number;
  /** Seconds between two polls of one client (Android 4 s). */
  pollInterval: number;
  /** Share of clients that post one message per `postInterval` seconds in the posting phase. */
  postShare: number;
  postInterval: number;
  rooms: number;
  /** Messages of history per room, posted through the API before the run. */
  history: number;
  /** Server processes for tsogs and for the floor (TSOGS_WORKERS). */
  workers: number;
  /**
   * Closed loop: requests in flight, warm-up and measured seconds of each round, rounds (tsogs
   * and the floor take turns), pre-generated polls.
   */
  concurrency: number;
  warmup: number;
  closedDuration: number;
  rounds: number;
  pool: number;
  /**
   * Seconds of open loop of each kind (polls only, posting); tsogs's are split into
   * `openRounds` rounds that alternate between the two kinds.
   */
  openDuration: number;
  openRounds: number;
  /** `npm run soak`: minutes of realistic load (one open-loop window per minute). */
  soakMinutes: number;
  /** Seconds after which a client gives up on a request (an error). */
  timeout: number;
  /** Generator worker threads. */
  genThreads: number;
  port: number;
  floorPort: number;
  /** PostgreSQL server (trust auth); the bench database is dropped and created on it. */
  pgUrl: string;
  database: string;
  /** Write a CPU profile of the tsogs process into this directory (`--cpu-prof DIR`). */
  cpuProf: string | null;
  /** 1: count tsogs's SQL statements per closed-loop poll (bench/query-census.ts). */
  queryCensus: number;
  out: string;
}

const DEFAULTS: BenchOptions = {
  clients: 1000,
  pollInterval: 4,
  postShare: 0.1,
  postInterval: 60,
  rooms: 3,
  history: 200,
  workers: 1,
  concurrency: 16,
  warmup: 2,
  closedDuration: 6,
  rounds: 5,
  pool: 45000,
  openDuration: 45,
  openRounds: 3,
  soakMinutes: 10,
  timeout: 10,
  genThreads: 2,
  port: 18280,
  floorPort: 18281,
  pgUrl: 'postgres://postgres@127.0.0.1:5432',
  database: 'tsogs_bench',
  cpuProf: null,
  queryCensus: 0,
  out: 'bench/results/latest.json',
};

const kebab = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envName = (k: string) => `BENCH_${kebab(k).replace(/-/g, '_').toUpperCase()}`;

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions {
  const out: Record<string, unknown> = { ...DEFAULTS };
  for (const key of Object.keys(DEFAULTS) as (keyof BenchOptions)[]) {
    const i = argv.indexOf(`--${kebab(key)}`);
    const raw = i >= 0 ? argv[i + 1] : env[envName(key)];
    if (raw === undefined) continue;
    if (typeof DEFAULTS[key] === 'number') {
      const n = Number(raw);
      if (!Number.isFinite(n) || n < 0) throw new Error(`--${kebab(key)}: not a number: ${raw}`);
      out[key] = n;
    } else out[key] = raw;
  }
  const unknown = argv.filter(
    (a) =>
      a.startsWith('--') && !(Object.keys(DEFAULTS) as string[]).map(kebab).includes(a.slice(2)),
  );
  if (unknown.length) throw new Error(`unknown flags: ${unknown.join(' ')}`);
  return out as unknown as BenchOptions;
}

export const USAGE = `npm run bench -- [--flag value]…  (or BENCH_<FLAG> environment variables)
${(Object.keys(DEFAULTS) as (keyof BenchOptions)[])
  .map((k) => `  --${kebab(k)} (default ${String(DEFAULTS[k])})`)
  .join('\n')}`;
