import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.tokens';
import { ServerKeys } from '../config/server-keys';
import { filterBotKeypair, type FilterBotKeypair } from '../crypto/filter-bot';
import { sodium } from '../crypto/sodium';
import { Database, type Queryable } from '../db/database';
import type { Room } from '../rooms/room';
import type { User } from '../users/user';
import { UsersRepository } from '../users/users.repository';
import type { FilterVerdict } from './content-filter.service';
import { chooseFilterReply, formatFilterReply } from './filter-replies';
import { MessagesRepository } from './messages.repository';
import { RoomSequenceRepository } from './room-sequence.repository';
import { encodeSessionText } from './session-content';

/**
 * The filter bot (model.md §8): after a filter hit, posts the reply the `[filter:ROOM:TYPE]`
 * settings give, as a message signed by the bot identity of its profile name, whispered to the
 * poster unless the reply is public.
 */
@Injectable()
export class FilterBotService {
  private readonly bots = new Map<string, FilterBotKeypair>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly keys: ServerKeys,
    private readonly db: Database,
    private readonly messages: MessagesRepository,
    private readonly sequence: RoomSequenceRepository,
    private readonly users: UsersRepository,
    private readonly clock: Clock,
  ) {}

  /**
   * Posts the reply to `poster`'s filtered post, if any section asks for one: in `tx` when given
   * (which must already hold the room's lock or take no other), else in a transaction of its own.
   */
  async reply(room: Room, poster: User, verdict: FilterVerdict, tx?: Queryable): Promise<void> {
    const sections = this.config.messages.filterReplies;
    const reply = chooseFilterReply(sections, room.token, verdict.kind, verdict.alphabet);
    if (!reply) return;
    const now = this.clock.now();
    const body = formatFilterReply(reply.template, {
      sessionId: poster.sessionId,
      displayName: verdict.displayName,
      roomName: room.name,
      token: room.token,
    });
    const data = encodeSessionText(body, Math.floor(now * 1000), reply.profileName);
    const bot = this.bot(reply.profileName);
    const signature = Buffer.from(sodium().crypto_sign_detached(data, bot.secretKey));
    const post = async (q: Queryable) => {
      // The room first, as every posting transaction locks it, then the bot's user row.
      const seqno = await this.sequence.advance(q, room.id);
      const author = await this.users.insertOrGet(bot.id, now, q);
      await this.messages.insert(q, {
        roomId: room.id,
        userId: author.id,
        posted: now,
        seqno,
        data,
        signature,
        filtered: false,
        whisperTo: reply.public ? null : poster.id,
        whisperMods: false,
      });
    };
    if (tx) await post(tx);
    else await this.db.transaction(post);
  }

  /** Each profile name has its own key, so clients keep the names apart. */
  private bot(profileName: string): FilterBotKeypair {
    let bot = this.bots.get(profileName);
    if (!bot) {
      bot = filterBotKeypair(profileName, this.keys.privateKey);
      this.bots.set(profileName, bot);
    }
    return bot;
  }
}
