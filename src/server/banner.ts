import type { AppConfig } from '../config/app-config';
import type { ServerKeys } from '../config/server-keys';
import type { Room } from '../rooms/room';
import { joinUrl } from '../rooms/join-url';

/** What the server prints once it listens: where, its key, and every room's join URL. */
export function banner(
  config: AppConfig,
  keys: ServerKeys,
  rooms: Room[],
  embedded: boolean,
): string {
  const workers = config.http.workers > 1 ? `, ${config.http.workers} worker processes` : '';
  const lines = [
    `tsogs listening on ${config.http.host}:${config.http.port}` +
      (embedded ? ' (embedded PostgreSQL in the data directory' : ' (PostgreSQL at DATABASE_URL') +
      `${workers})`,
    `base URL:   ${config.http.baseUrl}`,
    `public key: ${keys.publicKeyHex}`,
    config.http.direct
      ? 'direct HTTP access: enabled'
      : 'direct HTTP access: off (onion requests only)',
    rooms.length
      ? 'rooms:'
      : 'no rooms yet: create one with  npx tsogs --add-room TOKEN --name NAME',
    ...rooms.map(
      (r) => `  ${r.token}  ${joinUrl(config.http.baseUrl, r.token, keys.publicKeyHex)}`,
    ),
  ];
  return lines.join('\n') + '\n';
}
