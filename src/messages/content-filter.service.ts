import { readFileSync } from 'node:fs';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../config/config.tokens';
import type { AppConfig } from '../config/app-config';
import { SogsError } from '../common/sogs-error';
import type { RoomPermissions } from '../moderation/room-permissions';
import { ALPHABETS, BUILT_IN_PROFANITY, ProfanityList } from './content-filters';
import { readSessionText } from './session-content';

export type FilterKind = 'alphabet' | 'profanity';

/** A post caught by a filter: stored hidden (silent) or refused with a 429. */
export interface FilterVerdict {
  kind: FilterKind;
  silent: boolean;
}

export function filtrationRejected(kind: FilterKind): SogsError {
  return new SogsError(429, 'FILTERED', `filtration rejected message (${kind})`);
}

/**
 * Content filters for new posts and edits (model.md §8). Server-wide settings only: the
 * reference's per-room overrides are not offered.
 */
@Injectable()
export class ContentFilterService {
  private readonly settings: AppConfig['messages'];
  private readonly profanity: ProfanityList | null;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    this.settings = config.messages;
    const custom = this.settings.profanityCustom;
    // Read once at boot, so a missing custom list stops the server instead of passing posts.
    this.profanity = this.settings.profanityFilter
      ? new ProfanityList(
          custom ? ProfanityList.parseFile(readFileSync(custom, 'utf8')) : BUILT_IN_PROFANITY,
        )
      : null;
  }

  /** Null when the post passes; moderators pass unless `filterMods` is set. */
  check(data: Buffer, perms: RoomPermissions): FilterVerdict | null {
    if (perms.moderator && !this.settings.filterMods) return null;
    if (!this.settings.alphabetFilters.length && !this.profanity) return null;
    // Content that does not parse passes: newer clients may wrap it differently.
    const text = readSessionText(data);
    if (!text) return null;
    const body = text.body ?? '';
    for (const name of this.settings.alphabetFilters) {
      if (ALPHABETS[name].test(body))
        return { kind: 'alphabet', silent: this.settings.alphabetSilent };
    }
    const profane =
      this.profanity &&
      (this.profanity.matches(body) || this.profanity.matches(text.displayName ?? ''));
    return profane ? { kind: 'profanity', silent: this.settings.profanitySilent } : null;
  }
}
