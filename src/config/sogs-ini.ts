import { existsSync, readFileSync } from 'node:fs';

type Env = Record<string, string | undefined>;

/** PySOGS settings ([section] key) and the environment variable each one sets here. */
const KEYS: Record<string, string> = {
  'db.url': 'DATABASE_URL',
  'crypto.key_file': 'TSOGS_KEY_FILE',
  'net.base_url': 'TSOGS_BASE_URL',
  'net.http_show_index': 'TSOGS_HTTP_SHOW_INDEX',
  'net.http_show_recent': 'TSOGS_HTTP_SHOW_RECENT',
  'files.expiry': 'TSOGS_FILES_EXPIRY_DAYS',
  'files.max_size': 'TSOGS_FILES_MAX_SIZE',
  'files.uploads_dir': 'TSOGS_UPLOADS_DIR',
  'rooms.active_threshold': 'TSOGS_ACTIVE_THRESHOLD_DAYS',
  'rooms.active_prune_threshold': 'TSOGS_ACTIVE_PRUNE_THRESHOLD_DAYS',
  'direct_messages.expiry': 'TSOGS_DM_EXPIRY_DAYS',
  'users.require_blind_keys': 'TSOGS_REQUIRE_BLIND_KEYS',
  'messages.history_prune_threshold': 'TSOGS_HISTORY_PRUNE_THRESHOLD_DAYS',
  'messages.profanity_filter': 'TSOGS_PROFANITY_FILTER',
  'messages.profanity_silent': 'TSOGS_PROFANITY_SILENT',
  'messages.profanity_custom': 'TSOGS_PROFANITY_CUSTOM',
  'messages.alphabet_filters': 'TSOGS_ALPHABET_FILTERS',
  'messages.alphabet_silent': 'TSOGS_ALPHABET_SILENT',
  'messages.filter_mods': 'TSOGS_FILTER_MODS',
  'log.level': 'TSOGS_LOG_LEVEL',
};

/** PySOGS settings with no meaning here (its internal message bus, its own web templates). */
const IGNORED = new Set([
  'net.omq_listen',
  'net.omq_internal',
  'web.template_path',
  'web.static_path',
]);

const LOG_LEVELS: Record<string, string> = {
  critical: 'error',
  error: 'error',
  warning: 'warn',
  warn: 'warn',
  info: 'info',
  debug: 'debug',
};

export interface IniSettings {
  /** Environment variables the file sets. */
  env: Env;
  /** Where each variable came from, e.g. `sogs.ini [files] max_size`. */
  origins: Record<string, string>;
  problems: string[];
}

/**
 * Reads a PySOGS-style INI file (section and key names as PySOGS, model.md §14). Values keep
 * their text; the config schema validates them, naming the INI key for each bad one.
 */
export function parseSogsIni(text: string, file = 'sogs.ini'): IniSettings {
  const out: IniSettings = { env: {}, origins: {}, problems: [] };
  /** `[filter:ROOM:TYPE]` sections, gathered into one JSON variable at the end. */
  const filters: Record<string, Record<string, string>> = {};
  let section = '';
  /** Adds a continuation line to the value read last (multi-line values). */
  let extend: ((line: string) => void) | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/^\s*[#;].*$/, '');
    if (!line.trim()) return;
    const where = `${file}:${i + 1}`;
    if (/^\s/.test(line) && extend) {
      extend(line.trim());
      return;
    }
    const header = /^\[([^\]]+)\]\s*$/.exec(line);
    if (header) {
      section = header[1].trim();
      extend = undefined;
      if (section.startsWith('filter:') && section.split(':').length !== 3) {
        out.problems.push(`${where}: [${section}]: expected [filter:ROOM:TYPE]`);
      }
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(line);
    if (!kv) {
      out.problems.push(`${where}: cannot read ${JSON.stringify(line.trim())}`);
      return;
    }
    const filter = /^filter:([^:]+:[^:]+)$/.exec(section);
    if (filter) {
      const values = (filters[filter[1]] ??= {});
      const key = kv[1].trim();
      values[key] = kv[2].trim();
      extend = (more) => (values[key] += `\n${more}`);
      return;
    }
    if (section.startsWith('filter:')) return;
    const room = /^room:(.+)$/.exec(section);
    if (room) {
      // Per-room filter settings gather into one variable, `token:key=value;…`.
      const entry = `${room[1].trim()}:${kv[1].trim()}=${kv[2].trim()}`;
      out.env.TSOGS_ROOM_FILTERS = out.env.TSOGS_ROOM_FILTERS
        ? `${out.env.TSOGS_ROOM_FILTERS};${entry}`
        : entry;
      out.origins.TSOGS_ROOM_FILTERS = `${file} [room:…] sections`;
      return;
    }
    const key = `${section}.${kv[1].trim()}`;
    const name = KEYS[key];
    extend = undefined;
    if (IGNORED.has(key)) return;
    if (!name) {
      out.problems.push(`${where}: unknown setting [${section}] ${kv[1].trim()}`);
      return;
    }
    let value = kv[2].trim();
    if (name === 'TSOGS_LOG_LEVEL') value = LOG_LEVELS[value.toLowerCase()] ?? value;
    if (name === 'DATABASE_URL' && value.startsWith('sqlite:')) {
      out.problems.push(
        `${where}: [db] url: tsogs runs on PostgreSQL; import a PySOGS SQLite database with tsogs import`,
      );
      return;
    }
    out.env[name] = value;
    out.origins[name] = `${file} [${section}] ${kv[1].trim()}`;
    extend = (more) => (out.env[name] += `\n${more}`);
  });
  if (Object.keys(filters).length) {
    out.env.TSOGS_FILTER_REPLIES = JSON.stringify(filters);
    out.origins.TSOGS_FILTER_REPLIES = `${file} [filter:…] sections`;
  }
  return out;
}

/**
 * The environment with an INI file's settings underneath: `SOGS_CONFIG` names the file, else
 * `sogs.ini` in the working directory is used when present. Real environment variables win.
 */
export function withIniFile(env: Env): { env: Env; ini?: IniSettings } {
  const file = env.SOGS_CONFIG ?? (existsSync('sogs.ini') ? 'sogs.ini' : undefined);
  if (!file) return { env };
  if (!existsSync(file)) {
    return {
      env,
      ini: { env: {}, origins: {}, problems: [`SOGS_CONFIG: no such file ${file}`] },
    };
  }
  const ini = parseSogsIni(readFileSync(file, 'utf8'), file);
  return { env: { ...ini.env, ...env }, ini };
}
