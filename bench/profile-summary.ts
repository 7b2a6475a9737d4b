/**
 * Summarises a V8 .cpuprofile (from `npm run bench -- --cpu-prof DIR`): where the server's CPU
 * time went, by own ("self") time per source file or package, and by inclusive time of chosen
 * functions. Usage: node dist/bench/profile-summary.js FILE.cpuprofile [top=15] [from-s to-s]
 * With a window (seconds since the profile started), only samples inside it count: the profile
 * covers the server's whole life, and a phase (the closed loop) is best read on its own.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The sample time of each sample, in µs since the profile started. */
function sampleTimes(p: Profile): number[] {
  let t = 0;
  return p.timeDeltas.map((d) => (t += d));
}

/** A source file under src/ or bench/, a package under node_modules, or a V8 category. */
function place(url: string, fn: string): string {
  if (!url) return fn.startsWith('(') ? fn : `(native) ${fn}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/((?:src|bench)\/.*)\.js$/.exec(url);
  if (own) return own[1];
  return url.replace(/^node:/, 'node:');
}

/** Categories, tested from a sample's leaf frame towards the root: the first match wins. */
const CATEGORIES: [string, (place: string) => boolean][] = [
  ['idle', (w) => w === '(idle)'],
  ['garbage collection', (w) => w === '(garbage collector)'],
  ['PostgreSQL client (pg, its socket I/O)', (w) => /^pg(-|$)/.test(w)],
  [
    'libsodium (X25519, Ed25519, BLAKE2b)',
    (w) => w.startsWith('wasm://') || w.startsWith('libsodium'),
  ],
  ['node crypto (AES-GCM, HMAC, random)', (w) => w.startsWith('node:internal/crypto')],
  [
    'Fastify (routing, hooks, replies)',
    (w) => /^(fastify|light-my-request|find-my-way|avvio|@fastify\/)/.test(w),
  ],
  ['Nest (routing, guards, pipes)', (w) => w.startsWith('@nestjs/')],
  ['tsogs code (src/)', (w) => w.startsWith('src/')],
];

function main(file: string, top: number, window: [number, number] | null): void {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const times = sampleTimes(p);
  const inWindow = (i: number) =>
    !window || (times[i] >= window[0] * 1e6 && times[i] < window[1] * 1e6);
  p.samples.forEach((id, i) => {
    if (inWindow(i)) self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);

  const selfByPlace = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const subtree = (id: number): number => {
    const n = byId.get(id)!;
    return (self.get(id) ?? 0) + (n.children ?? []).reduce((s, c) => s + subtree(c), 0);
  };
  // Inclusive time per function, each counted once per stack even when recursive.
  const walk = (id: number, onStack: Set<string>) => {
    const n = byId.get(id)!;
    const { functionName, url, lineNumber } = n.callFrame;
    const where = place(url, functionName || '(anonymous)');
    selfByPlace.set(where, (selfByPlace.get(where) ?? 0) + (self.get(id) ?? 0));
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    const fresh = !onStack.has(key);
    if (fresh) inclusive.set(key, (inclusive.get(key) ?? 0) + subtree(id));
    const next = fresh ? new Set(onStack).add(key) : onStack;
    for (const c of n.children ?? []) walk(c, next);
  };
  walk(p.nodes[0].id, new Set());

  // Each sample's time goes to the category of the innermost frame that has one.
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byCategory = new Map<string, number>();
  for (const [id, us] of self) {
    let cat = 'other (node http/net, timers, …)';
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)!.callFrame;
      const hit = CATEGORIES.find(([, test]) => test(place(f.url, f.functionName)));
      if (hit) {
        cat = hit[0];
        break;
      }
    }
    byCategory.set(cat, (byCategory.get(cat) ?? 0) + us);
  }

  const pct = (us: number) => `${((us / total) * 100).toFixed(1).padStart(5)}%`;
  const show = (title: string, m: Map<string, number>) => {
    process.stdout.write(`\n${title}\n`);
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .forEach(([k, us]) => process.stdout.write(`${pct(us)}  ${k}\n`));
  };
  if (!window) {
    // Busy (not idle) ms in each second, to find a phase for a window.
    const busy: number[] = [];
    p.samples.forEach((id, i) => {
      if (byId.get(id)!.callFrame.functionName === '(idle)') return;
      const sec = Math.floor(times[i] / 1e6);
      busy[sec] = (busy[sec] ?? 0) + (p.timeDeltas[i] ?? 0) / 1000;
    });
    const line = [...busy.entries()].map(([sec, ms]) => `${sec}:${Math.round(ms ?? 0)}`);
    process.stdout.write(`busy ms per second: ${line.join(' ')}\n`);
  }
  const span = window ? ` from ${window[0]} s to ${window[1]} s` : '';
  process.stdout.write(`${file}: ${(total / 1e6).toFixed(1)} s sampled${span}\n`);
  show('by category (innermost categorised frame of each sample)', byCategory);
  show('self time by file or package', selfByPlace);
  show('inclusive time by function', inclusive);
}

const [from, to] = [process.argv[4], process.argv[5]].map(Number);
main(
  process.argv[2],
  Number(process.argv[3] ?? 15),
  Number.isFinite(from) && Number.isFinite(to) ? [from, to] : null,
);
