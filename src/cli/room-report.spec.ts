import type { Room } from '../rooms/room';
import { roomReport } from './room-report';
import type { RoomStats } from './room-stats.repository';

const room = {
  token: 'lobby',
  name: 'Lobby',
  description: 'Hi\nthere',
  defaultRead: true,
  defaultWrite: false,
  defaultUpload: false,
  defaultAccessible: true,
} as Room;
const stats: RoomStats = {
  messages: 12,
  messageBytes: 2_345_678,
  files: 0,
  fileBytes: 0,
  reactions: 0,
  topReactions: [],
  active: [1, 2, 3, 4],
};
const mods = [
  { sessionId: '15a', admin: false, visible: false },
  { sessionId: '15b', admin: true, visible: true },
  { sessionId: '15c', admin: false, visible: true },
  { sessionId: '15d', admin: true, visible: false },
];

describe('roomReport (PySOGS print_room)', () => {
  it('prints the facts and, verbose, the moderators admins first', () => {
    expect(roomReport(room, 'http://x/lobby?public_key=k', stats, mods, true)).toEqual([
      'lobby: Lobby',
      '  Description: Hi\n    there',
      '  Join URL: http://x/lobby?public_key=k',
      '  Messages: 12 (2.3 MB)',
      '  Attachments: 0 (0.0 MB)',
      '  Reactions: 0',
      '  Active users: 1 (1d), 2 (7d), 3 (14d), 4 (30d)',
      '  Default permissions: +read, -write, -upload, +accessible',
      '  Moderators: 2 admins (1 hidden), 2 moderators (1 hidden)',
      '    - 15b (admin)',
      '    - 15d (hidden admin)',
      '    - 15c (moderator)',
      '    - 15a (hidden moderator)',
    ]);
  });

  it('counts hidden moderators without listing them unless verbose', () => {
    const lines = roomReport({ ...room, description: null }, 'u', stats, mods, false);
    expect(lines).toContain('  Description: (none)');
    expect(lines.at(-1)).toBe('  Moderators: 2 admins (1 hidden), 2 moderators (1 hidden)');
  });
});
