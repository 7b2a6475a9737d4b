import { Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { ServerKeys } from '../config/server-keys';
import { readSessionText } from '../messages/session-content';
import { MessagesRepository } from '../messages/messages.repository';
import { resolvePermissions } from '../moderation/room-permissions';
import { joinUrl } from '../rooms/join-url';
import type { Room } from '../rooms/room';
import { RoomsRepository } from '../rooms/rooms.repository';
import { escapeHtml, trustedHtml, type SafeHtml } from './html';
import { qrPng, qrSvg } from './qr';
import type { RecentMessage, RoomSummary } from './templates';
import { ROOM_TOKEN } from '../rooms/room';

/** How many recent messages the room page shows. */
export const RECENT_LIMIT = 50;
/** Side of the invite PNG (api.md §9). */
export const INVITE_PNG_SIZE = 512;
const QR_CACHE_MAX = 1000;

/** A bounded memo: QR codes are costly to draw (a PNG takes hundreds of ms) and never change. */
function memo<T>(cache: Map<string, T>, key: string, make: () => T): T {
  let value = cache.get(key);
  if (value === undefined) {
    value = make();
    if (cache.size >= QR_CACHE_MAX) cache.clear();
    cache.set(key, value);
  }
  return value;
}

/** A room as an anonymous visitor finds it (api.md §9). */
export type RoomLookup =
  | { kind: 'ok'; room: Room }
  /** Unknown, or hidden from anonymous callers: indistinguishable, as in the room API. */
  | { kind: 'missing' }
  /** Visible but not publicly readable. */
  | { kind: 'forbidden' };

/** Data for the public web pages: readable rooms, join URLs, QR codes and recent messages. */
@Injectable()
export class WebService {
  private readonly svgCache = new Map<string, Promise<string>>();
  private readonly pngCache = new Map<string, Buffer>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: ServerKeys,
    private readonly rooms: RoomsRepository,
    private readonly messages: MessagesRepository,
  ) {}

  get showIndex(): boolean {
    return this.config.http.showIndex;
  }

  get showRecent(): boolean {
    return this.config.http.showRecent;
  }

  /** The `active_users` window in days. */
  get activeDays(): number {
    return this.config.rooms.activeThreshold / 86400;
  }

  isToken(token: string): boolean {
    return ROOM_TOKEN.test(token);
  }

  joinUrl(room: Room): string {
    return joinUrl(this.config.http.baseUrl, room.token, this.keys.publicKeyHex);
  }

  /** Rooms anyone may read (anonymous permissions: the room defaults). */
  async publicRooms(): Promise<Room[]> {
    return (await this.rooms.list()).filter((r) => resolvePermissions(r, null, null).read);
  }

  async find(token: string): Promise<RoomLookup> {
    const room = await this.rooms.findByToken(token);
    if (!room) return { kind: 'missing' };
    const perms = resolvePermissions(room, null, null);
    if (!perms.accessible) return { kind: 'missing' };
    return perms.read ? { kind: 'ok', room } : { kind: 'forbidden' };
  }

  async summary(room: Room): Promise<RoomSummary> {
    const url = this.joinUrl(room);
    return {
      token: room.token,
      name: room.name,
      description: room.description,
      activeUsers: room.activeUsers,
      joinUrl: url,
      qrSvg: await this.svgOf(url, `QR code of ${url}`),
    };
  }

  /** The newest messages an anonymous reader may see, oldest first, as text. */
  async recent(room: Room): Promise<RecentMessage[]> {
    const rows = await this.messages.latest(
      room.id,
      { userId: null, moderator: false },
      RECENT_LIMIT,
      null,
    );
    return rows.reverse().map((m) => {
      const content = m.data ? readSessionText(m.data) : null;
      return {
        name: content?.displayName || undefined,
        sessionId: m.session_id,
        posted: m.posted,
        edited: m.edited !== null,
        text: content?.body || undefined,
      };
    });
  }

  /** The 512×512 PNG QR code of a room's join URL. */
  invitePng(room: Room): Buffer {
    const url = this.joinUrl(room);
    return memo(this.pngCache, url, () => qrPng(url, INVITE_PNG_SIZE));
  }

  /** Inline SVG of a QR code: markup generated here, with the label escaped. */
  private async svgOf(text: string, label: string): Promise<SafeHtml> {
    const svg = await memo(this.svgCache, text, () => qrSvg(text));
    return trustedHtml(
      svg.trim().replace(/^<svg /, `<svg role="img" aria-label="${escapeHtml(label)}" `),
    );
  }
}
