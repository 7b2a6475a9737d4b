import { availableParallelism } from 'node:os';
import path from 'node:path';
import {
  ALPHABET_FILTERS,
  FILTER_REPLY_TYPES,
  type AppConfig,
  type FilterReplySettings,
  type RoomFilterSettings,
} from './app-config';
import { withIniFile } from './sogs-ini';

const DAY = 86400;
const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;

/** Raised when the environment holds bad values; lists every one of them. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Env = Record<string, string | undefined>;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const isStringList = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((l) => typeof l === 'string');

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

  /** A space- or comma-separated subset of `options`, returned in the order of `options`. */
  subset<T extends string>(name: string, options: readonly T[]): T[] {
    const given = (this.optional(name) ?? '').split(/[\s,]+/).filter(Boolean);
    const unknown = given.filter((v) => !(options as readonly string[]).includes(v));
    if (unknown.length) {
      this.problems.push(
        `${name}: unknown ${unknown.join(', ')}; expected some of ${options.join(', ')}`,
      );
    }
    return options.filter((o) => given.includes(o));
  }

  /** Days as seconds, where 0 or empty means "never" (null). */
  daysOrNever(name: string, fallbackDays: number): number | null {
    const v = this.env[name];
    if (v === undefined) return fallbackDays * DAY;
    if (v === '' || /^0+(\.0+)?$/.test(v)) return null;
    return this.days(name, fallbackDays);
  }

  /**
   * Per-room filter settings, `token:key=value` entries separated by `;` (what `[room:TOKEN]`
   * sections of sogs.ini become), keys `profanity_filter`, `profanity_silent`, `alphabet_filters`.
   */
  roomFilters(name: string): Record<string, RoomFilterSettings> {
    const rooms: Record<
      string,
      { -readonly [K in keyof RoomFilterSettings]: RoomFilterSettings[K] }
    > = {};
    for (const entry of (this.optional(name) ?? '').split(';').filter((e) => e.trim())) {
      const m = /^\s*([A-Za-z0-9_-]{1,64}):(\w+)=(.*)$/.exec(entry);
      if (!m) {
        this.problems.push(
          `${name}: cannot read ${JSON.stringify(entry)} (expected token:key=value)`,
        );
        continue;
      }
      const [, token, key, value] = m;
      const room = (rooms[token.toLowerCase()] ??= {});
      const sub = new Reader({ [`${name}[${token}] ${key}`]: value.trim() });
      if (key === 'profanity_filter')
        room.profanityFilter = sub.bool(`${name}[${token}] ${key}`, false);
      else if (key === 'profanity_silent')
        room.profanitySilent = sub.bool(`${name}[${token}] ${key}`, true);
      else if (key === 'alphabet_filters') {
        room.alphabetFilters = sub.subset(`${name}[${token}] ${key}`, ALPHABET_FILTERS);
      } else sub.problems.push(`${name}: unknown room setting ${key}`);
      this.problems.push(...sub.problems);
    }
    return rooms;
  }

  /**
   * Filter bot replies: a JSON object keyed `ROOM:TYPE` (what `[filter:ROOM:TYPE]` sections of
   * sogs.ini become), each value with optional `reply` (lines, or a list), `profile_name` and
   * `public`.
   */
  filterReplies(name: string): Record<string, FilterReplySettings> {
    const text = this.optional(name);
    if (text === undefined) return {};
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isObject(parsed)) {
      this.problems.push(`${name}: expected a JSON object keyed "ROOM:TYPE"`);
      return {};
    }
    const out: Record<string, FilterReplySettings> = {};
    for (const [section, value] of Object.entries(parsed)) {
      const where = `${name}[${section}]`;
      const m = /^([A-Za-z0-9_-]{1,64}|\*):([a-z]+|\*)$/.exec(section);
      if (!m || !(m[2] === '*' || (FILTER_REPLY_TYPES as readonly string[]).includes(m[2]))) {
        this.problems.push(
          `${where}: expected ROOM:TYPE, ROOM a token or *, TYPE * or one of ${FILTER_REPLY_TYPES.join(', ')}`,
        );
        continue;
      }
      if (!isObject(value)) {
        this.problems.push(`${where}: expected an object of reply, profile_name, public`);
        continue;
      }
      out[`${m[1] === '*' ? '*' : m[1].toLowerCase()}:${m[2]}`] = this.filterReply(where, value);
    }
    return out;
  }

  private filterReply(where: string, value: Record<string, unknown>): FilterReplySettings {
    const settings: { -readonly [K in keyof FilterReplySettings]: FilterReplySettings[K] } = {};
    for (const [key, v] of Object.entries(value)) {
      if (key === 'reply' && (typeof v === 'string' || isStringList(v))) {
        settings.replies = (typeof v === 'string' ? v.split('\n') : v).filter((l) => l !== '');
      } else if (key === 'profile_name' && typeof v === 'string') settings.profileName = v;
      else if (key === 'public' && (typeof v === 'string' || typeof v === 'boolean')) {
        const sub = new Reader({ [`${where} public`]: String(v) });
        settings.public = sub.bool(`${where} public`, false);
        this.problems.push(...sub.problems);
      } else this.problems.push(`${where}: bad or unknown key ${key}`);
    }
    return settings;
  }

  /** The S3 settings: all of endpoint, bucket, access key and secret key, or none. */
  s3(): AppConfig['files']['s3'] {
    const names = [
      'TSOGS_S3_ENDPOINT',
      'TSOGS_S3_BUCKET',
      'TSOGS_S3_ACCESS_KEY',
      'TSOGS_S3_SECRET_KEY',
    ];
    const given = names.filter((n) => this.optional(n) !== undefined);
    if (given.length === 0) return undefined;
    if (given.length < names.length) {
      this.problems.push(
        `${names.filter((n) => !given.includes(n)).join(', ')}: needed with ${given.join(', ')}`,
      );
      return undefined;
    }
    const endpoint = this.optional('TSOGS_S3_ENDPOINT')!;
    if (!/^https?:\/\/[^/]/.test(endpoint)) {
      this.problems.push(`TSOGS_S3_ENDPOINT=${JSON.stringify(endpoint)}: expected an http(s) URL`);
    }
    return {
      endpoint,
      bucket: this.optional('TSOGS_S3_BUCKET')!,
      region: this.string('TSOGS_S3_REGION', 'us-east-1'),
      accessKey: this.optional('TSOGS_S3_ACCESS_KEY')!,
      secretKey: this.optional('TSOGS_S3_SECRET_KEY')!,
    };
  }

  oneOf<T extends string>(name: string, options: readonly T[], fallback: T): T {
    const v = this.optional(name);
    if (v === undefined) return fallback;
    if ((options as readonly string[]).includes(v)) return v as T;
    this.problems.push(`${name}=${JSON.stringify(v)}: expected one of ${options.join(', ')}`);
    return fallback;
  }
}

/**
 * Validates the settings once at boot: the given environment, or the process environment over
 * an optional PySOGS-style `sogs.ini`. Throws ConfigError naming every bad value (and the INI
 * key it came from).
 */
export function loadConfig(explicit?: Env): AppConfig {
  const { env, ini } = explicit ? { env: explicit, ini: undefined } : withIniFile(process.env);
  const r = new Reader(env);
  r.problems.push(...(ini?.problems ?? []));
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
    http: {
      host,
      port,
      direct: r.bool('TSOGS_DIRECT', false),
      baseUrl,
      workers: r.int('TSOGS_WORKERS', availableParallelism(), 1, 256),
      showIndex: r.bool('TSOGS_HTTP_SHOW_INDEX', true),
      showRecent: r.bool('TSOGS_HTTP_SHOW_RECENT', true),
    },
    limits: {
      maxSubrequests: r.int('TSOGS_MAX_SUBREQUESTS', 256, 1, 100_000),
      maxInFlight: r.int('TSOGS_MAX_IN_FLIGHT', 1000, 0, 1_000_000),
      headersTimeoutMs: r.int('TSOGS_HEADERS_TIMEOUT', 10, 1, 3600) * 1000,
      requestTimeoutMs: r.int('TSOGS_REQUEST_TIMEOUT', 60, 1, 3600) * 1000,
    },
    db: { url: dbUrl, poolSize: r.int('TSOGS_DB_POOL', 10, 1, 1000) },
    dataDir,
    keyFile: path.resolve(dataDir, r.string('TSOGS_KEY_FILE', 'key_x25519')),
    users: { requireBlindKeys: r.bool('TSOGS_REQUIRE_BLIND_KEYS', true) },
    rooms: {
      activeThreshold: r.days('TSOGS_ACTIVE_THRESHOLD_DAYS', 7),
      activePruneThreshold: r.days('TSOGS_ACTIVE_PRUNE_THRESHOLD_DAYS', 60),
    },
    messages: {
      historyPruneThreshold: r.days('TSOGS_HISTORY_PRUNE_THRESHOLD_DAYS', 30),
      profanityFilter: r.bool('TSOGS_PROFANITY_FILTER', false),
      profanitySilent: r.bool('TSOGS_PROFANITY_SILENT', true),
      profanityCustom: r.optional('TSOGS_PROFANITY_CUSTOM'),
      alphabetFilters: r.subset('TSOGS_ALPHABET_FILTERS', ALPHABET_FILTERS),
      alphabetSilent: r.bool('TSOGS_ALPHABET_SILENT', true),
      filterMods: r.bool('TSOGS_FILTER_MODS', false),
      rooms: r.roomFilters('TSOGS_ROOM_FILTERS'),
      filterReplies: r.filterReplies('TSOGS_FILTER_REPLIES'),
    },
    files: {
      maxSize: r.int('TSOGS_FILES_MAX_SIZE', 10_000_000, 1, 10_485_760),
      expiry: r.daysOrNever('TSOGS_FILES_EXPIRY_DAYS', 15),
      uploadsDir: r.string('TSOGS_UPLOADS_DIR', 'uploads'),
      s3: r.s3(),
    },
    dms: {
      expiry: r.days('TSOGS_DM_EXPIRY_DAYS', 15),
      maxBytes: r.int('TSOGS_DM_MAX_BYTES', 65_536, 1, 10_485_760),
      rateLimit: {
        count: r.int('TSOGS_DM_RATE_LIMIT', 30, 1, 1_000_000),
        seconds: r.int('TSOGS_DM_RATE_WINDOW', 60, 1, 86_400),
      },
    },
    admin: {
      socket: path.resolve(dataDir, r.string('TSOGS_ADMIN_SOCKET', 'admin.sock')),
      port: r.int('TSOGS_ADMIN_PORT', 0, 0, 65535) || null,
    },
    log: { level: r.oneOf('TSOGS_LOG_LEVEL', LOG_LEVELS, 'info') },
  };
  if (r.problems.length > 0) {
    throw new ConfigError(
      r.problems.map((p) => {
        const name = /^[A-Z_]+/.exec(p)?.[0];
        return name && ini?.origins[name]
          ? `${ini.origins[name]} (${name})${p.slice(name.length)}`
          : p;
      }),
    );
  }
  return config;
}
