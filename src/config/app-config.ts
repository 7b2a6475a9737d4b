export const ALPHABET_FILTERS = ['persian', 'arabic', 'cyrillic'] as const;
export type AlphabetFilter = (typeof ALPHABET_FILTERS)[number];

/** A room's own filter settings; unset ones follow the server-wide settings. */
export interface RoomFilterSettings {
  readonly profanityFilter?: boolean;
  readonly profanitySilent?: boolean;
  readonly alphabetFilters?: readonly AlphabetFilter[];
}

/** Kinds of filter a `[filter:ROOM:TYPE]` section may name besides `*`: a kind or an alphabet. */
export const FILTER_REPLY_TYPES = ['profanity', 'alphabet', ...ALPHABET_FILTERS] as const;

/**
 * A `[filter:ROOM:TYPE]` section (model.md §8): the filter bot's reply; unset keys follow less
 * specific sections.
 */
export interface FilterReplySettings {
  /** Reply templates, one chosen at random; their `\@`-style escapes are replaced when sent. */
  readonly replies?: readonly string[];
  readonly profileName?: string;
  /** Post the reply to everyone rather than whisper it to the poster. */
  readonly public?: boolean;
}

/** Typed, read-only settings, grouped by concern. Built once by `loadConfig` (env.schema.ts). */
export interface AppConfig {
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Serve the room API over plain HTTP too (TSOGS_DIRECT=1); otherwise onion requests only. */
    readonly direct: boolean;
    /** Public base URL used in join URLs, without a trailing slash. */
    readonly baseUrl: string;
    /** Server processes sharing the port (TSOGS_WORKERS or --workers; default: one per core). */
    readonly workers: number;
    /** Serve the HTML list of public rooms at `/` ([net] http_show_index). */
    readonly showIndex: boolean;
    /** Show recent messages on the room page `/r/:token/` ([net] http_show_recent). */
    readonly showRecent: boolean;
  };
  /** Protection against slow, greedy or hostile clients (README, Reliability). */
  readonly limits: {
    /** Sub-requests in one /batch or /sequence (more: 400). */
    readonly maxSubrequests: number;
    /** Requests this process works on at once; more are refused with 503 at once (0: no cap). */
    readonly maxInFlight: number;
    /** Milliseconds a client may take to send the request head, and the whole request. */
    readonly headersTimeoutMs: number;
    readonly requestTimeoutMs: number;
  };
  readonly db: {
    /** External PostgreSQL; undefined means the embedded server in the data directory. */
    readonly url: string | undefined;
    readonly poolSize: number;
  };
  readonly dataDir: string;
  readonly keyFile: string;
  readonly users: {
    readonly requireBlindKeys: boolean;
  };
  readonly rooms: {
    /** Seconds of inactivity after which a user no longer counts in `active_users`. */
    readonly activeThreshold: number;
    readonly activePruneThreshold: number;
  };
  readonly messages: {
    /** Seconds edit and deletion history is kept (history_prune_threshold). */
    readonly historyPruneThreshold: number;
    readonly profanityFilter: boolean;
    /** Store profane posts hidden (true) or answer 429 (false). */
    readonly profanitySilent: boolean;
    /** Word list file, one word per line, replacing the built-in list. */
    readonly profanityCustom: string | undefined;
    /** Alphabet filters in force; model.md §8 fixes the order they are tested in. */
    readonly alphabetFilters: readonly AlphabetFilter[];
    readonly alphabetSilent: boolean;
    /** Apply the filters to moderators and admins too. */
    readonly filterMods: boolean;
    /** Per-room overrides (PySOGS `[room:TOKEN]`), keyed by lower-case token. */
    readonly rooms: Readonly<Record<string, RoomFilterSettings>>;
    /** Filter bot replies, keyed `room:type`: lower-case token or `*`, a FILTER_REPLY_TYPES or `*`. */
    readonly filterReplies: Readonly<Record<string, FilterReplySettings>>;
  };
  readonly files: {
    /** Largest accepted upload in bytes ([files] max_size). */
    readonly maxSize: number;
    /** Seconds an attached upload lives ([files] expiry); null = attachments never expire. */
    readonly expiry: number | null;
    /** Upload directory, relative to the data directory unless absolute. */
    readonly uploadsDir: string;
    /** An S3-compatible bucket instead of the directory (several hosts share it). */
    readonly s3?: {
      readonly endpoint: string;
      readonly bucket: string;
      readonly region: string;
      readonly accessKey: string;
      readonly secretKey: string;
    };
  };
  readonly dms: {
    /** Seconds a DM lives ([direct_messages] expiry). */
    readonly expiry: number;
    /** Largest accepted DM body, in bytes after base64 decoding. */
    readonly maxBytes: number;
    /** At most `count` DMs per sender per `seconds` (PySOGS has no limit). */
    readonly rateLimit: { readonly count: number; readonly seconds: number };
  };
  readonly admin: {
    /** Unix socket of the operator admin API (TSOGS_ADMIN_SOCKET; relative to the data dir). */
    readonly socket: string;
    /** Also listen on 127.0.0.1 at this port (TSOGS_ADMIN_PORT); null (0 or empty) = no TCP. */
    readonly port: number | null;
  };
  readonly log: {
    readonly level: 'error' | 'warn' | 'info' | 'debug';
  };
}
