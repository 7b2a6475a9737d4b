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
import { closedLoop, openLoop, type OpenPlan, type PhaseResult } from './load';
import { parseOptions, USAGE, type BenchOptions } from './options';
import { Child, cpuSecondsOf, memoryOf } from './procs';
import { judge, table, writeJson, type ProcessMemory } from './report';
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

function memory(role: string, child: Child): ProcessMemory[] {
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

/** Closed loop, then open loop without and (tsogs only) with posting, against one server. */
async function phases(run: Run, label: string, child: Child, port: number, posting: boolean) {
  const { o, gen, pool, plan } = run;
  const target = new Target(port, 256, o.timeout * 1000);
  const meter = new Meter(
    () => child.pids(),
    () => gen.busyMs,
    run.stats,
    o.database,
  );
  const closed = { concurrency: o.concurrency, warmup: o.warmup, duration: o.closedDuration };
  log(`${label}: closed loop, ${o.concurrency} in flight`);
  const census = posting ? run.census : undefined; // tsogs only
  const before = await census?.();
  // The floor keeps no nonces, so it may see the pool more than once.
  const closedResult = await closedLoop(
    `${label} closed loop`,
    target,
    pool,
    { ...closed, cycle: !posting },
    meter,
  );
  const out: PhaseResult[] = [closedResult];
  await settle(child);
  const after = await census?.();
  const queriesPerPoll = before && after ? perPoll(before, after, closedResult.sent!) : undefined;
  log(`${label}: open loop, ${o.clients} clients polling every ${o.pollInterval} s`);
  out.push(await openLoop(`${label} open, polls only`, target, gen, plan, meter));
  if (posting) {
    const posters = Math.round(o.clients * o.postShare);
    await settle(child);
    log(`${label}: open loop, ${posters} of them also posting every ${o.postInterval} s`);
    const name = `${label} open, ${o.postShare * 100}% posting`;
    out.push(await openLoop(name, target, gen, { ...plan, posters }, meter));
  }
  target.close();
  return { phases: out, memory: memory(label, child), queriesPerPoll };
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
  const census = async () => {
    process.kill(tsogs.pid, 'SIGUSR2');
    await new Promise((ok) => setTimeout(ok, 300));
    return JSON.parse(readFileSync(censusFile, 'utf8')) as Record<string, number>;
  };
  const run: Run = { o, gen, pool, plan, stats, census: o.queryCensus ? census : undefined };
  const t = await phases(run, 'tsogs', tsogs, o.port, true);
  await tsogs.stop();

  const floorEnv = { ...env, PORT: String(o.floorPort), FLOOR_WORKERS: String(o.workers) };
  const floorMain = path.join(__dirname, 'floor-server.js');
  const floor = await Child.start([floorMain], floorEnv, /floor listening/);
  const f = await phases(run, 'floor', floor, o.floorPort, false);
  await floor.stop();
  await close();

  const result = judge(o, generation, [...t.phases, ...f.phases], [...t.memory, ...f.memory]);
  result.queriesPerPoll = t.queriesPerPoll;
  process.stdout.write(`\n${table(result)}\n`);
  writeJson(path.resolve(ROOT, o.out), result);
  log(`wrote ${o.out}`);
}

main().catch(async (err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  await Child.stopAll();
  process.exit(1);
});
