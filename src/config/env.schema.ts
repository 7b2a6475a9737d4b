import path from 'node:path';
import type { AppConfig } from './app-config';

const DAY = 86400;
const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

/** Raised when the environment holds bad values; lists every one of them. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

class Reader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const v = this.env[name];
    return v === undefined || v === '' ? fallback : v;
  }

  optional(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  int(name: string, fallback: number, min: number, max: number): number {
    const v = this.optional(name);
    if (v === undefined) return fallback;
    const n = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!(n >= min && n <= max)) {
      this.problems.push(`${name}=${JSON.stringify(v)}: expected an integer from ${min} to ${max}`);
      return fallback;
    }
    return n;
  }

  /** Booleans as PySOGS reads them. */
  bool(name: string, fallback: boolean): boolean {
    const v = this.optional(name);
    if (v === undefined) return fallback;
    if (/^(y|yes|true|on|1)$/i.test(v)) return true;
    if (/^(n|no|false|off|0)$/i.test(v)) return false;
    this.problems.push(`${name}=${JSON.stringify(v)}: expected yes/no, true/false, on/off or 1/0`);
    return fallback;
  }

  days(name: string, fallbackDays: number): number {
    const v = this.optional(name);
    if (v === undefined) return fallbackDays * DAY;
    const n = /^\d+(\.\d+)?$/.test(v) ? Number(v) : NaN;
    if (!(n > 0)) {
      this.problems.push(`${name}=${JSON.stringify(v)}: expected a positive number of days`);
      return fallbackDays * DAY;
    }
    return n * DAY;
  }

  oneOf<T extends string>(name: string, options: readonly T[], fallback: T): T {
    const v = this.optional(name);
    if (v === undefined) return fallback;
    if ((options as readonly string[]).includes(v)) return v as T;
    this.problems.push(`${name}=${JSON.stringify(v)}: expected one of ${options.join(', ')}`);
    return fallback;
  }
}

/** Validates the environment once at boot. Throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): AppConfig {
  const r = new Reader(env);
  const port = r.int('PORT', 8080, 0, 65535);
  const host = r.string('HOST', '0.0.0.0');
  const dataDir = path.resolve(r.string('TSOGS_DATA_DIR', './data'));
  const baseUrl = r.string('TSOGS_BASE_URL', `http://localhost:${port}`).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]/.test(baseUrl)) {
    r.problems.push(
      `TSOGS_BASE_URL=${JSON.stringify(baseUrl)}: expected an http:// or https:// URL`,
    );
  }
  const dbUrl = r.optional('DATABASE_URL');
  if (dbUrl !== undefined && !/^postgres(ql)?:\/\//.test(dbUrl)) {
    r.problems.push('DATABASE_URL: expected a postgres:// or postgresql:// URL');
  }
  const config: AppConfig = {
    http: { host, port, direct: r.bool('TSOGS_DIRECT', false), baseUrl },
    db: { url: dbUrl, poolSize: r.int('TSOGS_DB_POOL', 10, 1, 1000) },
    dataDir,
    keyFile: path.resolve(dataDir, r.string('TSOGS_KEY_FILE', 'key_x25519')),
    users: { requireBlindKeys: r.bool('TSOGS_REQUIRE_BLIND_KEYS', true) },
    rooms: {
      activeThreshold: r.days('TSOGS_ACTIVE_THRESHOLD_DAYS', 7),
      activePruneThreshold: r.days('TSOGS_ACTIVE_PRUNE_THRESHOLD_DAYS', 60),
    },
    log: { level: r.oneOf('TSOGS_LOG_LEVEL', LOG_LEVELS, 'info') },
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return config;
}
