/**
 * `npm run soak`: tsogs under the benchmark's realistic open-loop load (default 1,000 clients
 * polling every 4 s, 10% also posting once a minute) for `--soak-minutes` (default 10), one
 * window per minute. Prints errors, latency and RSS per minute and the RSS growth from the end
 * of the first minute (warm-up) to the end; writes `bench/results/soak.json`. Not a test: it
 * reports, and exits 1 only when the run itself fails.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sodiumReady } from '../src/crypto/sodium';
import { openLoop, type PhaseResult } from './load';
import { parseOptions, USAGE } from './options';
import { Child, memoryOf } from './procs';
import { Meter } from './stats';
import { Target } from './target';
import { log, startTsogsUnderLoad } from './tsogs-under-load';

const ROOT = path.resolve(__dirname, '../..');

interface Minute {
  minute: number;
  result: PhaseResult;
  /** RSS at the end of the minute, MB, per tsogs process. */
  rssMb: number[];
}

function row(m: Minute): string {
  const p = m.result.polls;
  const posts = m.result.posts;
  return [
    String(m.minute).padStart(6),
    p.perSecond.toFixed(1).padStart(8),
    String(p.errors).padStart(6),
    p.latencyMs.p50.toFixed(1).padStart(7),
    p.latencyMs.p99.toFixed(1).padStart(7),
    String(posts?.n ?? 0).padStart(6),
    String(posts?.errors ?? 0).padStart(6),
    m.rssMb
      .map((r) => String(Math.round(r)))
      .join('/')
      .padStart(10),
  ].join(' ');
}

async function main(): Promise<void> {
  if (process.argv.includes('--help')) return void process.stdout.write(`${USAGE}\n`);
  const o = parseOptions(process.argv.slice(2), process.env);
  await sodiumReady();
  const { tsogs, gen, states, stats, close } = await startTsogsUnderLoad(o);
  const target = new Target(o.port, 256, o.timeout * 1000);
  const meter = new Meter(
    () => tsogs.pids(),
    () => gen.busyMs,
    stats,
    o.database,
  );
  const posters = Math.round(o.clients * o.postShare);
  const plan = {
    states,
    pollInterval: o.pollInterval,
    posters,
    postInterval: o.postInterval,
    rooms: o.rooms,
    duration: 60,
  };
  log(
    `soak: ${o.clients} clients polling every ${o.pollInterval} s, ${posters} posting every ` +
      `${o.postInterval} s, for ${o.soakMinutes} min`,
  );
  process.stdout.write(' minute  polls/s  errors  p50 ms  p99 ms  posts errors    RSS MB\n');
  const minutes: Minute[] = [];
  for (let minute = 1; minute <= o.soakMinutes; minute++) {
    const result = await openLoop(`minute ${minute}`, target, gen, plan, meter);
    const m = { minute, result, rssMb: tsogs.pids().map((pid) => memoryOf(pid).rssMb) };
    minutes.push(m);
    process.stdout.write(`${row(m)}\n`);
  }
  target.close();
  await tsogs.stop();
  await close();

  const total = (rss: number[]) => rss.reduce((a, b) => a + b, 0);
  const baseline = total(minutes[0].rssMb);
  const end = total(minutes[minutes.length - 1].rssMb);
  const growthPct = Math.round(((end - baseline) / baseline) * 1000) / 10;
  const errors = minutes.reduce(
    (n, m) => n + m.result.polls.errors + (m.result.posts?.errors ?? 0),
    0,
  );
  const requests = minutes.reduce((n, m) => n + m.result.polls.n + (m.result.posts?.n ?? 0), 0);
  const kinds: Record<string, number> = {};
  for (const m of minutes) {
    for (const [k, n] of Object.entries(m.result.errorKinds)) kinds[k] = (kinds[k] ?? 0) + n;
  }
  process.stdout.write(
    `\nsoak: ${requests} requests in ${o.soakMinutes} min, ${errors} errors` +
      (errors ? ` (${JSON.stringify(kinds)})` : '') +
      `; RSS of all tsogs processes ${Math.round(baseline)} MB after minute 1, ` +
      `${Math.round(end)} MB at the end ` +
      `(${growthPct >= 0 ? '+' : ''}${growthPct}%)` +
      `; targets: zero errors ${errors === 0 ? 'met' : 'MISSED'}, ` +
      `RSS growth under 10% ${growthPct < 10 ? 'met' : 'MISSED'}\n`,
  );
  const out = path.join(ROOT, 'bench/results/soak.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(
    out,
    `${JSON.stringify({ options: o, requests, errors, errorKinds: kinds, growthPct, minutes }, null, 2)}\n`,
  );
  log(`wrote ${path.relative(ROOT, out)}`);
}

main().catch(async (err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  await Child.stopAll();
  process.exit(1);
});
