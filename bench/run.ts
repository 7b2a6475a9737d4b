/**
 * `npm run bench`: tsogs against the "floor" on a fresh PostgreSQL database (issue 7).
 * Flags: bench/options.ts (`npm run bench -- --help`); what is measured: bench/README.md.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { sodiumReady } from '../src/crypto/sodium';
import type { Sealed } from './client';
import type { Generator, GenJob } from './generate';
import { closedLoop, openLoop, type OpenPlan } from './load';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { Child, cpuSecondsOf, memoryOf } from './procs';
import {
  judge,
  table,
  writeJson,
  type ClosedRound,
  type OpenRound,
  type ProcessMemory,
} from './report';
import { Meter } from './stats';
import { Target } from './target';
import { log, startTsogsUnderLoad } from './tsogs-under-load';

const ROOT = path.resolve(__dirname, '../..');

interface Run {
  o: BenchOptions;
  /** Set with --query-census: snapshots tsogs's statement counts. */
  census?: () => Promise<Record<string, number>>;
  gen: Generator;
  pool: Sealed[];
  plan: OpenPlan;
  stats: Client;
}

function processMemory(role: string, child: Child): ProcessMemory[] {
  return child.pids().map((pid, i) => {
    const m = memoryOf(pid);
    const name = i === 0 ? role : `${role} worker`;
    return { role: name, pid, rssMb: Math.round(m.rssMb), peakMb: Math.round(m.peakMb) };
  });
}

/**
 * Waits until the server is idle (under 5% of a core for half a second, at most 60 s), so a
 * phase that overloaded it does not leave its backlog to the next one.
 */
async function settle(child: Child): Promise<void> {
  const cpu = () => child.pids().reduce((s, pid) => s + cpuSecondsOf(pid), 0);
  for (let i = 0; i < 120; i++) {
    const before = cpu();
    await new Promise((ok) => setTimeout(ok, 500));
    if (cpu() - before < 0.025) return;
  }
}

/** Statements per poll between two census snapshots, most frequent first. */
function perPoll(before: Record<string, number>, after: Record<string, number>, polls: number) {
  return Object.fromEntries(
    Object.entries(after)
      .map(([sql, n]) => [sql, Math.round(((n - (before[sql] ?? 0)) / polls) * 100) / 100] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]),
  );
}

/** One server under test: where it listens and how its CPU and memory are read. */
interface Server {
  label: 'tsogs' | 'floor';
  child: Child;
  port: number;
}

function meterOf(run: Run, server: Server): Meter {
  return new Meter(
    () => server.child.pids(),
    () => run.gen.busyMs,
    run.stats,
    run.o.database,
  );
}

/**
 * One closed-loop round against one server: `--concurrency` requests in flight. tsogs uses each
 * poll once, from `offset` on (nonces are single-use); the floor keeps no nonces and cycles.
 */
async function closedRound(run: Run, server: Server, round: number, offset: number) {
  const { o, pool } = run;
  const target = new Target(server.port, 256, o.timeout * 1000);
  const tsogs = server.label === 'tsogs';
  log(`${server.label}: closed loop ${round}/${o.rounds}, ${o.concurrency} in flight`);
  const census = tsogs && round === 1 ? run.census : undefined;
  const before = await census?.();
  const result = await closedLoop(
    `${server.label} closed loop ${round}/${o.rounds}`,
    target,
    tsogs ? pool.slice(offset) : pool,
    { concurrency: o.concurrency, warmup: o.warmup, duration: o.closedDuration, cycle: !tsogs },
    meterOf(run, server),
  );
  target.close();
  await settle(server.child);
  const after = await census?.();
  const queriesPerPoll = before && after ? perPoll(before, after, result.sent!) : undefined;
  return { result, queriesPerPoll };
}

/** One open-loop phase of `seconds` against one server, posting if `posters` > 0. */
async function openPhase(run: Run, server: Server, name: string, seconds: number, posters = 0) {
  const { o, gen, plan } = run;
  const target = new Target(server.port, 256, o.timeout * 1000);
  const what = posters ? `, ${posters} of them also posting every ${o.postInterval} s` : '';
  log(`${server.label}: ${name}: ${o.clients} clients polling every ${o.pollInterval} s${what}`);
  const phase = { ...plan, posters, duration: seconds };
  const result = await openLoop(
    `${server.label} ${name}`,
    target,
    gen,
    phase,
    meterOf(run, server),
  );
  target.close();
  await settle(server.child);
  return result;
}

/**
 * tsogs's open loop: rounds that alternate between polling only and polling with posting, so
 * that the machine's changing speed reaches both alike; each round's ratio is taken apart.
 */
async function openRounds(run: Run, server: Server): Promise<OpenRound[]> {
  const { o } = run;
  const seconds = o.openDuration / o.openRounds;
  const posters = Math.round(o.clients * o.postShare);
  const rounds: OpenRound[] = [];
  for (let i = 1; i <= o.openRounds; i++) {
    const of = `${i}/${o.openRounds}`;
    const polls = await openPhase(run, server, `open, polls only ${of}`, seconds);
    const name = `open, ${o.postShare * 100}% posting ${of}`;
    rounds.push({ polls, posting: await openPhase(run, server, name, seconds, posters) });
  }
  return rounds;
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) return void process.stdout.write(`${USAGE}\n`);
  const o = parseOptions(process.argv.slice(2), process.env);
  await sodiumReady();
  const prof = o.cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(o.cpuProf)}`] : [];
  if (o.queryCensus) prof.push('--require', path.join(__dirname, 'query-census.js'));
  let censusFile = '';
  const { env, tsogs, gen, states, stats, close } = await startTsogsUnderLoad(o, prof, (dir) => ({
    QUERY_CENSUS_OUT: (censusFile = path.join(dir, 'census.json')),
  }));

  log(`generating ${o.pool} signed onion polls for the closed loop`);
  const busy0 = gen.busyMs;
  const t0 = performance.now();
  const jobs: GenJob[] = Array.from({ length: o.pool }, (_, i) => ({
    kind: 'poll',
    client: i % o.clients,
    state: states[i % o.clients],
  }));
  const pool = await gen.runAll(jobs);
  const generation = {
    pool: o.pool,
    threads: o.genThreads,
    wallSeconds: (performance.now() - t0) / 1000,
    busySeconds: (gen.busyMs - busy0) / 1000,
  };

  const plan: OpenPlan = {
    states,
    pollInterval: o.pollInterval,
    posters: 0,
    postInterval: o.postInterval,
    rooms: o.rooms,
    duration: o.openDuration,
  };
  /** Statement counts of every tsogs process (primary and workers), summed. */
  const census = async () => {
    const pids = tsogs.pids();
    for (const pid of pids) process.kill(pid, 'SIGUSR2');
    await new Promise((ok) => setTimeout(ok, 300));
    const total: Record<string, number> = {};
    for (const pid of pids) {
      const counts = JSON.parse(readFileSync(`${censusFile}.${pid}`, 'utf8')) as Record<
        string,
        number
      >;
      for (const [sql, n] of Object.entries(counts)) total[sql] = (total[sql] ?? 0) + n;
    }
    return total;
  };
  const run: Run = { o, gen, pool, plan, stats, census: o.queryCensus ? census : undefined };
  const floorEnv = { ...env, PORT: String(o.floorPort), FLOOR_WORKERS: String(o.workers) };
  const floorMain = path.join(__dirname, 'floor-server.js');
  const floorChild = await Child.start([floorMain], floorEnv, /floor listening/);
  const t: Server = { label: 'tsogs', child: tsogs, port: o.port };
  const f: Server = { label: 'floor', child: floorChild, port: o.floorPort };

  // Closed-loop rounds alternate between the two servers, so that the machine's changing speed
  // (other jobs on a shared machine) reaches both alike; each round's ratio is taken apart.
  const rounds: ClosedRound[] = [];
  let queriesPerPoll: Record<string, number> | undefined;
  let offset = 0;
  for (let i = 1; i <= o.rounds; i++) {
    const tr = await closedRound(run, t, i, offset);
    offset += tr.result.sent ?? 0;
    queriesPerPoll ??= tr.queriesPerPoll;
    const fr = await closedRound(run, f, i, 0);
    rounds.push({ tsogs: tr.result, floor: fr.result });
  }
  const open = await openRounds(run, t);
  const floorOpen = await openPhase(run, f, 'open, polls only', o.openDuration);
  const memory = [...processMemory('tsogs', tsogs), ...processMemory('floor', floorChild)];
  await tsogs.stop();
  await floorChild.stop();
  await close();

  const result = judge(o, generation, rounds, open, floorOpen, memory);
  result.queriesPerPoll = queriesPerPoll;
  process.stdout.write(`\n${table(result)}\n`);
  writeJson(path.resolve(ROOT, o.out), result);
  log(`wrote ${o.out}`);
}

main().catch(async (err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  await Child.stopAll();
  process.exit(1);
});
