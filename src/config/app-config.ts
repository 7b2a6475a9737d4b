/** Typed, read-only settings, grouped by concern. Built once by `loadConfig` (env.schema.ts). */
export interface AppConfig {
  readonly http: {
    readonly host: string;
    readonly port: number;
    /** Serve the room API over plain HTTP too (TSOGS_DIRECT=1); otherwise onion requests only. */
    readonly direct: boolean;
    /** Public base URL used in join URLs, without a trailing slash. */
    readonly baseUrl: string;
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
  readonly log: {
    readonly level: 'error' | 'warn' | 'info' | 'debug';
  };
}
