import { CliUsageError } from './cli-usage.error';

/** Every flag PySOGS's `sogs/__main__.py` declares, as its argparse parser leaves them. */
export interface CliOptions {
  addRoom?: string;
  deleteRoom?: string;
  name?: string;
  description?: string;
  addPerms?: string;
  removePerms?: string;
  clearPerms?: string;
  rooms?: string[];
  users?: string[];
  addModerators?: string[];
  deleteModerators?: string[];
  admin: boolean;
  visible: boolean;
  hidden: boolean;
  listRooms: boolean;
  listGlobalMods: boolean;
  verbose: boolean;
  yes: boolean;
  initialize: boolean;
  upgrade: boolean;
  checkUpgrades: boolean;
}

type Flag = {
  [K in keyof CliOptions]-?: CliOptions[K] extends boolean ? K : never;
}[keyof CliOptions];
type Single = 'addRoom' | 'deleteRoom' | 'name' | 'description' | 'addPerms' | 'removePerms';
type Multi = 'rooms' | 'users' | 'addModerators' | 'deleteModerators';

type Option =
  | { kind: 'flag'; dest: Flag | 'help' | 'version' }
  | { kind: 'one'; dest: Single | 'clearPerms' }
  | { kind: 'many'; dest: Multi };

const OPTIONS: Record<string, Option> = {
  '--help': { kind: 'flag', dest: 'help' },
  '-h': { kind: 'flag', dest: 'help' },
  '--version': { kind: 'flag', dest: 'version' },
  '-V': { kind: 'flag', dest: 'version' },
  '--add-room': { kind: 'one', dest: 'addRoom' },
  '--name': { kind: 'one', dest: 'name' },
  '--description': { kind: 'one', dest: 'description' },
  '--delete-room': { kind: 'one', dest: 'deleteRoom' },
  '--add-moderators': { kind: 'many', dest: 'addModerators' },
  '--delete-moderators': { kind: 'many', dest: 'deleteModerators' },
  '--users': { kind: 'many', dest: 'users' },
  '--add-perms': { kind: 'one', dest: 'addPerms' },
  '--remove-perms': { kind: 'one', dest: 'removePerms' },
  '--clear-perms': { kind: 'one', dest: 'clearPerms' },
  '--admin': { kind: 'flag', dest: 'admin' },
  '--rooms': { kind: 'many', dest: 'rooms' },
  '--visible': { kind: 'flag', dest: 'visible' },
  '--hidden': { kind: 'flag', dest: 'hidden' },
  '--list-rooms': { kind: 'flag', dest: 'listRooms' },
  '-L': { kind: 'flag', dest: 'listRooms' },
  '--list-global-mods': { kind: 'flag', dest: 'listGlobalMods' },
  '-M': { kind: 'flag', dest: 'listGlobalMods' },
  '--verbose': { kind: 'flag', dest: 'verbose' },
  '-v': { kind: 'flag', dest: 'verbose' },
  '--yes': { kind: 'flag', dest: 'yes' },
  '--initialize': { kind: 'flag', dest: 'initialize' },
  '--upgrade': { kind: 'flag', dest: 'upgrade' },
  '-U': { kind: 'flag', dest: 'upgrade' },
  '--check-upgrades': { kind: 'flag', dest: 'checkUpgrades' },
};
const LONG = Object.keys(OPTIONS).filter((o) => o.startsWith('--'));

/** An argument as argparse classifies it: a value, or an option (known or not) with `=value`. */
type Arg = { value: string } | { flag: string; option?: Option; inline?: string };

const usage = (message: string) => new CliUsageError(message, 2);

/**
 * argparse's rules: `-`, negative numbers and strings with a space are values; long options may
 * be abbreviated to any unambiguous prefix and take `=value`; short flags cluster (`-Lv`).
 */
function classify(arg: string): Arg {
  if (!arg.startsWith('-') || arg === '-') return { value: arg };
  if (OPTIONS[arg]) return { flag: arg, option: OPTIONS[arg] };
  // With no positional parameters, argparse can only report `--` as unrecognized.
  if (arg === '--') return { flag: arg };
  const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
  const [name, inline] = eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined];
  if (OPTIONS[name]) return { flag: name, option: OPTIONS[name], inline };
  if (arg.startsWith('--')) {
    const matches = LONG.filter((o) => o.startsWith(name));
    if (matches.length > 1) {
      throw usage(`ambiguous option: ${name} could match ${matches.join(', ')}`);
    }
    if (matches.length === 1) return { flag: matches[0], option: OPTIONS[matches[0]], inline };
  } else if (OPTIONS[arg.slice(0, 2)]) {
    return { flag: arg.slice(0, 2), option: OPTIONS[arg.slice(0, 2)], inline: arg.slice(2) };
  }
  if (/^-\d+$|^-\d*\.\d+$/.test(arg) || arg.includes(' ')) return { value: arg };
  return { flag: arg };
}

export type ParsedArgv = { help: true } | { version: true } | CliOptions;

/**
 * Reads argv as PySOGS's argparse parser (Python 3.11) does, so that the same command lines work
 * and fail the same way (exit 2). A repeated option keeps its last value; `--help` and
 * `--version` act as soon as they are reached, before later errors.
 */
export function parseArgv(argv: string[]): ParsedArgv {
  const end = argv.indexOf('--');
  const args = argv.map((a, i): Arg => (end >= 0 && i > end ? { value: a } : classify(a)));
  const o: CliOptions = {
    admin: false,
    visible: false,
    hidden: false,
    listRooms: false,
    listGlobalMods: false,
    verbose: false,
    yes: false,
    initialize: false,
    upgrade: false,
    checkUpgrades: false,
  };
  const unrecognized: string[] = [];
  const setFlag = (flag: string, dest: Option['dest']): ParsedArgv | undefined => {
    if (dest === 'help') return { help: true };
    if (dest === 'version') return { version: true };
    const other = dest === 'visible' ? 'hidden' : dest === 'hidden' ? 'visible' : undefined;
    if (other && o[other]) throw usage(`argument ${flag}: not allowed with argument --${other}`);
    o[dest as Flag] = true;
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if ('value' in arg || !arg.option) {
      unrecognized.push(argv[i]);
      continue;
    }
    const { flag, option, inline } = arg;
    if (option.kind === 'flag') {
      // A short flag's tail is more short flags (`-Lv`); a long one takes no value at all.
      const cluster = flag.startsWith('--') ? [] : [...(inline ?? '')].map((c) => `-${c}`);
      const bad = cluster.findIndex((f) => OPTIONS[f]?.kind !== 'flag');
      if ((flag.startsWith('--') && inline !== undefined) || bad >= 0) {
        const rest = bad >= 0 ? [...(inline ?? '')].slice(bad).join('') : inline;
        throw usage(
          `argument ${bad > 0 ? cluster[bad - 1] : flag}: ignored explicit argument '${rest}'`,
        );
      }
      for (const f of [flag, ...cluster]) {
        const done = setFlag(f, OPTIONS[f].dest);
        if (done) return done;
      }
      continue;
    }
    const values = inline !== undefined ? [inline] : [];
    if (inline === undefined) {
      while (i + 1 < args.length && 'value' in args[i + 1]) {
        values.push(argv[++i]);
        if (option.kind === 'one') break;
      }
    }
    if (values.length === 0) {
      throw usage(
        `argument ${flag}: expected ${option.kind === 'one' ? 'one argument' : 'at least one argument'}`,
      );
    }
    if (option.kind === 'one') o[option.dest] = values[0];
    else o[option.dest] = values;
  }
  if (unrecognized.length) throw usage(`unrecognized arguments: ${unrecognized.join(' ')}`);
  return o;
}
