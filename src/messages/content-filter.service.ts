import { readFileSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.tokens';
import type { AlphabetFilter, AppConfig } from '../config/app-config';
import { SogsError } from '../common/sogs-error';
import type { RoomPermissions } from '../moderation/room-permissions';
import type { Room } from '../rooms/room';
import { ALPHABETS, BUILT_IN_PROFANITY, ProfanityList } from './content-filters';
import { readSessionText } from './session-content';

export type FilterKind = 'alphabet' | 'profanity';

/** A post caught by a filter: stored hidden (silent) or refused with a 429. */
export interface FilterVerdict {
  kind: FilterKind;
  /** The alphabet that caught an alphabet hit. */
  alphabet?: AlphabetFilter;
  silent: boolean;
  /** The display name inside the post, empty when it has none (for the filter bot's reply). */
  displayName: string;
}

export function filtrationRejected(kind: FilterKind): SogsError {
  return new SogsError(429, 'FILTERED', `filtration rejected message (${kind})`);
}

/**
 * Content filters for new posts and edits (model.md §8): server-wide settings, each of which a
 * room may override.
 */
@Injectable()
export class ContentFilterService {
  private readonly settings: AppConfig['messages'];
  private readonly profanity: ProfanityList | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.settings = config.messages;
    const custom = this.settings.profanityCustom;
    const anyProfanity =
      this.settings.profanityFilter ||
      Object.values(this.settings.rooms).some((r) => r.profanityFilter);
    // Read once at boot, so a missing custom list stops the server instead of passing posts.
    this.profanity = anyProfanity
      ? new ProfanityList(
          custom ? ProfanityList.parseFile(readFileSync(custom, 'utf8')) : BUILT_IN_PROFANITY,
        )
      : null;
  }

  /** Null when the post passes; moderators pass unless `filterMods` is set. */
  check(room: Room, data: Buffer, perms: RoomPermissions): FilterVerdict | null {
    if (perms.moderator && !this.settings.filterMods) return null;
    const own = this.settings.rooms[room.token.toLowerCase()] ?? {};
    const alphabets = own.alphabetFilters ?? this.settings.alphabetFilters;
    const profanity =
      (own.profanityFilter ?? this.settings.profanityFilter) ? this.profanity : null;
    if (!alphabets.length && !profanity) return null;
    // Content that does not parse passes: newer clients may wrap it differently.
    const text = readSessionText(data);
    if (!text) return null;
    const body = text.body ?? '';
    const displayName = text.displayName ?? '';
    for (const alphabet of alphabets) {
      if (ALPHABETS[alphabet].test(body)) {
        return { kind: 'alphabet', alphabet, silent: this.settings.alphabetSilent, displayName };
      }
    }
    const profane = profanity && (profanity.matches(body) || profanity.matches(displayName));
    const silent = own.profanitySilent ?? this.settings.profanitySilent;
    return profane ? { kind: 'profanity', silent, displayName } : null;
  }
}
