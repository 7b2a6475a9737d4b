import { parseCli } from './cli-args';
import { CliUsageError } from './cli-usage.error';

const A = '05' + 'a'.repeat(64);
const B = '15' + 'B'.repeat(64);

function failure(argv: string[]): { exitCode: number; message: string } {
  try {
    parseCli(argv);
  } catch (err) {
    if (err instanceof CliUsageError) return { exitCode: err.exitCode, message: err.message };
    throw err;
  }
  throw new Error(`accepted: ${argv.join(' ')}`);
}

describe('parseCli: what argparse accepts (sogs/__main__.py)', () => {
  it.each([
    [['-U'], { kind: 'upgrade' }],
    [['--upgrade'], { kind: 'upgrade' }],
    [['--check-upgrades'], { kind: 'check-upgrades' }],
    [['--initialize'], { kind: 'initialize' }],
    [['-M'], { kind: 'list-global-mods' }],
    [['-Lv'], { kind: 'list-rooms', verbose: true }],
    [['--list-r'], { kind: 'list-rooms', verbose: false }],
    [['--frobnicate', '-h'], { kind: 'help' }],
    [['-LV'], { kind: 'version' }],
  ])('%j → %j', (argv, expected) => {
    expect(parseCli(argv)).toEqual(expected);
  });

  it('keeps the last value of a repeated option and takes `-`, spaced and `=` values', () => {
    expect(parseCli(['--rooms', 'a', '--name', 'x', '--name', '- spaced -'])).toMatchObject({
      rooms: ['a'],
      name: '- spaced -',
    });
    expect(parseCli(['--rooms=+', '--add-mod', A])).toMatchObject({
      rooms: ['+'],
      addModerators: [A],
    });
    expect(parseCli(['--rooms', 'a', '--description', '-'])).toMatchObject({ description: '-' });
  });

  it('combines every room change in one call', () => {
    expect(
      parseCli([
        '--rooms',
        'a',
        'b',
        '--add-moderators',
        A,
        '--admin',
        '--hidden',
        '--delete-moderators',
        B,
        '--add-perms',
        'rw',
        '--remove-perms',
        'u',
        '--name',
        'N',
        '--description',
        'x\\ny\\\\',
      ]),
    ).toEqual({
      kind: 'update-rooms',
      rooms: ['a', 'b'],
      addModerators: [A],
      deleteModerators: [B.toLowerCase()],
      admin: true,
      visible: false,
      perms: { add: ['r', 'w'], remove: ['u'], clear: [] },
      users: [],
      name: 'N',
      description: 'x\ny\\',
    });
  });

  it('leaves visibility to the target when neither --visible nor --hidden is given', () => {
    expect(parseCli(['--rooms', '+', '--add-moderators', A])).toMatchObject({ visible: null });
    expect(parseCli(['--rooms', 'a', '--add-moderators', A, '--visible'])).toMatchObject({
      visible: true,
    });
  });

  it('sets per-user overrides, clears included, with --users', () => {
    expect(parseCli(['--rooms', '*', '--users', A, B, '--clear-perms', 'rwua'])).toMatchObject({
      rooms: ['*'],
      users: [A, B.toLowerCase()],
      perms: { add: [], remove: [], clear: ['r', 'w', 'u', 'a'] },
    });
  });

  it('creates rooms named after their token when --name is empty', () => {
    expect(parseCli(['--add-room', 'x', '--name', '', '--remove-perms', 'w'])).toEqual({
      kind: 'add-room',
      token: 'x',
      name: 'x',
      description: null,
      perms: { add: [], remove: ['w'], clear: [] },
      verbose: false,
    });
  });
});

describe('parseCli: argparse errors exit 2', () => {
  it.each([
    [['--frobnicate'], /unrecognized arguments: --frobnicate/],
    [['-L', 'extra'], /unrecognized arguments: extra/],
    [['-y', '--delete-room', 'a'], /unrecognized arguments: -y/],
    [['--rooms=a', 'b', '--add-perms', 'r'], /unrecognized arguments: b/],
    [['--add-room'], /--add-room: expected one argument/],
    [['--name', '--rooms', 'a'], /--name: expected one argument/],
    [['--rooms', '--add-perms', 'r'], /--rooms: expected at least one argument/],
    [['--rooms', 'a', '--add-moderators', A, '--visible', '--hidden'], /not allowed with/],
    [['--admin=1'], /ignored explicit argument '1'/],
    [['-Lx'], /argument -L: ignored explicit argument 'x'/],
    [['-L', '--', 'x'], /unrecognized arguments: -- x/],
    [['--rooms', '--', 'a', '--add-perms', 'r'], /--rooms: expected at least one argument/],
    [['--list'], /ambiguous option: --list could match --list-rooms, --list-global-mods/],
  ])('%j', (argv, message) => {
    const f = failure(argv);
    expect(f.exitCode).toBe(2);
    expect(f.message).toMatch(message);
  });
});

describe('parseCli: PySOGS checks exit 1', () => {
  it.each([
    [[], /no action given/],
    [['-L', '-M'], /--list-rooms and --list-global-mods are incompatible/],
    [['--initialize', '-U'], /--initialize and --upgrade are incompatible/],
    [['--rooms', 'a', '--name', 'n', '--check-upgrades'], /room modifiers and --check-upgrades/],
    [['--rooms', 'a', '-L'], /--rooms specified without a room modification option/],
    [['--rooms', 'a', '-M'], /--rooms specified without/],
    [['--rooms', 'a', '--initialize'], /--rooms specified without/],
    [['--rooms', 'a', '--add-perms', ''], /--rooms specified without/],
    [['--add-room', 'x', '--rooms', 'a'], /--rooms specified without/],
    [['--add-perms', 'r'], /A room must be specified/],
    [['--rooms', 'a', '--add-perms', 'x'], /invalid permission flag 'x'/],
    [['--rooms', 'a', '--add-perms', 'rr'], /flag 'r' in more than one permission set/],
    [['--rooms', 'a', '--add-perms', 'r', '--clear-perms', 'r', '--users', A], /more than one/],
    [['--rooms', '+', '--add-perms', 'r'], /cannot be '\+'/],
    [['--rooms', '*', '--name', 'n'], /cannot be '\+' or '\*' .* with --name/],
    [['--rooms', '+', '--description', 'd'], /with --description/],
    [['--rooms', 'a', '*', '--add-perms', 'r'], /cannot be used with other rooms/],
    [['--rooms', 'a', '--add-moderators', 'nope'], /'nope' is not a valid session id/],
    [['--rooms', 'a', '--users', 'nope', '--add-perms', 'r'], /not a valid session id/],
    [['--rooms', 'a', '--clear-perms', 'r'], /--clear-perms needs --users/],
    [['--add-room', 'bad token'], /room tokens may only contain/],
    [['--add-room', 'x', '--add-moderators', A], /moderators cannot be set with --add-room/],
    [['--add-room', 'x', '--clear-perms', 'r'], /nothing to clear/],
    [['--yes', '-L'], /--yes only applies to --delete-room/],
    [['-v', '-M'], /-v only applies/],
    [['--rooms', 'a', '--add-perms', 'r', '--admin'], /only apply to --add-moderators/],
    [['--rooms', 'a', '--add-moderators', A, '--users', A], /--users only applies/],
  ])('%j', (argv, message) => {
    const f = failure(argv);
    expect(f.exitCode).toBe(1);
    expect(f.message).toMatch(message);
  });
});
