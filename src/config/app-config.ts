export const ALPHABET_FILTERS = ['persian', 'arabic', 'cyrillic'] as const;
export type AlphabetFilter = (typeof ALPHABET_FILTERS)[number];

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
  };
  readonly files: {
    /** Largest accepted upload in bytes ([files] max_size). */
    readonly maxSize: number;
    /** Seconds an attached upload lives ([files] expiry); null = attachments never expire. */
    readonly expiry: number | null;
    /** Upload directory, relative to the data directory unless absolute. */
    readonly uploadsDir: string;
  };
  readonly dms: {
    /** Seconds a DM lives ([direct_messages] expiry). */
    readonly expiry: number;
    /** Largest accepted DM body, in bytes after base64 decoding. */
    readonly maxBytes: number;
    /** At most `count` DMs per sender per `seconds` (PySOGS has no limit). */
    readonly rateLimit: { readonly count: number; readonly seconds: number };
  };
  readonly log: {
    readonly level: 'error' | 'warn' | 'info' | 'debug';
  };
}
