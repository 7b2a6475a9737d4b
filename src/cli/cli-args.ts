/** The operator command line, accepting PySOGS's flags (spec model.md §15). */
export type Perm = 'r' | 'w' | 'u' | 'a';

export interface PermChanges {
  add: Perm[];
  remove: Perm[];
  clear: Perm[];
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'initialize' }
  | {
      kind: 'add-room';
      token: string;
      name: string;
      description: string | null;
      perms: PermChanges;
    }
  | { kind: 'delete-room'; token: string; yes: boolean }
  | {
      kind: 'add-moderators';
      rooms: string[];
      ids: string[];
      admin: boolean;
      visible: boolean | null;
    }
  | { kind: 'delete-moderators'; rooms: string[]; ids: string[] }
  | { kind: 'perms'; rooms: string[]; users: string[]; perms: PermChanges }
  | { kind: 'update-room'; rooms: string[]; name?: string; description?: string }
  | { kind: 'list-rooms'; verbose: boolean }
  | { kind: 'list-global-mods' };

export class CliUsageError extends Error {}

/** Flags taking one value, flags taking one or more, and plain switches. */
const SINGLE = new Set([
  '--add-room',
  '--delete-room',
  '--name',
  '--description',
  '--add-perms',
  '--remove-perms',
  '--clear-perms',
]);
const MULTI = new Set(['--rooms', '--users', '--add-moderators', '--delete-moderators']);
const SWITCHES: Record<string, string> = {
  '--admin': '--admin',
  '--visible': '--visible',
  '--hidden': '--hidden',
  '--yes': '--yes',
  '-y': '--yes',
  '-L': '--list-rooms',
  '--list-rooms': '--list-rooms',
  '-v': '--verbose',
  '--verbose': '--verbose',
  '-M': '--list-global-mods',
  '--list-global-mods': '--list-global-mods',
  '-h': '--help',
  '--help': '--help',
  '-V': '--version',
  '--version': '--version',
  '--initialize': '--initialize',
  '--upgrade': '--initialize',
  '--check-upgrades': '--check-upgrades',
};
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
const SESSION_ID = /^[01]5[0-9a-fA-F]{64}$/;

type Parsed = Map<string, string | string[] | true>;

function tokenize(argv: string[]): Parsed {
  const out: Parsed = new Map();
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let inline: string | undefined;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    if (eq > 0) [arg, inline] = [arg.slice(0, eq), arg.slice(eq + 1)];
    if (out.has(arg) || out.has(SWITCHES[arg] ?? '')) throw new CliUsageError(`${arg} given twice`);
    if (SWITCHES[arg]) {
      if (inline !== undefined) throw new CliUsageError(`${arg} takes no value`);
      out.set(SWITCHES[arg], true);
    } else if (SINGLE.has(arg)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new CliUsageError(`${arg} needs a value`);
      out.set(arg, value);
    } else if (MULTI.has(arg)) {
      const values = inline !== undefined ? [inline] : [];
      while (
        i + 1 < argv.length &&
        (!argv[i + 1].startsWith('-') || (values.length === 0 && argv[i + 1] === '-'))
      ) {
        values.push(argv[++i]);
      }
      if (values.length === 0) throw new CliUsageError(`${arg} needs at least one value`);
      out.set(arg, values);
    } else {
      throw new CliUsageError(`unknown argument: ${arg}`);
    }
  }
  return out;
}

function perms(value: string | undefined, flag: string): Perm[] {
  if (value === undefined) return [];
  if (!/^[rwua]*$/.test(value))
    throw new CliUsageError(
      `${flag} takes letters from rwua (r read, w write, u upload, a accessible)`,
    );
  return [...new Set(value.split(''))] as Perm[];
}

function permChanges(p: Parsed): PermChanges {
  const c = {
    add: perms(p.get('--add-perms') as string | undefined, '--add-perms'),
    remove: perms(p.get('--remove-perms') as string | undefined, '--remove-perms'),
    clear: perms(p.get('--clear-perms') as string | undefined, '--clear-perms'),
  };
  const all = [...c.add, ...c.remove, ...c.clear];
  if (new Set(all).size !== all.length) {
    throw new CliUsageError(
      'each permission letter may appear in only one of --add-perms, --remove-perms, --clear-perms',
    );
  }
  return c;
}

function ids(values: string[], flag: string): string[] {
  for (const v of values) {
    if (!SESSION_ID.test(v))
      throw new CliUsageError(`${flag}: ${v} is not a 05… or 15… Session ID (66 hex digits)`);
  }
  return values.map((v) => v.toLowerCase());
}

/** Turns `--description` escapes `\n` and `\\` into a newline and a backslash. */
function unescape(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

function rooms(p: Parsed, allowGlobal: boolean): string[] {
  const r = p.get('--rooms') as string[] | undefined;
  if (!r) throw new CliUsageError('--rooms is required for this action');
  const special = r.filter((t) => t === '*' || t === '+');
  if (special.length && r.length > 1)
    throw new CliUsageError("--rooms '*' or '+' must be given alone");
  if (r[0] === '+' && !allowGlobal)
    throw new CliUsageError('--rooms + (global) is not valid for this action');
  for (const t of r)
    if (!special.length && !TOKEN.test(t)) throw new CliUsageError(`invalid room token: ${t}`);
  return r;
}

export function parseCli(argv: string[]): CliCommand {
  const p = tokenize(argv);
  const has = (f: string) => p.has(f);
  if (has('--help') || argv.length === 0) return { kind: 'help' };
  if (has('--version')) return { kind: 'version' };
  const actions = [
    '--add-room',
    '--delete-room',
    '--add-moderators',
    '--delete-moderators',
    '--list-rooms',
    '--list-global-mods',
    '--initialize',
    '--check-upgrades',
  ].filter(has);
  const permsGiven = has('--add-perms') || has('--remove-perms') || has('--clear-perms');
  if (actions.length > 1) throw new CliUsageError(`choose one action; got ${actions.join(', ')}`);
  const action = actions[0];
  switch (action) {
    case '--initialize':
    case '--check-upgrades':
      return { kind: 'initialize' };
    case '--add-room': {
      const token = p.get('--add-room') as string;
      if (!TOKEN.test(token))
        throw new CliUsageError(`invalid room token: ${token} (1–64 of A–Z a–z 0–9 _ -)`);
      if (has('--rooms') || has('--users'))
        throw new CliUsageError('--add-room takes no --rooms or --users');
      const description = p.get('--description') as string | undefined;
      return {
        kind: 'add-room',
        token,
        name: (p.get('--name') as string | undefined) ?? token,
        description: description ? unescape(description) : null,
        perms: permChanges(p),
      };
    }
    case '--delete-room':
      return { kind: 'delete-room', token: p.get('--delete-room') as string, yes: has('--yes') };
    case '--add-moderators':
      if (has('--visible') && has('--hidden'))
        throw new CliUsageError('--visible and --hidden are exclusive');
      return {
        kind: 'add-moderators',
        rooms: rooms(p, true),
        ids: ids(p.get('--add-moderators') as string[], '--add-moderators'),
        admin: has('--admin'),
        visible: has('--visible') ? true : has('--hidden') ? false : null,
      };
    case '--delete-moderators':
      return {
        kind: 'delete-moderators',
        rooms: rooms(p, true),
        ids: ids(p.get('--delete-moderators') as string[], '--delete-moderators'),
      };
    case '--list-rooms':
      return { kind: 'list-rooms', verbose: has('--verbose') };
    case '--list-global-mods':
      return { kind: 'list-global-mods' };
  }
  if (permsGiven) {
    const users = p.has('--users') ? ids(p.get('--users') as string[], '--users') : [];
    return { kind: 'perms', rooms: rooms(p, false), users, perms: permChanges(p) };
  }
  if (has('--name') || has('--description')) {
    const r = rooms(p, false);
    if (r[0] === '*') throw new CliUsageError("--name/--description need room tokens, not '*'");
    const description = p.get('--description') as string | undefined;
    return {
      kind: 'update-room',
      rooms: r,
      ...(has('--name') ? { name: p.get('--name') as string } : {}),
      ...(description !== undefined ? { description: unescape(description) } : {}),
    };
  }
  throw new CliUsageError(
    'nothing to do: give an action such as --add-room, --add-moderators, --add-perms or -L',
  );
}

export const USAGE = `Usage: tsogs [ACTION] [OPTIONS]   (PySOGS-compatible flags)

Rooms
  --add-room TOKEN [--name NAME] [--description TEXT] [--add-perms rwua] [--remove-perms rwua]
  --delete-room TOKEN [--yes]
  --rooms TOKEN... --name NAME | --description TEXT    rename / describe (empty removes)
  -L, --list-rooms [-v]                                list rooms with their join URLs

Moderators
  --rooms TOKEN...|*|+ --add-moderators ID... [--admin] [--visible|--hidden]
                        (+ means global: hidden unless --visible; rooms: visible unless --hidden)
  --rooms TOKEN...|*|+ --delete-moderators ID...
  -M, --list-global-mods

Permissions (letters: r read, w write, u upload, a accessible)
  --rooms TOKEN...|* [--users ID...] --add-perms rwua --remove-perms rwua --clear-perms rwua
                        without --users: room defaults; with --users: per-user overrides

Other
  --initialize | --upgrade   create or migrate the database and key, then exit
  -V, --version  -h, --help

IDs are 05… or 15… Session IDs. The CLI reads the server's environment (DATABASE_URL,
TSOGS_DATA_DIR, TSOGS_BASE_URL, …) and works whether or not the server is running.`;
