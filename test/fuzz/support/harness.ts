/**
 * The fuzz loop shared by every target: generates cases with fast-check, runs them (several in
 * flight), applies the common oracle, watches liveness and memory, shrinks what fails, and prints
 * one summary line per target.
 */
import { appendFileSync } from 'node:fs';
import v8 from 'node:v8';
import vm from 'node:vm';
import fc from 'fast-check';
import { CASE_TIMEOUT_MS, SEED, seedFor, type TargetName } from './fuzz-config';
import type { FuzzApp, FuzzReply } from './fuzz-app';
import { allowedStatuses, decodedPathOf, isWebPath } from '../../support/spec-routes';

/** Text of any value, even a null-prototype object (which String() cannot convert). */
export function show(v: unknown): string {
  return typeof v === 'string' ? v : (JSON.stringify(v) ?? typeof v);
}

/** What one case produced, judged. */
export interface Outcome {
  /** Histogram bucket: a status, or `outer/inner` for onion requests. */
  key: string;
  /** Oracle violations; empty when the case passed. */
  faults: string[];
  /** How it travelled (inject, http, onion-…). */
  via: string;
  /** Faults deliberately injected into the input (bit flips, length lies …), by kind. */
  injected?: string[];
  /** Requests the case made the server run internally (batch sub-requests). */
  subrequests?: number;
}

export interface Summary {
  target: string;
  cases: number;
  fiveXx: number;
  faults: string[];
  statuses: Record<string, number>;
  via: Record<string, number>;
  injected: Record<string, number>;
  subrequests: number;
  p99Ms: number;
  maxMs: number;
  rssGrowthMb: number;
  heapGrowthMb: number;
  seconds: number;
  seed: number;
}

/** An event-loop stall this long (synchronous work on one request) is a fault: it delays all. */
const STALL_MS = 2000;

/** Memory margins: generous, since a 10 MB body legitimately raises the allocator's high water. */
const HEAP_MARGIN_MB = 64;
const RSS_MARGIN_MB = 512;

let gcFn: (() => void) | undefined;
function gc(): void {
  if (!gcFn) {
    v8.setFlagsFromString('--expose-gc');
    gcFn = vm.runInNewContext('gc') as () => void;
  }
  gcFn();
  gcFn();
}

function memory(): { rss: number; heap: number } {
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss / 2 ** 20, heap: m.heapUsed / 2 ** 20 };
}

const bump = (h: Record<string, number>, k: string, n = 1) => (h[k] = (h[k] ?? 0) + n);

function histogram(h: Record<string, number>): string {
  const entries = Object.entries(h).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${k}: ${v}`).join(', ')}}`;
}

/** JSON for a failing case: buffers as length + hex head, long strings cut. */
export function printable(value: unknown): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => {
      if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer') {
        const data = (v as { data: number[] }).data;
        return { bytes: data.length, hex: Buffer.from(data.slice(0, 96)).toString('hex') };
      }
      if (v instanceof Uint8Array)
        return { bytes: v.length, hex: Buffer.from(v.subarray(0, 96)).toString('hex') };
      if (typeof v === 'string' && v.length > 300) return `${v.slice(0, 300)}…(${v.length} chars)`;
      if (typeof v === 'function') return '[function]';
      return v;
    },
    0,
  );
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timeout: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/**
 * Whether the spec wants this error as `text/plain; charset=utf-8` (README conventions): every
 * 4xx except the JSON 412 of /capabilities and the HTML pages of the web view.
 */
export function isPlainTextError(status: number, path: string): boolean {
  return status >= 400 && status < 500 && status !== 412 && !isWebPath(path);
}

export interface JudgeOptions {
  method: string;
  target: string;
  /** Statuses this case may get besides the route's (e.g. 429 when rate limits may apply). */
  alsoAllowed?: number[];
  /** When the spec fixes the answer for this input, the only acceptable statuses. */
  expect?: number[];
}

/**
 * The common oracle for one request: no 5xx (inner code too for onion requests), a status the
 * spec allows for the route, an onion outer status of 200 (400/413 only before decryption),
 * well-formed onion framing, and text/plain error bodies outside the HTML web pages.
 */
export function judge(reply: FuzzReply, o: JudgeOptions): Outcome {
  const faults = [...reply.framing];
  const target = reply.effectiveTarget ?? o.target;
  const path = decodedPathOf(target) ?? '';
  const fullPath =
    reply.via.startsWith('onion-v3') && !target.startsWith('/') ? `/legacy/${path}` : path;
  // HEAD is GET without a body (Fastify answers it from the GET route).
  const method = o.method.toUpperCase() === 'HEAD' ? 'GET' : o.method;
  if (reply.outer !== undefined && reply.outer !== 200) {
    if (![400, 413].includes(reply.outer)) faults.push(`onion outer status ${reply.outer}`);
  } else {
    // Over a real socket an oversized request head meets Node's own limit first (431).
    const headLimit =
      reply.via === 'http' && reply.status === 431 && Buffer.byteLength(target) > 8000;
    if (headLimit) return { key: '431', faults, via: reply.via };
    if (reply.status >= 500)
      faults.push(`5xx: ${reply.status} ${o.method} ${fullPath.slice(0, 80)}`);
    // Signed just now with a fresh nonce: neither the timestamp nor the nonce can be wrong.
    if (reply.status === 425 && reply.freshAuth)
      faults.push(`425 for a freshly signed ${o.method} ${fullPath.slice(0, 60)}`);
    else if (reply.status === 0 && !faults.length) faults.push('no response');
    else if (reply.status < 100) faults.push(`bogus status ${reply.status}`);
    const allowed = allowedStatuses(method, fullPath);
    // Routes match the path's segments before percent-decoding (an encoded `/` stays inside its
    // segment), and in an onion endpoint a `#` may end the path, as in a URL.
    const alternatives = [fullPath.split('#')[0]];
    if (target.startsWith('/')) alternatives.push(target.split('?')[0]);
    for (const alt of alternatives) for (const s of allowedStatuses(method, alt)) allowed.add(s);
    for (const s of o.alsoAllowed ?? []) allowed.add(s);
    const v3Success = reply.via.startsWith('onion-v3') && reply.status === 200;
    if (
      reply.status >= 100 &&
      reply.status < 500 &&
      !allowed.has(reply.status) &&
      !(v3Success && [...allowed].some((x) => x >= 200 && x < 300))
    ) {
      faults.push(`status ${reply.status} not allowed for ${o.method} ${fullPath.slice(0, 80)}`);
    }
    if (
      o.expect &&
      reply.status < 500 &&
      !o.expect.includes(reply.status) &&
      !(v3Success && o.expect.some((x) => x >= 200 && x < 300))
    ) {
      faults.push(
        `expected ${o.expect.join('/')} got ${reply.status} for ${o.method} ${fullPath.slice(0, 80)}`,
      );
    }
    const type = reply.headers['content-type'];
    const v3 = reply.via.startsWith('onion-v3');
    if (isPlainTextError(reply.status, fullPath) && !v3 && type !== 'text/plain; charset=utf-8') {
      faults.push(
        `${reply.status} error body labelled ${JSON.stringify(type)} for ${o.method} ${fullPath.slice(0, 40)}: ${reply.body.toString().slice(0, 120)}`,
      );
    }
  }
  const key =
    reply.outer !== undefined && reply.outer === 200 ? `200/${reply.status}` : String(reply.status);
  return { key, faults, via: reply.via };
}

export interface TargetOptions<C> {
  name: TargetName;
  app: FuzzApp;
  arbitrary: fc.Arbitrary<C>;
  run: (c: C) => Promise<Outcome>;
  cases: number;
  /** Cases in flight at once (default 8). */
  concurrency?: number;
  /** Cases per generated chunk; liveness is checked after each (default 200). */
  chunk?: number;
  /** Runs between chunks (e.g. restoring fixtures changed by fuzzed moderation requests). */
  betweenChunks?: () => Promise<void>;
}

interface InFlight {
  value: unknown;
  chunkSeed: number;
  chunkSize: number;
  index: number;
}

interface FaultRecord {
  fault: string;
  chunkSeed: number;
  chunkSize: number;
  index: number;
  value: unknown;
}

/** Runs one target and prints its summary line; the caller asserts on `faults`. */
export async function runTarget<C>(o: TargetOptions<C>): Promise<Summary> {
  const started = Date.now();
  const concurrency = o.concurrency ?? 8;
  const chunk = o.chunk ?? 200;
  const statuses: Record<string, number> = {};
  const via: Record<string, number> = {};
  const injected: Record<string, number> = {};
  const latencies: number[] = [];
  const faults: FaultRecord[] = [];
  let cases = 0;
  let fiveXx = 0;
  let subrequests = 0;
  let baseline: { rss: number; heap: number } | null = null;
  let slowest: { ms: number; value: unknown } = { ms: 0, value: null };
  const baseSeed = seedFor(o.name);

  // Stall detector: a timer that fires late means something held the event loop.
  const inFlight = new Set<InFlight>();
  const stalls: { ms: number; cpuMs: number; cases: InFlight[] }[] = [];
  let pauses = 0;
  let tick = performance.now();
  let cpu = process.cpuUsage();
  const monitor = setInterval(() => {
    const now = performance.now();
    const lag = now - tick - 250;
    const used = process.cpuUsage(cpu);
    tick = now;
    cpu = process.cpuUsage();
    if (lag <= STALL_MS) return;
    // A late timer with the CPU idle means this process was not scheduled (a loaded or paused
    // machine), not that a request held the event loop: counted, but not a server fault.
    const cpuMs = (used.user + used.system) / 1000;
    if (cpuMs < lag / 2) pauses++;
    else if (stalls.length < 20) stalls.push({ ms: lag, cpuMs, cases: [...inFlight] });
  }, 250);
  const runOne = async (c: C): Promise<Outcome> => {
    let out: Outcome;
    try {
      out = await withTimeout(o.run(c), CASE_TIMEOUT_MS);
    } catch (err) {
      out = { key: 'error', faults: [`exception: ${(err as Error).message}`], via: 'n/a' };
    }
    // A 5xx anywhere in the case (outer, inner or sub-request).
    if (out.faults.some((f) => /^5xx|status 5\d\d|outer status 5/.test(f))) fiveXx++;
    return out;
  };

  for (let i = 0; cases < o.cases; i++) {
    const size = Math.min(chunk, o.cases - cases);
    const chunkSeed = (baseSeed + i) | 0;
    const values = fc.sample(o.arbitrary, { seed: chunkSeed, numRuns: size });
    let next = 0;
    const worker = async () => {
      while (next < values.length) {
        const index = next++;
        const t0 = performance.now();
        const flight: InFlight = { value: values[index], chunkSeed, chunkSize: size, index };
        inFlight.add(flight);
        const out = await runOne(values[index]);
        inFlight.delete(flight);
        const ms = performance.now() - t0;
        latencies.push(ms);
        if (ms > slowest.ms) slowest = { ms, value: values[index] };
        cases++;
        bump(statuses, out.key);
        bump(via, out.via);
        for (const m of out.injected ?? []) bump(injected, m);
        subrequests += out.subrequests ?? 0;
        for (const fault of out.faults) {
          if (faults.length < 200)
            faults.push({ fault, chunkSeed, chunkSize: size, index, value: values[index] });
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    if (!(await o.app.alive())) {
      faults.push({
        fault: 'server stopped answering GET /capabilities',
        chunkSeed,
        chunkSize: size,
        index: -1,
        value: null,
      });
      break;
    }
    if (o.betweenChunks) await o.betweenChunks();
    if (i === 0) baseline = memory();
  }
  clearInterval(monitor);
  for (const stall of stalls.slice(0, 1)) {
    const { note, ...where } = await culprit(o, stall.cases);
    faults.push({
      ...where,
      fault: `event loop blocked ${Math.round(stall.ms)} ms (${Math.round(stall.cpuMs)} ms CPU; ${note})`,
    });
  }
  if (pauses)
    process.stdout.write(
      `  note: ${pauses} pause(s) over ${STALL_MS} ms with this process idle (machine load)\n`,
    );
  if (!(await o.app.aliveOverHttp())) {
    faults.push({
      fault: 'server stopped answering GET /capabilities over HTTP',
      chunkSeed: 0,
      chunkSize: 0,
      index: -1,
      value: null,
    });
  }
  const end = memory();
  const rssGrowthMb = baseline ? end.rss - baseline.rss : 0;
  const heapGrowthMb = baseline ? end.heap - baseline.heap : 0;
  for (const [what, grew, margin] of [
    ['heap', heapGrowthMb, HEAP_MARGIN_MB],
    ['rss', rssGrowthMb, RSS_MARGIN_MB],
  ] as const) {
    if (grew > margin) {
      const fault = `${what} grew ${grew.toFixed(0)} MB`;
      faults.push({ fault, chunkSeed: 0, chunkSize: 0, index: -1, value: null });
    }
  }

  latencies.sort((a, b) => a - b);
  const summary: Summary = {
    target: o.name,
    cases,
    fiveXx,
    faults: [],
    statuses,
    via,
    injected,
    subrequests,
    p99Ms: Math.round(latencies[Math.floor(latencies.length * 0.99)] ?? 0),
    maxMs: Math.round(latencies[latencies.length - 1] ?? 0),
    rssGrowthMb: Math.round(rssGrowthMb),
    heapGrowthMb: Math.round(heapGrowthMb),
    seconds: (Date.now() - started) / 1000,
    seed: SEED,
  };
  summary.faults = await describeFaults(o, faults);
  report(summary);
  if (process.env.FUZZ_VERBOSE)
    process.stdout.write(
      `  slowest (${Math.round(slowest.ms)} ms): ${printable(slowest.value).slice(0, 2000)}\n`,
    );
  return summary;
}

/**
 * Of the cases in flight during a stall, the one that takes longest when run alone (not shrunk:
 * each attempt would stall again); every in-flight case is listed with its solo time.
 */
async function culprit<C>(
  o: TargetOptions<C>,
  cases: InFlight[],
): Promise<Omit<FaultRecord, 'fault'> & { note: string }> {
  let worst: { ms: number; c: InFlight } | null = null;
  const solo: string[] = [];
  for (const c of cases) {
    const t0 = performance.now();
    await withTimeout(o.run(c.value as C), CASE_TIMEOUT_MS).catch(() => undefined);
    const ms = performance.now() - t0;
    solo.push(`${Math.round(ms)} ms`);
    if (!worst || ms > worst.ms) worst = { ms, c };
  }
  const note = `${cases.length} in flight, alone: ${solo.join(', ') || 'none'}`;
  return worst
    ? { ...worst.c, index: -1, note }
    : { value: null, chunkSeed: 0, chunkSize: 0, index: -1, note };
}

/** Distinct faults with a shrunk counterexample for the first few (fast-check replay path). */
async function describeFaults<C>(o: TargetOptions<C>, faults: FaultRecord[]): Promise<string[]> {
  const kinds = new Map<string, FaultRecord[]>();
  for (const f of faults) {
    const kind = f.fault.replace(/\d+/g, 'N').slice(0, 60);
    kinds.set(kind, [...(kinds.get(kind) ?? []), f]);
  }
  const out: string[] = [];
  let shrunk = 0;
  for (const [, records] of kinds) {
    const first = records[0];
    let line = `${first.fault} (${records.length}×) — case ${printable(first.value).slice(0, 1500)}`;
    if (first.index >= 0 && shrunk < 3) {
      shrunk++;
      const kind = first.fault.replace(/\d+/g, 'N').slice(0, 30);
      const details = await fc.check(
        fc.asyncProperty(o.arbitrary, async (c) => {
          const r = await withTimeout(o.run(c), CASE_TIMEOUT_MS).catch((err: Error) => ({
            faults: [`exception: ${err.message}`],
          }));
          return !r.faults.some((f) => f.replace(/\d+/g, 'N').startsWith(kind));
        }),
        {
          seed: first.chunkSeed,
          numRuns: first.chunkSize,
          path: String(first.index),
          interruptAfterTimeLimit: 60_000,
        },
      );
      if (details.failed && details.counterexample) {
        line += `\n    shrunk (${details.numShrinks} steps): ${printable(details.counterexample[0]).slice(0, 1500)}`;
      }
      line += `\n    replay: FUZZ_SEED=${SEED} target ${o.name}, fc seed ${first.chunkSeed}, path ${first.index}`;
    }
    out.push(line);
  }
  return out;
}

function report(s: Summary): void {
  const line =
    `fuzz ${s.target}: ${s.cases} cases, ${s.fiveXx} 5xx, ${s.faults.length} faults, ` +
    `statuses ${histogram(s.statuses)}, via ${histogram(s.via)}` +
    (Object.keys(s.injected).length ? `, injected ${histogram(s.injected)}` : '') +
    (s.subrequests ? `, ${s.subrequests} subrequests` : '') +
    `, p99 ${s.p99Ms} ms, max ${s.maxMs} ms, rss ${s.rssGrowthMb >= 0 ? '+' : ''}${s.rssGrowthMb} MB, ` +
    `heap ${s.heapGrowthMb >= 0 ? '+' : ''}${s.heapGrowthMb} MB, ${s.seconds.toFixed(1)} s (seed ${s.seed})`;
  process.stdout.write(`${line}\n`);
  for (const f of s.faults) process.stdout.write(`  FAULT ${f}\n`);
  if (process.env.FUZZ_REPORT) appendFileSync(process.env.FUZZ_REPORT, `${JSON.stringify(s)}\n`);
}

/** A weighted choice of transport, from one random number in [0, 1). */
export function pick<T>(weights: [T, number][], r: number): T {
  const total = weights.reduce((a, [, w]) => a + w, 0);
  let x = r * total;
  for (const [v, w] of weights) {
    if ((x -= w) < 0) return v;
  }
  return weights[weights.length - 1][0];
}
