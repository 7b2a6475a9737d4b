import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './env.schema';
import { parseSogsIni } from './sogs-ini';

describe('parseSogsIni (PySOGS section and key names)', () => {
  const sample = `
; a PySOGS sogs.ini
[db]
url = postgresql://sogs@localhost/sogs

[net]
base_url = https://sogs.example.net
omq_listen = tcp://*:22028

[files]
expiry = 365
max_size = 5000000

[messages]
alphabet_filters = arabic cyrillic
alphabet_silent = no

[log]
level = WARNING

[room:general]
profanity_filter = yes

[filter:*:*]
reply = Please keep it civil, \\@
  Mind your language (\\r)
profile_name = Room bot

[filter:general:cyrillic]
public = yes
`;

  it('maps every supported setting to its variable and ignores PySOGS internals', () => {
    const ini = parseSogsIni(sample);
    expect(ini.problems).toEqual([]);
    expect(ini.env).toEqual({
      DATABASE_URL: 'postgresql://sogs@localhost/sogs',
      TSOGS_BASE_URL: 'https://sogs.example.net',
      TSOGS_FILES_EXPIRY_DAYS: '365',
      TSOGS_FILES_MAX_SIZE: '5000000',
      TSOGS_ALPHABET_FILTERS: 'arabic cyrillic',
      TSOGS_ALPHABET_SILENT: 'no',
      TSOGS_LOG_LEVEL: 'warn',
      TSOGS_ROOM_FILTERS: 'general:profanity_filter=yes',
      TSOGS_FILTER_REPLIES: JSON.stringify({
        '*:*': {
          reply: 'Please keep it civil, \\@\nMind your language (\\r)',
          profile_name: 'Room bot',
        },
        'general:cyrillic': { public: 'yes' },
      }),
    });
  });

  it('yields a configuration the schema accepts', () => {
    const config = loadConfig({ ...parseSogsIni(sample).env, TSOGS_DATA_DIR: 'data' });
    expect(config.files.expiry).toBe(365 * 86400);
    expect(config.messages.alphabetFilters).toEqual(['arabic', 'cyrillic']);
    expect(config.http.baseUrl).toBe('https://sogs.example.net');
    expect(config.messages.rooms).toEqual({ general: { profanityFilter: true } });
    expect(config.messages.filterReplies).toEqual({
      '*:*': {
        replies: ['Please keep it civil, \\@', 'Mind your language (\\r)'],
        profileName: 'Room bot',
      },
      'general:cyrillic': { public: true },
    });
  });

  it('names unknown keys, unreadable lines and a SQLite database as problems', () => {
    const ini = parseSogsIni(
      '[db]\nurl = sqlite:///sogs.db\n[files]\nmax_sise = 1\njunk line\n[filter:general]\nreply = hi\n',
    );
    expect(ini.problems).toEqual([
      'sogs.ini:2: [db] url: tsogs runs on PostgreSQL; import a PySOGS SQLite database with tsogs import',
      'sogs.ini:4: unknown setting [files] max_sise',
      'sogs.ini:5: cannot read "junk line"',
      'sogs.ini:6: [filter:general]: expected [filter:ROOM:TYPE]',
    ]);
  });

  it('names bad filter reply sections and keys', () => {
    const bad = JSON.stringify({
      'general:klingon': { reply: 'hi' },
      '*:profanity': { reply: 3, public: 'perhaps', colour: 'red' },
    });
    let problems: string[] = [];
    try {
      loadConfig({ TSOGS_FILTER_REPLIES: bad });
    } catch (e) {
      problems = (e as ConfigError).problems;
    }
    expect(problems).toEqual([
      expect.stringMatching(/^TSOGS_FILTER_REPLIES\[general:klingon\]: expected ROOM:TYPE/),
      'TSOGS_FILTER_REPLIES[*:profanity]: bad or unknown key reply',
      'TSOGS_FILTER_REPLIES[*:profanity] public="perhaps": expected yes/no, true/false, on/off or 1/0',
      'TSOGS_FILTER_REPLIES[*:profanity]: bad or unknown key colour',
    ]);
    expect(() => loadConfig({ TSOGS_FILTER_REPLIES: '[1]' })).toThrow(
      'TSOGS_FILTER_REPLIES: expected a JSON object keyed "ROOM:TYPE"',
    );
  });
});

describe('loadConfig', () => {
  it('reads the file named by SOGS_CONFIG and names the INI key of a bad value', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'sogs-ini-'));
    const file = path.join(dir, 'sogs.ini');
    writeFileSync(file, '[files]\nmax_size = lots\n[users]\nrequire_blind_keys = no\n');
    const saved = process.env.SOGS_CONFIG;
    process.env.SOGS_CONFIG = file;
    try {
      expect(() => loadConfig()).toThrow(`${file} [files] max_size (TSOGS_FILES_MAX_SIZE)="lots"`);
      writeFileSync(file, '[users]\nrequire_blind_keys = no\n');
      expect(loadConfig().users.requireBlindKeys).toBe(false);
    } finally {
      if (saved === undefined) delete process.env.SOGS_CONFIG;
      else process.env.SOGS_CONFIG = saved;
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lists every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', TSOGS_DIRECT: 'maybe', TSOGS_FILES_MAX_SIZE: '-1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(3);
    expect((error as ConfigError).message).toMatch(/PORT="eighty"/);
  });
});
