import type { Room } from '../rooms/room';
import type { RoomLevelModerator, RoomStats } from './room-stats.repository';

const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;
const sign = (on: boolean) => (on ? '+' : '-');

/**
 * One room as `-L`, `--add-room` and `--delete-room` show it: the facts PySOGS's `print_room`
 * prints, under a `token: name` heading. `verbose` lists the moderators, admins first.
 */
export function roomReport(
  room: Room,
  url: string,
  stats: RoomStats,
  mods: RoomLevelModerator[],
  verbose: boolean,
): string[] {
  const count = (admin: boolean, visible?: boolean) =>
    mods.filter((m) => m.admin === admin && (visible === undefined || m.visible === visible))
      .length;
  const top = stats.topReactions.map((r) => `${r.reaction} (${r.count})`).join(', ');
  const [d1, d7, d14, d30] = stats.active;
  const lines = [
    `${room.token}: ${room.name}`,
    `  Description: ${room.description?.replace(/\n/g, '\n    ') ?? '(none)'}`,
    `  Join URL: ${url}`,
    `  Messages: ${stats.messages} (${mb(stats.messageBytes)})`,
    `  Attachments: ${stats.files} (${mb(stats.fileBytes)})`,
    `  Reactions: ${stats.reactions}${top ? `; top 5: ${top}` : ''}`,
    `  Active users: ${d1} (1d), ${d7} (7d), ${d14} (14d), ${d30} (30d)`,
    `  Default permissions: ${sign(room.defaultRead)}read, ${sign(room.defaultWrite)}write, ` +
      `${sign(room.defaultUpload)}upload, ${sign(room.defaultAccessible)}accessible`,
    `  Moderators: ${count(true)} admins (${count(true, false)} hidden), ` +
      `${count(false)} moderators (${count(false, false)} hidden)`,
  ];
  if (verbose) {
    const order = (m: RoomLevelModerator) => (m.admin ? 0 : 2) + (m.visible ? 0 : 1);
    for (const m of [...mods].sort((a, b) => order(a) - order(b))) {
      const role = `${m.visible ? '' : 'hidden '}${m.admin ? 'admin' : 'moderator'}`;
      lines.push(`    - ${m.sessionId} (${role})`);
    }
  }
  return lines;
}
