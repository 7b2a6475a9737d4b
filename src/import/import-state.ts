import type { TableStat } from './import-report';
import type { RowOf, TABLES, TableName } from './pysogs-tables';
import type { Col, InsertOptions } from './target-writer';
import type { UserMap } from './user-map';

/** How one PySOGS table lands in a target table; `row` returns undefined for a skipped row. */
export interface Mapping<T extends TableName> {
  into: string;
  cols: Col[];
  orderBy: (keyof (typeof TABLES)[T] & string)[];
  row(r: RowOf<T>, stat: TableStat): unknown[] | undefined | Promise<unknown[] | undefined>;
  insert?: InsertOptions;
}

/** `'id:int8 token:text'` → the target columns, in order. */
export function cols(spec: string): Col[] {
  return spec.split(/\s+/).map((c) => c.split(':') as Col);
}

type Example = string | number | null;

/**
 * What earlier tables leave for later ones: which rows made it (a pin needs its message, a
 * reactor its reaction), how PySOGS user ids map, and findings for the final notes.
 */
export class ImportState {
  /** Imported rooms' ids → their PySOGS image file id. */
  readonly roomImages = new Map<number, number | null>();
  /** Imported messages' ids → their room. */
  readonly messageRooms = new Map<number, number>();
  readonly fileIds = new Set<number>();
  readonly reactionIds = new Set<number>();
  /** Scheduled bans found in the pre-`user_ban_futures` layout of user_permission_futures. */
  readonly legacyBanFutures: unknown[][] = [];
  /** Storage keys written by this run, removed again if it fails. */
  readonly stored: string[] = [];
  readonly sizeMismatches: number[] = [];
  seqnoMismatches = 0;

  constructor(
    readonly users: UserMap,
    readonly now: number,
    /** DM lifetime, for PySOGS inbox rows without an expiry. */
    readonly dmExpiry: number,
  ) {}

  /** The room's id when imported, else undefined after recording why. */
  room(id: number | null, stat: TableStat, example: Example): number | undefined {
    if (id !== null && this.roomImages.has(id)) return id;
    stat.skip('of a room that was not imported', example);
    return undefined;
  }

  /** Our user id for a PySOGS user id, else undefined after recording why. */
  user(id: number | null, stat: TableStat, example: Example): number | undefined {
    const mapped = this.users.get(id);
    if (mapped === undefined) stat.skip('of an unknown user', example);
    return mapped;
  }

  message(id: number | null, stat: TableStat, example: Example): number | undefined {
    if (id !== null && this.messageRooms.has(id)) return id;
    stat.skip('of a message that was not imported', example);
    return undefined;
  }
}
