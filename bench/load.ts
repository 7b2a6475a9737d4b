/**
 * The two load shapes. Closed loop: `concurrency` lanes each send the next pre-made poll as soon
 * as the previous one is answered (maximum throughput). Open loop: every client polls on its
 * own fixed schedule whatever the server does, so queueing shows up as latency.
 */
import { performance } from 'node:perf_hooks';
import type { PollState, Sealed } from './client';
import type { Generator, GenJob } from './generate';
import { type Meter, summary, type Summary, type Usage } from './stats';
import { checkReply, type Target } from './target';

export interface Traffic {
  /** Requests sent, and those answered without error per second. */
  n: number;
  perSecond: number;
  errors: number;
  latencyMs: Summary;
}

export interface PhaseResult {
  name: string;
  seconds: number;
  polls: Traffic;
  posts?: Traffic;
  /** Open loop: how late requests left against their schedule (generator or loop behind). */
  sendLagMs?: Summary;
  /** Closed loop: the pre-made pool ran out before the phase's end; polls sent, warm-up too. */
  poolExhausted?: boolean;
  sent?: number;
  usage: Usage;
  /** Error classes and how often each happened. */
  errorKinds: Record<string, number>;
}

class Tally {
  readonly latencies: number[] = [];
  errors = 0;
  constructor(private readonly kinds: Record<string, number>) {}
  add(ms: number, error: string | null): void {
    this.latencies.push(ms);
    if (error) {
      this.errors++;
      this.kinds[error] = (this.kinds[error] ?? 0) + 1;
    }
  }
  traffic(seconds: number): Traffic {
    const n = this.latencies.length;
    const perSecond = Math.round(((n - this.errors) / seconds) * 10) / 10;
    return { n, perSecond, errors: this.errors, latencyMs: summary(this.latencies) };
  }
}

async function exchange(
  target: Target,
  kind: 'poll' | 'post',
  req: Sealed,
  state?: PollState,
): Promise<string | null> {
  try {
    return checkReply(kind, req.key, await target.send(req.frame), state);
  } catch (err) {
    return `network: ${(err as Error).message}`;
  }
}

/** Polls from `pool` for warm-up + duration seconds; `cycle` reuses it (servers without nonces). */
export async function closedLoop(
  name: string,
  target: Target,
  pool: Sealed[],
  o: { concurrency: number; warmup: number; duration: number; cycle: boolean },
  meter: Meter,
): Promise<PhaseResult> {
  const kinds: Record<string, number> = {};
  const polls = new Tally(kinds);
  const from = performance.now() + o.warmup * 1000;
  const until = from + o.duration * 1000;
  let next = 0;
  let sent = 0;
  let lastEnd = from;
  let exhausted = false;
  // The meter starts when the warm-up ends (or at once, if the pool ran out before that).
  let metering: Promise<void> | null = null;
  const startMeter = setTimeout(() => (metering = meter.start()), o.warmup * 1000);
  const lane = async () => {
    while (performance.now() < until) {
      if (next >= pool.length) {
        if (!o.cycle) return void (exhausted = true);
        next = 0;
      }
      const req = pool[next++];
      sent++;
      const t = performance.now();
      const error = await exchange(target, 'poll', req);
      const end = performance.now();
      if (end >= from && end < until) {
        polls.add(end - t, error);
        lastEnd = end;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, lane));
  clearTimeout(startMeter);
  await (metering ?? meter.start());
  const usage = await meter.stop();
  const seconds = (Math.min(until, lastEnd) - from) / 1000;
  return {
    name,
    seconds: Math.round(seconds * 10) / 10,
    polls: polls.traffic(seconds),
    poolExhausted: exhausted,
    sent,
    usage,
    errorKinds: kinds,
  };
}

export interface OpenPlan {
  /** Poll state per client; polls update it from their replies. */
  states: PollState[];
  pollInterval: number;
  /** Clients 0..posters-1 post once per postInterval seconds, each to one room. */
  posters: number;
  postInterval: number;
  rooms: number;
  duration: number;
}

interface Event {
  t: number;
  job: GenJob;
  sealed?: Sealed;
}

/** Each periodic event at a random phase within its period, as independent clients are. */
function schedule(plan: OpenPlan): Event[] {
  const events: Event[] = [];
  const every = (period: number, job: () => GenJob) => {
    for (let t = Math.random() * period; t < plan.duration; t += period)
      events.push({ t: t * 1000, job: job() });
  };
  plan.states.forEach((state, client) =>
    every(plan.pollInterval, () => ({ kind: 'poll', client, state })),
  );
  for (let client = 0; client < plan.posters; client++) {
    every(plan.postInterval, () => ({ kind: 'post', client, room: client % plan.rooms }));
  }
  return events.sort((a, b) => a.t - b.t);
}

/** Requests are made this far ahead of their send time, from the client's state at that moment. */
const LOOKAHEAD_MS = 250;

export async function openLoop(
  name: string,
  target: Target,
  gen: Generator,
  plan: OpenPlan,
  meter: Meter,
): Promise<PhaseResult> {
  const kinds: Record<string, number> = {};
  const polls = new Tally(kinds);
  const posts = new Tally(kinds);
  const lags: number[] = [];
  const inflight: Promise<void>[] = [];
  const events = schedule(plan);
  const start = performance.now() + LOOKAHEAD_MS;
  let prepared = 0;
  let sent = 0;
  await meter.start();
  const fire = (e: Event) => {
    const t = performance.now();
    lags.push(t - start - e.t);
    const state = e.job.kind === 'poll' ? plan.states[e.job.client] : undefined;
    inflight.push(
      exchange(target, e.job.kind, e.sealed!, state).then((error) =>
        (state ? polls : posts).add(performance.now() - t, error),
      ),
    );
  };
  await new Promise<void>((done) => {
    const tick = () => {
      const now = performance.now() - start;
      const batch: Event[] = [];
      while (prepared < events.length && events[prepared].t <= now + LOOKAHEAD_MS) {
        batch.push(events[prepared++]);
      }
      if (batch.length) {
        // The job is copied when posted to the thread, so the state is the one of this moment.
        void gen
          .run(batch.map((e) => e.job))
          .then((out) => out.forEach((s, i) => (batch[i].sealed = s)));
      }
      while (sent < prepared && events[sent].t <= now && events[sent].sealed) fire(events[sent++]);
      if (sent < events.length) setTimeout(tick, 1);
      else done();
    };
    tick();
  });
  await Promise.all(inflight);
  const usage = await meter.stop();
  return {
    name,
    seconds: plan.duration,
    polls: polls.traffic(plan.duration),
    ...(plan.posters ? { posts: posts.traffic(plan.duration) } : {}),
    sendLagMs: summary(lags),
    usage,
    errorKinds: kinds,
  };
}
