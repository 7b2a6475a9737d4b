import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { Clock } from '../common/clock';
import { isPlainObject } from '../common/json-body';
import { SogsError } from '../common/sogs-error';
import { decodeBase64Strict } from '../crypto/encoding';
import type { User } from '../users/user';
import { UsersService } from '../users/users.service';
import { DmsRepository, type DmRow } from './dms.repository';

/** The DM object of api.md §6. */
function toDm(r: DmRow, withMessage = true): Record<string, unknown> {
  const dm: Record<string, unknown> = {
    id: r.id,
    posted_at: r.posted_at,
    expires_at: r.expires_at,
    sender: r.sender,
    recipient: r.recipient,
  };
  if (withMessage) dm.message = r.body.toString('base64');
  return dm;
}

/** Blinded direct messages: opaque, end-to-end encrypted, expiring. */
@Injectable()
export class DmsService {
  constructor(
    private readonly dms: DmsRepository,
    private readonly users: UsersService,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Stores a DM for an existing, not globally banned recipient (404 otherwise). Beyond the
   * reference: bodies have a size cap (413) and senders a rate limit (429).
   */
  async send(
    sender: User,
    recipientId: string,
    readBody: () => unknown,
  ): Promise<Record<string, unknown>> {
    const recipient = await this.users.find(recipientId.toLowerCase());
    if (!recipient || recipient.banned) throw SogsError.notFound(`No such user: ${recipientId}`);
    const body = readBody();
    const message = isPlainObject(body) ? body.message : undefined;
    if (typeof message !== 'string') throw SogsError.badRequest('message (base64) is required');
    const bytes = decodeBase64Strict(message);
    if (!bytes) throw SogsError.badRequest('message must be base64');
    if (bytes.length > this.config.dms.maxBytes) {
      throw new SogsError(
        413,
        'DM_TOO_LARGE',
        `Message too large (at most ${this.config.dms.maxBytes} bytes)`,
      );
    }
    const now = this.clock.now();
    const { count, seconds } = this.config.dms.rateLimit;
    if ((await this.dms.sentSince(sender.id, now - seconds)) >= count) {
      throw new SogsError(429, 'RATE_LIMITED', 'Rate limited');
    }
    const expiry = now + this.config.dms.expiry;
    const id = await this.dms.insert(sender.id, recipient.id, bytes, now, expiry);
    return toDm(
      {
        id,
        posted_at: now,
        expires_at: expiry,
        sender: sender.sessionId,
        recipient: recipient.sessionId,
        body: bytes,
      },
      false,
    );
  }

  async list(side: 'inbox' | 'outbox', user: User, after: number, limit: number) {
    const rows = await this.dms.list(side, user.id, after, limit, this.clock.now());
    return rows.map((r) => toDm(r));
  }

  clearInbox(user: User): Promise<number> {
    return this.dms.deleteInbox(user.id);
  }
}
