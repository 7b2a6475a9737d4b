/** The operator command line, accepting PySOGS's flags (spec model.md §15). */
import { parseArgv, type CliOptions } from './cli-argv';
import { CliUsageError } from './cli-usage.error';
import { ROOM_TOKEN } from '../rooms/room';

export type Perm = 'r' | 'w' | 'u' | 'a';

export interface PermChanges {
  add: Perm[];
  remove: Perm[];
  clear: Perm[];
}

/**
 * Everything one `--rooms` call may change, applied in PySOGS's order: moderators added, then
 * removed, then permissions, description and name.
 */
export interface RoomUpdate {
  kind: 'update-rooms';
  /** Room tokens, or just `*` (every room) or `+` (global roles). */
  rooms: string[];
  addModerators: string[];
  deleteModerators: string[];
  admin: boolean;
  /** `--visible`/`--hidden`; null when neither, which means visible in rooms, hidden globally. */
  visible: boolean | null;
  /** Null without permission flags; with them, `users` empty means the room defaults. */
  perms: PermChanges | null;
  users: string[];
  name?: string;
  description?: string;
}

export type CliCommand =
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'initialize' }
  | { kind: 'upgrade' }
  | { kind: 'check-upgrades' }
  | {
      kind: 'add-room';
      token: string;
      name: string;
      description: string | null;
      perms: PermChanges;
      verbose: boolean;
    }
  | { kind: 'delete-room'; token: string; yes: boolean; verbose: boolean }
  | RoomUpdate
  | { kind: 'list-rooms'; verbose: boolean }
  | { kind: 'list-global-mods' };

const SESSION_ID = /^[01]5[0-9a-fA-F]{64}$/;

/**
 * The permission letters, in PySOGS's order (add, remove, clear). Like PySOGS, a letter may occur
 * once in all three together, and an empty string counts as not given.
 */
function permChanges(o: CliOptions): PermChanges {
  const seen = new Set<string>();
  const letters = (value: string | undefined): Perm[] =>
    [...(value ?? '')].map((c) => {
      if (!'rwua'.includes(c)) {
        throw new CliUsageError(
          `invalid permission flag '${c}' (r read, w write, u upload, a accessible)`,
        );
      }
      if (seen.has(c)) {
        throw new CliUsageError(
          `permission flag '${c}' in more than one permission set (add/remove/clear)`,
        );
      }
      seen.add(c);
      return c as Perm;
    });
  return { add: letters(o.addPerms), remove: letters(o.removePerms), clear: letters(o.clearPerms) };
}

function ids(values: string[] | undefined): string[] {
  for (const v of values ?? []) {
    if (!SESSION_ID.test(v)) throw new CliUsageError(`'${v}' is not a valid session id`);
  }
  return (values ?? []).map((v) => v.toLowerCase());
}

/** Turns `--description` escapes `\n` and `\\` into a newline and a backslash. */
function unescape(text: string): string {
  return text.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
}

/**
 * PySOGS ignores a modifier its action does not use; here that is an error, so that no flag is
 * silently dropped.
 */
function rejectUnused(o: CliOptions, kind: CliCommand['kind'], permsGiven: boolean): void {
  const unused: [boolean, string][] = [
    [o.yes && kind !== 'delete-room', '--yes only applies to --delete-room'],
    [
      o.verbose && !['list-rooms', 'add-room', 'delete-room'].includes(kind),
      '-v only applies to -L, --add-room and --delete-room',
    ],
    [
      (o.admin || o.visible || o.hidden) && !o.addModerators,
      '--admin, --visible and --hidden only apply to --add-moderators',
    ],
    [
      o.users !== undefined && !(kind === 'update-rooms' && permsGiven),
      '--users only applies to --add-perms, --remove-perms or --clear-perms with --rooms',
    ],
    [
      kind === 'add-room' && !!(o.addModerators || o.deleteModerators),
      'moderators cannot be set with --add-room; use --rooms TOKEN --add-moderators afterwards',
    ],
    [kind === 'add-room' && !!o.clearPerms, '--clear-perms has nothing to clear on a new room'],
  ];
  const hit = unused.find(([bad]) => bad);
  if (hit) throw new CliUsageError(hit[1]);
}

function roomUpdate(o: CliOptions, permsGiven: boolean): RoomUpdate {
  const rooms = o.rooms!;
  const global = rooms[0] === '+';
  if (rooms.length > 1 && rooms.some((t) => t === '*' || t === '+')) {
    throw new CliUsageError("'+'/'*' arguments to --rooms cannot be used with other rooms");
  }
  if (global && permsGiven) {
    throw new CliUsageError("--rooms cannot be '+' (i.e. global) when updating room permissions");
  }
  for (const [given, flag] of [
    [o.description !== undefined, '--description'],
    [o.name !== undefined, '--name'],
  ] as const) {
    if (given && (global || rooms[0] === '*')) {
      throw new CliUsageError(`--rooms cannot be '+' or '*' (i.e. global/all) with ${flag}`);
    }
  }
  const users = ids(o.users);
  const perms = permsGiven ? permChanges(o) : null;
  // PySOGS would write NULL into a room's NOT NULL default and crash.
  if (perms?.clear.length && !users.length) {
    throw new CliUsageError('--clear-perms needs --users: room defaults cannot be cleared');
  }
  return {
    kind: 'update-rooms',
    rooms,
    addModerators: ids(o.addModerators),
    deleteModerators: ids(o.deleteModerators),
    admin: o.admin,
    visible: o.visible ? true : o.hidden ? false : null,
    perms,
    users,
    ...(o.name !== undefined ? { name: o.name } : {}),
    ...(o.description !== undefined ? { description: unescape(o.description) } : {}),
  };
}

/**
 * Parses the command line with PySOGS's rules: argparse errors exit 2 (see `parseArgv`); the
 * checks below, in `sogs/__main__.py`'s order, exit 1.
 */
export function parseCli(argv: string[]): CliCommand {
  const parsed = parseArgv(argv);
  if ('help' in parsed) return { kind: 'help' };
  if ('version' in parsed) return { kind: 'version' };
  const o = parsed;
  // Empty strings count as not given for these, as PySOGS tests them for truth.
  const permsGiven = !!(o.addPerms || o.removePerms || o.clearPerms);
  const updateRooms =
    !o.addRoom &&
    (o.description !== undefined ||
      o.name !== undefined ||
      !!o.addModerators ||
      !!o.deleteModerators ||
      permsGiven);
  const actions: [string, boolean, Exclude<CliCommand['kind'], 'help' | 'version'>][] = [
    ['--add-room', !!o.addRoom, 'add-room'],
    ['--delete-room', !!o.deleteRoom, 'delete-room'],
    ['room modifiers', updateRooms, 'update-rooms'],
    ['--list-rooms', o.listRooms, 'list-rooms'],
    ['--list-global-mods', o.listGlobalMods, 'list-global-mods'],
    ['--initialize', o.initialize, 'initialize'],
    ['--upgrade', o.upgrade, 'upgrade'],
    ['--check-upgrades', o.checkUpgrades, 'check-upgrades'],
  ];
  const chosen = actions.filter(([, on]) => on);
  if (chosen.length > 1) {
    throw new CliUsageError(`${chosen[0][0]} and ${chosen[1][0]} are incompatible`);
  }
  if (updateRooms && !o.rooms) {
    throw new CliUsageError(
      'A room must be specified (using --rooms) when updating permissions or room details',
    );
  }
  if (o.rooms && !updateRooms) {
    throw new CliUsageError('--rooms specified without a room modification option');
  }
  if (!chosen.length) throw new CliUsageError('no action given');
  const kind = chosen[0][2];
  rejectUnused(o, kind, permsGiven);
  switch (kind) {
    case 'add-room': {
      const token = o.addRoom!;
      if (!ROOM_TOKEN.test(token)) {
        throw new CliUsageError(
          'room tokens may only contain a-z, A-Z, 0-9, _, and - characters (1–64 of them)',
        );
      }
      return {
        kind,
        token,
        name: o.name || token,
        description: o.description ? unescape(o.description) : null,
        perms: permChanges(o),
        verbose: o.verbose,
      };
    }
    case 'delete-room':
      return { kind, token: o.deleteRoom!, yes: o.yes, verbose: o.verbose };
    case 'update-rooms':
      return roomUpdate(o, permsGiven);
    case 'list-rooms':
      return { kind, verbose: o.verbose };
    case 'list-global-mods':
    case 'initialize':
    case 'upgrade':
    case 'check-upgrades':
      return { kind };
  }
}

export const USAGE = `Usage: tsogs ACTION [OPTIONS]   (PySOGS's flags; long options may be abbreviated)

Rooms
  --add-room TOKEN [--name NAME] [--description TEXT] [--add-perms rwua] [--remove-perms rwua]
  --delete-room TOKEN [--yes]          asks first unless --yes; declining exits 2
  -L, --list-rooms [-v]                rooms with URL, counts, sizes, reactions, activity,
                                       default permissions and moderators (-v lists them)

Changes to existing rooms, combinable in one call (applied in this order):
  --rooms TOKEN...|*|+                 the rooms; * every room; + global (moderators only)
    --add-moderators ID... [--admin] [--visible|--hidden]
                                       rooms: visible unless --hidden; +: hidden unless --visible
    --delete-moderators ID...
    --add-perms rwua --remove-perms rwua [--clear-perms rwua --users ID...]
                                       room defaults, or per-user overrides with --users
                                       (r read, w write, u upload, a accessible)
    --description TEXT  --name NAME    not with * or +; an empty description removes it;
                                       \\n and \\\\ in TEXT are a newline and a backslash

Other
  -M, --list-global-mods
  --initialize                         create the database schema and key (new database only)
  -U, --upgrade                        apply pending database migrations
  --check-upgrades                     exit 5 if migrations are pending, else 0; changes nothing
  -V, --version  -h, --help

IDs are 05… or 15… Session IDs. Other commands exit 5 while migrations are pending on an existing
database (run --upgrade); on an empty one they create the schema. Bad options exit 2, other
errors 1. The CLI reads the server's environment (DATABASE_URL, TSOGS_DATA_DIR, TSOGS_BASE_URL, …)
and works whether or not the server is running.`;
